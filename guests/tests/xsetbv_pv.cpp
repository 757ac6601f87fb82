// XSETBV from a PV kernel is emulated: #UD until the kernel sets CR4.OSXSAVE (in its own
// view of CR4). A vCPU starts with XCR0 = x87|SSE; it may enable
// the states its CPUID offers (leaf 0xd:0 through the forced-emulation prefix: x87, SSE,
// AVX on this CPU, not PKRU), and the sizes follow. Refused with #GP(0): another XCR,
// no x87, AVX without SSE, a state not offered.
#include "runtime.h"

namespace {

uint32_t xcr;
uint64_t value;

void setbv() {
    XT_SITE_AFTER("mov %[c], %%ecx\n\tmov %[v], %%rax\n\tmov %%rax, %%rdx\n\tshr $32, %%rdx",
                  "xsetbv", [c] "m"(xcr), [v] "m"(value));
}

uint64_t getbv() {
    uint32_t lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return uint64_t(hi) << 32 | lo;
}

struct regs {
    uint32_t a, b, c, d;
};
regs xen_cpuid(uint32_t leaf, uint32_t subleaf) {
    regs r;
    asm volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tcpuid"
                 : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                 : "0"(leaf), "2"(subleaf));
    return r;
}

void refused(uint32_t which, uint64_t v) {
    xcr = which, value = v;
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, setbv);
    XT_CHECK_EQ(fi.error_code, 0);
}

} // namespace

void test_main() {
    if (!(xen_cpuid(1, 0).c & (1u << 26)))
        xt::report_skip("no XSAVE");
    XT_CHECK_EQ(getbv(), 3);
    regs x = xen_cpuid(0xd, 0);
    xt::printf("leaf 0xd:0 eax %#x ebx %u ecx %u edx %#x\n", x.a, x.b, x.c, x.d);
    XT_CHECK_EQ(x.a & ~0xe7u, 0); // no MPX, no PKRU
    XT_CHECK_EQ(x.d, 0);
    XT_CHECK_EQ(x.b, 576);
    if (!(x.a & 4))
        xt::report_skip("no AVX");
    XT_CHECK_EQ(x.c, 832);

    xcr = 0, value = 3;
    xt::expect_fault(xt::VEC_UD, setbv); // CR4.OSXSAVE is clear in the guest's view
    uint64_t cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    XT_CHECK_EQ(cr4 & (1u << 18), 0);
    asm volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 18)));

    xcr = 0, value = 7;
    if (xt::try_fault(setbv))
        xt::report_failure("xsetbv 7: %s", xt::vector_name(xt::last_fault.vector));
    XT_CHECK_EQ(getbv(), 7);
    XT_CHECK_EQ(xen_cpuid(0xd, 0).b, 832);

    refused(1, 7);
    refused(0, 6);     // no x87
    refused(0, 5);     // AVX without SSE
    refused(0, 0x203); // PKRU: not offered
    XT_CHECK_EQ(getbv(), 7);
    xt::report_success();
}
