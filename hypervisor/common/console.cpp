#include "common/console.h"

#include "lib/format.h"
#include "lib/spinlock.h"
#include "lib/string.h"

namespace console {
namespace {

constexpr size_t kMaxSinks = 4;
constexpr size_t kEarlyBufferSize = 16384;
constexpr const char* kPrefix = "(xenon) ";

struct State {
    lib::SpinLock lock;
    SinkFn sinks[kMaxSinks] = {};
    size_t sink_count = 0;
    LogLevel level = LogLevel::info;
    // Output from before the first sink, replayed when one appears.
    char early[kEarlyBufferSize] = {};
    size_t early_len = 0;
    bool at_line_start = true;
};

constinit State state;

void emit_locked(const char* text, size_t len) {
    if (state.sink_count == 0) {
        size_t room = kEarlyBufferSize - state.early_len;
        size_t n = len < room ? len : room;
        memcpy(state.early + state.early_len, text, n);
        state.early_len += n;
        return;
    }
    for (size_t i = 0; i < state.sink_count; i++)
        state.sinks[i](text, len);
}

// Emits text, putting the prefix at the start of every line.
void emit_prefixed_locked(const char* text, size_t len) {
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (state.at_line_start) {
            emit_locked(kPrefix, strlen(kPrefix));
            state.at_line_start = false;
        }
        if (text[i] == '\n') {
            emit_locked(text + start, i + 1 - start);
            start = i + 1;
            state.at_line_start = true;
        }
    }
    if (start < len)
        emit_locked(text + start, len - start);
}

} // namespace

void add_sink(SinkFn sink) {
    lib::LockGuard guard(state.lock);
    if (state.sink_count == kMaxSinks)
        return;
    state.sinks[state.sink_count++] = sink;
    if (state.sink_count == 1 && state.early_len) {
        sink(state.early, state.early_len);
        state.early_len = 0;
    }
}

void set_level(LogLevel level) { state.level = level; }
LogLevel level() { return state.level; }

void vlog(LogLevel level, const char* fmt, va_list args) {
    if (level > state.level)
        return;
    char line[512];
    size_t len = lib::vformat(line, sizeof(line), fmt, args);
    if (len >= sizeof(line))
        len = sizeof(line) - 1;
    lib::LockGuard guard(state.lock);
    if (!state.at_line_start) // a log line always starts a line of its own
        emit_prefixed_locked("\n", 1);
    emit_prefixed_locked(line, len);
    if (len == 0 || line[len - 1] != '\n')
        emit_prefixed_locked("\n", 1);
}

void write(const char* text, size_t len) {
    lib::LockGuard guard(state.lock);
    emit_locked(text, len);
    if (len)
        state.at_line_start = text[len - 1] == '\n';
}

void printf(const char* fmt, ...) {
    char buf[512];
    va_list args;
    va_start(args, fmt);
    size_t len = lib::vformat(buf, sizeof(buf), fmt, args);
    va_end(args);
    write(buf, len < sizeof(buf) ? len : sizeof(buf) - 1);
}

void force_unlock() {
    if (state.lock.is_locked())
        state.lock.unlock();
}

} // namespace console

void log(LogLevel level, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    console::vlog(level, fmt, args);
    va_end(args);
}
