// Guest user mode for tests (runtime/user.cpp, user_entry.S).
#pragma once
#include <stdint.h>

extern "C" {
// The guest kernel's syscall callback counts every user syscall it bounces back, and
// records the CS and RFLAGS slots of the last frame Xen gave it.
extern volatile uint64_t xt_syscalls_seen;
extern volatile uint64_t xt_syscall_last_cs, xt_syscall_last_rflags;
}

namespace xt {

// The syscall number that ends user mode (user_syscall(kUserExit)).
inline constexpr uint64_t kUserExit = 0x7e5c0de;

// Sets up user mode (idempotent); returns the first failing hypercall's result, or 0.
long user_mode_init();
// Runs fn in guest user mode (ring 3 with the user page tables); fn must end with
// user_exit(). The HYPERVISOR_iret that enters it carries `rflags` (IF set: events on;
// under VMASST_TYPE_architectural_iopl its IOPL becomes the virtual one). Returns the
// value fn passed to user_exit.
long run_in_user_mode(void (*fn)(), uint64_t rflags = 0x202);

// From user mode: a system call. The syscall callback returns rax + 1.
inline uint64_t user_syscall(uint64_t nr) {
    uint64_t ret;
    asm volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
    return ret;
}
[[noreturn]] inline void user_exit(uint64_t value) {
    asm volatile("syscall" ::"a"(kUserExit), "D"(value) : "rcx", "r11", "memory");
    __builtin_unreachable();
}

} // namespace xt
