// The hypervisor console: levelled log lines with xenon's "(xenon)" prefix, written to
// every registered sink (the serial port, later a guest's console ring).
#pragma once
#include <stdarg.h>
#include <stddef.h>

#include "lib/spinlock.h"

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };

namespace console {

using SinkFn = void (*)(const char* text, size_t len);

constexpr size_t kMaxSinks = 4;
constexpr size_t kEarlyBufferSize = 16384;

// One console's state. The hypervisor has one (the functions below use it); tests make
// their own.
class Console {
  public:
    constexpr Console() = default;
    void add_sink(SinkFn sink);
    void set_level(LogLevel level) { level_ = level; }
    LogLevel level() const { return level_; }
    void vlog(LogLevel level, const char* fmt, va_list args);
    void write(const char* text, size_t len);
    void force_unlock();

  private:
    void emit_locked(const char* text, size_t len);
    void emit_prefixed_locked(const char* text, size_t len);

    lib::SpinLock lock_;
    SinkFn sinks_[kMaxSinks] = {};
    size_t sink_count_ = 0;
    LogLevel level_ = LogLevel::info;
    // Output from before the first sink, replayed when one appears.
    char early_[kEarlyBufferSize] = {};
    size_t early_len_ = 0;
    bool at_line_start_ = true;
};

// Sinks receive every byte written from then on; what was logged before the first
// sink was added is kept (up to a few KiB) and replayed to it.
void add_sink(SinkFn sink);
void set_level(LogLevel level); // messages above this level are dropped
LogLevel level();

void vlog(LogLevel level, const char* fmt, va_list args);
// Raw text, no prefix (continuations, panic dumps).
void write(const char* text, size_t len);
void printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Called on panic: later writes go out even if another CPU died holding the lock.
void force_unlock();

} // namespace console

void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log(LogLevel::error, __VA_ARGS__)
#define log_warn(...) log(LogLevel::warning, __VA_ARGS__)
#define log_info(...) log(LogLevel::info, __VA_ARGS__)
#define log_debug(...) log(LogLevel::debug, __VA_ARGS__)
