// The x86-64 PV exception frame, as Xen 4.17 builds it on the guest kernel stack:
//   rcx, r11, [error code], rip, cs, rflags, rsp, ss   (lowest address first)
// - rcx and r11 are the guest's values at the fault (the handler's registers are not);
// - rip/rsp are those of the faulting instruction; ss = 0xe02b (FLAT_KERNEL_SS);
// - cs = 0xe030: FLAT_KERNEL_CS with RPL 0, since the guest kernel was interrupted;
//   bits 32-39 of that slot hold the saved event mask (1: events were masked);
// - rflags.IF = !saved mask (0 here), IOPL 0;
// - the frame sits right below the fault rsp rounded down to 16 bytes.
#include "runtime.h"

static uint64_t rsp_at_fault;

void test_main() {
    // #UD: no error code, 7 slots.
    xt::fault_info fi = xt::expect_fault(xt::VEC_UD, [] {
        asm volatile("mov %%rsp, %0\n\tmov $0x1111222233334444, %%rcx\n\t"
                     "mov $0x5555666677778888, %%r11\n\tlea 1f(%%rip), %%rax\n\t"
                     "mov %%rax, %1\n1:\tud2"
                     : "=m"(rsp_at_fault), "=m"(xt::site)
                     :
                     : "rax", "rcx", "r11");
    });
    const xt::trap_frame &f = fi.frame;
    XT_CHECK_EQ(f.rcx, 0x1111222233334444);
    XT_CHECK_EQ(f.r11, 0x5555666677778888);
    XT_CHECK_EQ(f.rip, xt::site);
    XT_CHECK_EQ(f.cs & 0xffff, 0xe030);
    XT_CHECK_EQ((f.cs >> 32) & 0xff, 1); // saved_upcall_mask: events were masked
    XT_CHECK_EQ(f.rflags & (1u << 9), 0);  // IF mirrors the mask
    XT_CHECK_EQ(f.rflags & (3u << 12), 0); // IOPL
    XT_CHECK_EQ(f.rsp, rsp_at_fault);
    XT_CHECK_EQ(f.ss, 0xe02b);
    // The runtime's stub moved rcx/r11 down one slot to insert the error code.
    uint64_t xen_frame = fi.handler_rsp + 8;
    XT_CHECK_EQ(xen_frame + 7 * 8, rsp_at_fault & ~15ull);

    // #GP from hlt: error code present, 8 slots.
    fi = xt::expect_fault(xt::VEC_GP, [] {
        asm volatile("mov %%rsp, %0\n\tmov $0x0123456789abcdef, %%rcx\n\t"
                     "lea 1f(%%rip), %%rax\n\tmov %%rax, %1\n1:\thlt"
                     : "=m"(rsp_at_fault), "=m"(xt::site)
                     :
                     : "rax", "rcx");
    });
    XT_CHECK_EQ(fi.frame.rcx, 0x0123456789abcdef);
    XT_CHECK_EQ(fi.frame.rip, xt::site);
    XT_CHECK_EQ(fi.frame.rsp, rsp_at_fault);
    XT_CHECK_EQ(fi.handler_rsp + 8 * 8, rsp_at_fault & ~15ull);
    xt::report_success();
}
