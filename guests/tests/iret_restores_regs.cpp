// HYPERVISOR_iret (through SYSCALL) with flags 0 resumes at the frame's rip and restores
// rax, rcx and r11 from the frame (not VGCF_in_syscall), and rflags/rsp. A #UD handler
// edits them; the code after the ud2 sees the edits.
#include "runtime.h"

static uint64_t got_rax, got_rcx, got_r11, got_rbx;

void test_main() {
    xt::set_trap_hook(xt::VEC_UD, [](xt::trap_frame *f) {
        f->rip = xt::site_end;
        f->rax = 0xaaaa0000aaaa0000;
        f->rcx = 0xcccc0000cccc0000;
        f->r11 = 0x1111000011110000;
        f->rbx = 0xbbbb0000bbbb0000;
        return true;
    });
    asm volatile("push %%rbx\n\t"
                 "lea 1f(%%rip), %%rax\n\tmov %%rax, %[s]\n\tlea 2f(%%rip), %%rax\n\tmov %%rax, %[e]\n\t"
                 "xor %%eax, %%eax\n\txor %%ecx, %%ecx\n\txor %%r11d, %%r11d\n\txor %%ebx, %%ebx\n"
                 "1:\tud2\n2:\n\t"
                 "mov %%rax, %[a]\n\tmov %%rcx, %[c]\n\tmov %%r11, %[r]\n\tmov %%rbx, %[b]\n\t"
                 "pop %%rbx"
                 : [s] "=m"(xt::site), [e] "=m"(xt::site_end), [a] "=m"(got_rax),
                   [c] "=m"(got_rcx), [r] "=m"(got_r11), [b] "=m"(got_rbx)
                 :
                 : "rax", "rcx", "r11", "memory");
    XT_CHECK_EQ(got_rax, 0xaaaa0000aaaa0000);
    XT_CHECK_EQ(got_rcx, 0xcccc0000cccc0000);
    XT_CHECK_EQ(got_r11, 0x1111000011110000);
    XT_CHECK_EQ(got_rbx, 0xbbbb0000bbbb0000);
    xt::report_success();
}
