// What the host build of common/ needs from the hypervisor's hypervisor-only files:
// panic() becomes a C++ exception so tests can assert that bad states are caught.
#include "host_support.h"

#include <cstdarg>
#include <cstdio>

#include "common/panic.h"

namespace {
[[noreturn]] void throw_formatted(const char* kind, const char* fmt, va_list args) {
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, args);
    throw HostPanic(std::string(kind) + ": " + buf);
}
} // namespace

void panic(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    throw_formatted("panic", fmt, args);
}

void fatal_boot_error(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    throw_formatted("fatal", fmt, args);
}

void panic_without_backtrace(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    throw_formatted("panic", fmt, args);
}
