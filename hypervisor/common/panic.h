// Fatal errors. panic() is for "xenon is broken" (a bug or impossible state): it dumps
// registers and a backtrace. fatal_boot_error() is for "the machine or the user gave us
// something we cannot boot with": a clear message, no dump. Both stop every CPU, then
// reboot, or halt if the command line says noreboot.
#pragma once

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// For fault handlers that have already dumped the registers and backtrace of the fault.
[[noreturn]] void panic_without_backtrace(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void fatal_boot_error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#define ASSERT(cond)                                                                      \
    do {                                                                                  \
        if (__builtin_expect(!(cond), 0))                                                 \
            panic("assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__);          \
    } while (0)
