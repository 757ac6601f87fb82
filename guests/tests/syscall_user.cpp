// 64-bit PV user mode: with a user page table (MMUEXT_NEW_USER_BASEPTR) and a syscall
// callback, HYPERVISOR_iret to a ring-3 CS enters guest user mode; each `syscall` there
// is bounced to the guest kernel's callback (kernel mode, on the stack_switch stack) with
// the user's CS (RPL 3) in its frame, and the callback's iret (VGCF_in_syscall) returns
// to user mode. The whole round trip keeps every other register.
#include "runtime.h"
#include "user.h"

static volatile uint64_t results[3];

static void user_main() {
    results[0] = xt::user_syscall(41);
    results[1] = xt::user_syscall(99);
    uint64_t r12;
    asm volatile("mov $0x1234, %%r12; mov $1, %%eax; syscall; mov %%r12, %0"
                 : "=r"(r12)
                 :
                 : "rax", "rcx", "r11", "r12", "memory");
    results[2] = r12;
    xt::user_exit(7);
}

void test_main() {
    XT_CHECK_RC(xt::user_mode_init(), 0);
    XT_CHECK_EQ(xt::run_in_user_mode(user_main), 7);
    XT_CHECK_EQ(results[0], 42);
    XT_CHECK_EQ(results[1], 100);
    XT_CHECK_EQ(results[2], 0x1234);
    XT_CHECK_EQ(xt_syscalls_seen, 3);
    XT_CHECK_EQ(xt_syscall_last_cs & 3, 3); // it came from user mode
    xt::report_success();
}
