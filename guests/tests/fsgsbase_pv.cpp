// FSGSBASE for a PV kernel: RDGSBASE is #UD until the kernel sets CR4.FSGSBASE (offered
// when CPUID 7.ebx has it); then the hardware lets the guest read and write its bases
// itself, and a GS base user mode writes with WRGSBASE is still there after a round trip
// through the kernel (the hypervisor swaps the kernel's and user's GS bases).
#include "runtime.h"
#include "user.h"

namespace {

uint64_t rdgsbase() {
    uint64_t v;
    asm volatile("rdgsbase %0" : "=r"(v));
    return v;
}

volatile uint64_t user_seen;

void user_fn() {
    asm volatile("wrgsbase %0" : : "r"(0x1234000ul));
    xt::user_syscall(1); // into the kernel and back
    user_seen = rdgsbase();
    xt::user_exit(0);
}

} // namespace

void test_main() {
    uint32_t a, b, c, d;
    asm volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tcpuid"
                 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                 : "0"(7), "2"(0));
    if (!(b & 1))
        xt::report_skip("no FSGSBASE");
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("rdgsbase %%rax"); });
    uint64_t cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 16)));
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    XT_CHECK(cr4 & (1u << 16));

    uint64_t kernel_gs = rdgsbase();
    XT_CHECK_RC(xt::user_mode_init(), 0);
    XT_CHECK_EQ(xt::run_in_user_mode(user_fn), 0);
    XT_CHECK_EQ(user_seen, 0x1234000);
    XT_CHECK_EQ(rdgsbase(), kernel_gs);
    xt::report_success();
}
