#include "common/console.h"

#include "lib/format.h"
#include "lib/spinlock.h"
#include "lib/string.h"

namespace console {
namespace {

constexpr const char* kPrefix = "(xenon) ";
constinit Console the_console;

} // namespace

void Console::emit_locked(const char* text, size_t len, bool record) {
    for (size_t i = 0; record && i < len; i++)
        ring_[ring_prod_++ & (kRingSize - 1)] = text[i];
    if (ring_prod_ - ring_cons_ > kRingSize)
        ring_cons_ = ring_prod_ - kRingSize; // the oldest bytes are overwritten
    if (sink_count_ == 0) {
        size_t room = kEarlyBufferSize - early_len_;
        size_t n = len < room ? len : room;
        memcpy(early_ + early_len_, text, n);
        early_len_ += n;
        return;
    }
    for (size_t i = 0; i < sink_count_; i++)
        sinks_[i](text, len);
}

// Emits text, putting the prefix at the start of every line.
void Console::emit_prefixed_locked(const char* text, size_t len) {
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (at_line_start_) {
            emit_locked(kPrefix, strlen(kPrefix));
            at_line_start_ = false;
        }
        if (text[i] == '\n') {
            emit_locked(text + start, i + 1 - start);
            start = i + 1;
            at_line_start_ = true;
        }
    }
    if (start < len)
        emit_locked(text + start, len - start);
}

void Console::add_sink(SinkFn sink) {
    lib::LockGuard guard(lock_);
    if (sink_count_ == kMaxSinks)
        return;
    sinks_[sink_count_++] = sink;
    if (sink_count_ == 1 && early_len_) {
        sink(early_, early_len_);
        early_len_ = 0;
    }
}

void Console::vlog(LogLevel level, const char* fmt, va_list args) {
    if (level > level_)
        return;
    char line[512];
    size_t len = lib::vformat(line, sizeof(line), fmt, args);
    if (len >= sizeof(line))
        len = sizeof(line) - 1;
    lib::LockGuard guard(lock_);
    if (!at_line_start_) // a log line always starts a line of its own
        emit_prefixed_locked("\n", 1);
    emit_prefixed_locked(line, len);
    if (len == 0 || line[len - 1] != '\n')
        emit_prefixed_locked("\n", 1);
}

void Console::write(const char* text, size_t len) {
    lib::LockGuard guard(lock_);
    emit_locked(text, len);
    if (len)
        at_line_start_ = text[len - 1] == '\n';
}

// As Xen's read_console_ring: the copy runs without the lock (text written meanwhile
// may overwrite what is being copied, as on Xen); an incremental index outside the
// ring's contents reads from its start.
int Console::read_ring(RingRead& r, RingCopyFn copy, void* ctx) {
    uint32_t c, p;
    {
        lib::LockGuard guard(lock_);
        c = ring_cons_;
        p = ring_prod_;
    }
    if (r.incremental && (c <= p ? c < r.index && r.index <= p : c < r.index || r.index <= p))
        c = r.index;
    uint32_t done = 0;
    while (c != p && done < r.count) {
        uint32_t at = c & (kRingSize - 1);
        uint32_t len = p - c;
        if (at + len > kRingSize)
            len = kRingSize - at;
        if (len > r.count - done)
            len = r.count - done;
        if (!copy(ctx, done, ring_ + at, len))
            return -1;
        done += len;
        c += len;
    }
    if (r.clear) {
        lib::LockGuard guard(lock_);
        ring_cons_ = p - c > kRingSize ? p - kRingSize : c;
    }
    r.count = done;
    r.index = c;
    return 0;
}

void Console::write_unrecorded(const char* text, size_t len) {
    lib::LockGuard guard(lock_);
    emit_locked(text, len, false);
    if (len)
        at_line_start_ = text[len - 1] == '\n';
}

void Console::force_unlock() {
    if (lock_.is_locked())
        lock_.unlock();
}

void add_sink(SinkFn sink) {
    the_console.add_sink(sink);
}
void set_level(LogLevel level) {
    the_console.set_level(level);
}
LogLevel level() {
    return the_console.level();
}
void vlog(LogLevel level, const char* fmt, va_list args) {
    the_console.vlog(level, fmt, args);
}
void write(const char* text, size_t len) {
    the_console.write(text, len);
}
void write_unrecorded(const char* text, size_t len) {
    the_console.write_unrecorded(text, len);
}
void force_unlock() {
    the_console.force_unlock();
}
int read_ring(RingRead& r, RingCopyFn copy, void* ctx) {
    return the_console.read_ring(r, copy, ctx);
}

void printf(const char* fmt, ...) {
    char buf[512];
    va_list args;
    va_start(args, fmt);
    size_t len = lib::vformat(buf, sizeof(buf), fmt, args);
    va_end(args);
    write(buf, len < sizeof(buf) ? len : sizeof(buf) - 1);
}

} // namespace console
void log(LogLevel level, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    console::vlog(level, fmt, args);
    va_end(args);
}
