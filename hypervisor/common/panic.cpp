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

void panic(const char* fmt, ...) {
    asm volatile("cli");
    if (__atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST))
        second_failure();
    va_list args;
    va_start(args, fmt);
    print_message("PANIC", fmt, args);
    va_end(args);
    // Start the walk at our caller's frame: panic() itself is not interesting.
    arch::backtrace(reinterpret_cast<uint64_t>(__builtin_return_address(0)),
                    *static_cast<uint64_t*>(__builtin_frame_address(0)));
    arch::machine_fail();
}

void panic_without_backtrace(const char* fmt, ...) {
    asm volatile("cli");
    if (__atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST))
        second_failure();
    va_list args;
    va_start(args, fmt);
    print_message("PANIC", fmt, args);
    va_end(args);
    arch::machine_fail();
}

void fatal_boot_error(const char* fmt, ...) {
    asm volatile("cli");
    if (__atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST))
        second_failure();
    va_list args;
    va_start(args, fmt);
    print_message("xenon cannot continue", fmt, args);
    va_end(args);
    arch::machine_fail();
}
