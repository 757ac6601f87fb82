#include "common/panic.h"

#include <stdarg.h>

#include "arch/machine.h"
#include "arch/percpu.h"
#include "arch/traps.h"
#include "common/console.h"
#include "lib/format.h"

namespace {

constinit volatile bool panicking = false;

void print_message(const char* banner, const char* fmt, va_list args) {
    char msg[512];
    lib::vformat(msg, sizeof(msg), fmt, args);
    console::force_unlock();
    console::printf("\n(xenon) ****************************************\n");
    console::printf("(xenon) %s on CPU %u:\n(xenon) %s\n", banner, arch::this_cpu_id(), msg);
    console::printf("(xenon) ****************************************\n");
}

[[noreturn]] void second_failure() {
    // A panic while panicking: say nothing more, just stop this CPU.
    arch::this_cpu().in_panic = true;
    for (;;)
        asm volatile("cli; hlt");
}

} // namespace

// Every fatal path: one CPU reports (a second failure just stops), then the machine ends.
// `caller_rip`/`caller_rbp` start a backtrace when non-zero.
[[noreturn]] static void die(const char* banner, uint64_t caller_rip, uint64_t caller_rbp,
                      const char* fmt, va_list args) {
    asm volatile("cli");
    if (__atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST))
        second_failure();
    print_message(banner, fmt, args);
    if (caller_rip)
        arch::backtrace(caller_rip, caller_rbp);
    arch::machine_fail();
}

void panic(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    // Start the walk at our caller's frame: panic() itself is not interesting.
    die("PANIC", reinterpret_cast<uint64_t>(__builtin_return_address(0)),
        *static_cast<uint64_t*>(__builtin_frame_address(0)), fmt, args);
}

void panic_without_backtrace(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    die("PANIC", 0, 0, fmt, args);
}

void fatal_boot_error(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    die("xenon cannot continue", 0, 0, fmt, args);
}
