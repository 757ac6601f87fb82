// The hypervisor console: levelled log lines with xenon's "(xenon)" prefix, written to
// every registered sink (the serial port, later a guest's console ring).
#pragma once
#include <stdarg.h>
#include <stddef.h>

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };

namespace console {

using SinkFn = void (*)(const char* text, size_t len);

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
