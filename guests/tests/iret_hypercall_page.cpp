// The hypercall page's iret entry (offset 23 * 32) is jumped to, not called: with flags,
// rip, cs, rflags, rsp, ss on the stack it pushes rcx, r11 and rax itself and issues
// HYPERVISOR_iret. The runtime returns from a #UD through it; rcx and r11 come back from
// the frame.
#include "runtime.h"

static uint64_t got_rcx, got_r11;

void test_main() {
    xt::xt_use_page_iret = 1;
    xt::fault_info fi = xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    XT_CHECK_EQ(fi.rip, xt::site);
    xt::set_trap_hook(xt::VEC_UD, [](xt::trap_frame *f) {
        f->rip = xt::site_end;
        f->rcx = 0x1234;
        f->r11 = 0x5678;
        return true;
    });
    asm volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %[s]\n\tlea 2f(%%rip), %%rax\n\t"
                 "mov %%rax, %[e]\n\txor %%ecx, %%ecx\n\txor %%r11d, %%r11d\n"
                 "1:\tud2\n2:\n\tmov %%rcx, %[c]\n\tmov %%r11, %[r]"
                 : [s] "=m"(xt::site), [e] "=m"(xt::site_end), [c] "=m"(got_rcx),
                   [r] "=m"(got_r11)
                 :
                 : "rax", "rcx", "r11", "memory");
    XT_CHECK_EQ(got_rcx, 0x1234);
    XT_CHECK_EQ(got_r11, 0x5678);
    xt::xt_use_page_iret = 0;
    xt::report_success();
}
