// The CPUID a PV kernel gets through the forced-emulation prefix hides what PV cannot use:
// large and global pages (PSE, PSE36, PGE, 1 GiB pages), VME, VMX/SVM, MONITOR,
// PCID/INVPCID, x2APIC, the TSC deadline timer, SMEP/SMAP, TSC_ADJUST, UMIP and PKU.
// What it can use stays visible as the hardware has it (FPU, TSC, PAE, SSE2, NX, LM, ...),
// and HYPERVISOR is set. The QEMU CPU (-cpu max) has most of the hidden ones.
#include "runtime.h"

namespace {

struct regs {
    uint32_t a, b, c, d;
};

regs xen_cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    regs r;
    asm volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tcpuid"
                 : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                 : "0"(leaf), "2"(subleaf));
    return r;
}

regs native_cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    regs r;
    asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "0"(leaf), "2"(subleaf));
    return r;
}

constexpr uint32_t bit(unsigned b) {
    return 1u << b;
}

} // namespace

void test_main() {
    regs r = xen_cpuid(1), hw = native_cpuid(1);
    xt::printf("leaf 1: ecx %#x edx %#x (hardware %#x %#x)\n", r.c, r.d, hw.c, hw.d);
    // VME PSE PGE PSE36 hidden; FPU DE TSC MSR PAE CX8 CMOV SSE SSE2, and for dom0's kernel
    // MTRR, as the hardware. SEP only off AMD (no SYSENTER in long mode there).
    XT_CHECK_EQ(r.d & (bit(1) | bit(3) | bit(13) | bit(17)), 0);
    uint32_t kept_d =
        bit(0) | bit(2) | bit(4) | bit(5) | bit(6) | bit(8) | bit(12) | bit(15) | bit(25) | bit(26);
    XT_CHECK_EQ(r.d & kept_d, hw.d & kept_d);
    // MONITOR VMX PCID X2APIC TSC_DEADLINE hidden; SSE3 CX16 POPCNT as the hardware.
    XT_CHECK_EQ(r.c & (bit(3) | bit(5) | bit(17) | bit(21) | bit(24)), 0);
    uint32_t kept_c = bit(0) | bit(13) | bit(23);
    XT_CHECK_EQ(r.c & kept_c, hw.c & kept_c);
    XT_CHECK(r.c & bit(31)); // HYPERVISOR

    r = xen_cpuid(0x80000001), hw = native_cpuid(0x80000001);
    xt::printf("leaf 0x80000001: ecx %#x edx %#x (hardware %#x %#x)\n", r.c, r.d, hw.c, hw.d);
    XT_CHECK_EQ(r.d & (bit(26) | bit(3) | bit(13)), 0); // PAGE1GB, AMD's PSE and PGE copies
    uint32_t kept_e1d = bit(11) | bit(20) | bit(29);    // SYSCALL NX LM
    XT_CHECK_EQ(r.d & kept_e1d, hw.d & kept_e1d);
    XT_CHECK_EQ(r.c & bit(2), 0);               // SVM
    XT_CHECK_EQ(r.c & bit(0), hw.c & bit(0));   // LAHF_LM
    XT_CHECK_EQ(r.d & bit(12), hw.d & bit(12)); // MTRR, for dom0's kernel

    if (xen_cpuid(0).a >= 7) {
        r = xen_cpuid(7), hw = native_cpuid(7);
        xt::printf("leaf 7: ebx %#x ecx %#x (hardware %#x %#x)\n", r.b, r.c, hw.b, hw.c);
        // TSC_ADJUST SMEP INVPCID SMAP hidden; FSGSBASE BMI1 ERMS as the hardware.
        XT_CHECK_EQ(r.b & (bit(1) | bit(7) | bit(10) | bit(20)), 0);
        uint32_t kept_7b = bit(0) | bit(3) | bit(9);
        XT_CHECK_EQ(r.b & kept_7b, hw.b & kept_7b);
        XT_CHECK_EQ(r.c & (bit(2) | bit(3)), 0); // UMIP PKU
    }
    xt::report_success();
}
