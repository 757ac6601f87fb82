// The hypervisor console: levelled log lines with xenon's "(xenon)" prefix, written to
// every registered sink (the serial port, later a guest's console ring).
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/spinlock.h"

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };

namespace console {

using SinkFn = void (*)(const char* text, size_t len);

constexpr size_t kMaxSinks = 4;
constexpr size_t kEarlyBufferSize = 16384;
// The console ring XEN_SYSCTL_readconsole reads (`xl dmesg`): Xen's default size.
constexpr uint32_t kRingSize = 16384;
static_assert((kRingSize & (kRingSize - 1)) == 0);

// Copies len bytes of the ring to offset `at` of the reader's buffer; false on a fault.
using RingCopyFn = bool (*)(void* ctx, uint32_t at, const char* data, uint32_t len);

// One read of the ring with Xen's semantics. Indices are free-running byte counts.
struct RingRead {
    bool clear;       // afterwards, the ring starts where this read stopped
    bool incremental; // start at index if it lies within the ring's contents
    uint32_t index;   // in: the start for incremental; out: where reading stopped
    uint32_t count;   // in: room in the buffer; out: bytes copied
};

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
    // To the sinks only, not the ring (Xen keeps the initial domain's console output
    // out of its ring unless console_to_ring is given).
    void write_unrecorded(const char* text, size_t len);
    void force_unlock();
    // XEN_SYSCTL_readconsole: 0, or -1 when copy faulted (nothing is cleared then).
    int read_ring(RingRead& r, RingCopyFn copy, void* ctx);

  private:
    void emit_locked(const char* text, size_t len, bool record = true);
    void emit_prefixed_locked(const char* text, size_t len);

    lib::SpinLock lock_;
    SinkFn sinks_[kMaxSinks] = {};
    size_t sink_count_ = 0;
    LogLevel level_ = LogLevel::info;
    // Output from before the first sink, replayed when one appears.
    char early_[kEarlyBufferSize] = {};
    size_t early_len_ = 0;
    bool at_line_start_ = true;
    // Everything emitted, whether or not a sink exists yet: ring_[i % kRingSize] for
    // ring_cons_ <= i < ring_prod_ (at most kRingSize apart).
    char ring_[kRingSize] = {};
    uint32_t ring_cons_ = 0;
    uint32_t ring_prod_ = 0;
};

// Sinks receive every byte written from then on; what was logged before the first
// sink was added is kept (up to a few KiB) and replayed to it.
void add_sink(SinkFn sink);
void set_level(LogLevel level); // messages above this level are dropped
LogLevel level();

void vlog(LogLevel level, const char* fmt, va_list args);
// Raw text, no prefix (continuations, panic dumps).
void write(const char* text, size_t len);
void write_unrecorded(const char* text, size_t len);
void printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Called on panic: later writes go out even if another CPU died holding the lock.
void force_unlock();
int read_ring(RingRead& r, RingCopyFn copy, void* ctx);

} // namespace console

void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log(LogLevel::error, __VA_ARGS__)
#define log_warn(...) log(LogLevel::warning, __VA_ARGS__)
#define log_info(...) log(LogLevel::info, __VA_ARGS__)
#define log_debug(...) log(LogLevel::debug, __VA_ARGS__)
