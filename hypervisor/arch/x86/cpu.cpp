#include "arch/cpu.h"

#include "common/console.h"
#include "lib/string.h"

namespace arch {
namespace {
constinit CpuFeatures features = {};
}

const CpuFeatures& cpu_features() { return features; }

void detect_cpu_features() {
    CpuFeatures& f = features;
    CpuidResult r = cpuid(0);
    f.max_leaf = r.eax;
    memcpy(f.vendor + 0, &r.ebx, 4);
    memcpy(f.vendor + 4, &r.edx, 4);
    memcpy(f.vendor + 8, &r.ecx, 4);
    f.vendor[12] = 0;

    r = cpuid(1);
    uint32_t family = (r.eax >> 8) & 0xf;
    uint32_t model = (r.eax >> 4) & 0xf;
    if (family == 0xf)
        family += (r.eax >> 20) & 0xff;
    if (family >= 6)
        model |= ((r.eax >> 16) & 0xf) << 4;
    f.family = family;
    f.model = model;
    f.stepping = r.eax & 0xf;
    f.x2apic = r.ecx & (1u << 21);
    f.tsc_deadline = r.ecx & (1u << 24);
    f.xsave = r.ecx & (1u << 26);
    f.pcid = r.ecx & (1u << 17);
    f.vmx = r.ecx & (1u << 5);
    f.hypervisor = r.ecx & (1u << 31);
    if (f.max_leaf >= 7) {
        r = cpuid(7, 0);
        f.fsgsbase = r.ebx & 1;
        f.smep = r.ebx & (1u << 7);
        f.smap = r.ebx & (1u << 20);
    }
    r = cpuid(0x80000000);
    f.max_ext_leaf = r.eax;
    if (f.max_ext_leaf >= 0x80000001) {
        r = cpuid(0x80000001);
        f.nx = r.edx & (1u << 20);
        f.pdpe1gb = r.edx & (1u << 26);
        f.svm = r.ecx & (1u << 2);
    }
    if (f.max_ext_leaf >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            r = cpuid(0x80000002 + i);
            memcpy(f.brand + i * 16 + 0, &r.eax, 4);
            memcpy(f.brand + i * 16 + 4, &r.ebx, 4);
            memcpy(f.brand + i * 16 + 8, &r.ecx, 4);
            memcpy(f.brand + i * 16 + 12, &r.edx, 4);
        }
    }
    if (f.max_ext_leaf >= 0x80000007)
        f.invariant_tsc = cpuid(0x80000007).edx & (1u << 8);
    const char* brand = f.brand;
    while (*brand == ' ')
        brand++;
    log_info("cpu: %s family %#x model %#x stepping %u: %s", f.vendor, f.family, f.model,
             f.stepping, brand);
    log_info("cpu: features:%s%s%s%s%s%s%s%s%s", f.x2apic ? " x2apic" : "",
             f.tsc_deadline ? " tsc-deadline" : "", f.nx ? " nx" : "", f.pdpe1gb ? " 1g-pages" : "",
             f.smep ? " smep" : "", f.smap ? " smap" : "", f.svm ? " svm" : "",
             f.vmx ? " vmx" : "", f.invariant_tsc ? " invariant-tsc" : "");
}

void cpu_init_control_registers() {
    constexpr uint64_t kCr0Mp = 1 << 1, kCr0Ne = 1 << 5, kCr0Em = 1 << 2;
    constexpr uint64_t kCr4Osfxsr = 1 << 9, kCr4Osxmmexcpt = 1 << 10, kCr4Osxsave = 1 << 18,
                       kCr4Smep = 1 << 20;
    // Guests use the FPU and SSE natively: xenon itself never touches them
    // (-mgeneral-regs-only), so their state stays in the registers across hypercalls.
    write_cr0((read_cr0() & ~kCr0Em) | kCr0Mp | kCr0Ne);
    uint64_t cr4 = read_cr4() | kCr4Osfxsr | kCr4Osxmmexcpt;
    // SMEP: xenon never executes a guest's page, even if tricked into jumping there.
    if (features.smep)
        cr4 |= kCr4Smep;
    if (features.xsave)
        cr4 |= kCr4Osxsave;
    write_cr4(cr4);
    // Xen's PAT layout (WB, WT, UC-, UC, WC, WP, UC, UC): a PV guest's PTE cache bits index
    // it, and Linux reads it to learn what they mean. Entries 0-3, the only ones xenon's
    // own mappings use, are the power-on ones.
    wrmsr(msr::kPat, 0x0000050100070406ull);
    if (features.xsave) {
        // Every user state component the CPU supports (x87, SSE, AVX, ...), none of the
        // supervisor ones.
        CpuidResult r = cpuid(0xd, 0);
        uint64_t xcr0 = (uint64_t(r.edx) << 32 | r.eax) & 0x2ff;
        asm volatile("xsetbv" ::"c"(0), "a"(uint32_t(xcr0)), "d"(uint32_t(xcr0 >> 32)));
    }
}

} // namespace arch
