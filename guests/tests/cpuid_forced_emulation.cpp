// CPUID behind the forced-emulation prefix (ud2; .ascii "xen"; cpuid) is answered by the
// hypervisor. Xen 4.17, leaf 0x40000000: eax = 0x40000005 (largest Xen leaf),
// "XenVMMXenVMM"; 0x40000001: eax = (major << 16) | minor = XENVER_version;
// 0x40000002: eax = 1 hypercall page, ebx = 0x40000000 (the MSR that would place it).
// rip continues after the cpuid.
#include "public/version.h"
#include "runtime.h"

struct regs {
    uint32_t a, b, c, d;
};

static regs xen_cpuid(uint32_t leaf) {
    regs r;
    asm volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tcpuid"
                 : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                 : "0"(leaf), "2"(0));
    return r;
}

void test_main() {
    regs r = xen_cpuid(0x40000000);
    char sig[13] = {};
    memcpy(sig, &r.b, 4);
    memcpy(sig + 4, &r.c, 4);
    memcpy(sig + 8, &r.d, 4);
    xt::printf("leaf 0x40000000: eax %#x '%s'\n", r.a, sig);
    XT_CHECK(xt::strcmp(sig, "XenVMMXenVMM") == 0);
    XT_CHECK(r.a >= 0x40000002 && r.a < 0x40000100);
    r = xen_cpuid(0x40000001);
    XT_CHECK_EQ(long(r.a), xt::xen_version(xen::XENVER_version));
    r = xen_cpuid(0x40000002);
    XT_CHECK_EQ(r.a, 1);
    XT_CHECK_EQ(r.b, 0x40000000);
    xt::report_success();
}
