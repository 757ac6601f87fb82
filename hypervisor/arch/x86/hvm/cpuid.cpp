// CPUID for HVM/PVH guests, after Xen 4.17's default HVM policy (HAP): the hardware's
// answer with the feature flags Xen's cpufeatureset.h marks for HVM guests ("A", "S",
// "H") kept, SVM and the CPU's own virtualization leaf hidden (no nested virtualization),
// the Xen leaves at 0x40000000, and leaves past the maxima empty, as on Xen.
#include "arch/cpu.h"
#include "arch/cpuid_feature_words.h"
#include "arch/x86/hvm/hvm.h"
#include "arch/x86/pv/xstate.h"
#include "arch/x86/svm/vmcb.h"
#include "common/domain.h"
#include "lib/string.h"

namespace hvm {
namespace {

using arch::bits;
using arch::FeatureWord;

constexpr FeatureWord kWords[] = {
    // 1.edx: FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA CMOV PAT PSE36
    // CLFLUSH ACPI MMX FXSR SSE SSE2 SS HTT (not DS TM1 PBE).
    {1, 0, 3,
     bits(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 19, 22, 23, 24, 25, 26, 27,
          28)},
    // 1.ecx: SSE3 PCLMULQDQ SSSE3 FMA CX16 PCID SSE4.1 SSE4.2 X2APIC MOVBE POPCNT AESNI
    // XSAVE AVX F16C RDRAND HYPERVISOR (not MONITOR VMX SMX EST TM2 DS_CPL PDCM DCA).
    {1, 0, 2, bits(0, 1, 9, 12, 13, 17, 19, 20, 21, 22, 23, 25, 26, 28, 29, 30, 31)},
    // 0x80000001.edx: SYSCALL NX MMXEXT FFXSR PAGE1GB RDTSCP LM 3DNOWEXT 3DNOW, and AMD's
    // mirror of 1.edx.
    {0x80000001, 0, 3,
     bits(11, 20, 22, 25, 26, 27, 29, 30, 31, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17,
          23, 24)},
    // 0x80000001.ecx: LAHF_LM CMP_LEGACY CR8_LEGACY ABM SSE4A MISALIGNSSE 3DNOWPREFETCH XOP
    // FMA4 TBM DBEXT (not SVM EXTAPIC OSVW IBS SKINIT WDT LWP TOPOEXT MONITORX).
    {0x80000001, 0, 2, bits(0, 1, 4, 5, 6, 7, 8, 11, 16, 21, 26)},
    {0xd, 1, 0, bits(0, 1, 2)},
    // 7:0.ebx: the PV set plus SMEP INVPCID SMAP.
    {7, 0, 1,
     bits(0, 3, 5, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 23, 24, 26, 27, 28, 29, 30, 31)},
    // 7:0.ecx: the PV set plus UMIP.
    {7, 0, 2, bits(0, 1, 2, 6, 8, 9, 10, 11, 12, 14, 22, 25)},
    {7, 0, 3, bits(2, 3, 4, 10, 14, 26, 27, 29, 31)},
    {7, 1, 0, bits(4, 5, 10, 11, 12)},
    {0x80000007, 0, 3, 0},
    {0x80000008, 0, 1, bits(0, 2, 12, 26, 29, 30)},
};

constexpr uint32_t kXenBase = 0x40000000, kXenLeaves = 5;
constexpr uint64_t kCr4Osxsave = 1 << 18;

void xen_leaf(Vcpu& v, uint32_t idx, uint32_t subleaf, uint32_t r[4]) {
    switch (idx) {
    case 0:
        r[0] = kXenBase + kXenLeaves;
        r[1] = 0x566e6558; // "XenVMMXenVMM"
        r[2] = 0x65584d4d;
        r[3] = 0x4d4d566e;
        break;
    case 1:
        r[0] = (4 << 16) | 17;
        break; // the version xenon answers as
    case 2:
        r[0] = 1;        // hypercall pages
        r[1] = kXenBase; // their MSR
        break;
    case 3:
        break; // TSC leaf: native TSC, mode 0 (not filled yet)
    case 4:
        if (subleaf != 0)
            break;
        // IOMMU_MAPPINGS, VCPU_ID_PRESENT, DOMID_PRESENT, UPCALL_VECTOR (Xen 4.17 on SVM).
        r[0] = (1u << 2) | (1u << 3) | (1u << 4) | (1u << 6);
        r[1] = v.id;
        r[2] = v.domain->domid;
        break;
    default:
        break; // 5: PV only
    }
}

} // namespace

void guest_cpuid(Vcpu& v, uint32_t leaf, uint32_t subleaf, uint32_t r[4]) {
    r[0] = r[1] = r[2] = r[3] = 0;
    if (leaf >= kXenBase && leaf < kXenBase + 0x10000) {
        if (leaf - kXenBase <= kXenLeaves)
            xen_leaf(v, leaf - kXenBase, subleaf, r);
        return;
    }
    const arch::CpuFeatures& f = arch::cpu_features();
    if ((leaf < 0x80000000 && leaf > f.max_leaf) || (leaf >= 0x80000000 && leaf > f.max_ext_leaf) ||
        leaf == 0x8000000a)
        return;
    arch::CpuidResult h = arch::cpuid(leaf, subleaf);
    r[0] = h.eax, r[1] = h.ebx, r[2] = h.ecx, r[3] = h.edx;
    arch::apply_feature_words(kWords, leaf, subleaf, r);
    if (leaf == 0xd)
        arch::pv_xstate_cpuid(subleaf, r);
    if (leaf == 1) {
        r[1] = (r[1] & 0x00ffffff) | ((v.id * 2) << 24); // Xen's HVM APIC IDs: 2 * vCPU
        r[2] |= 1u << 31;                                // HYPERVISOR
        if (vcpu_of(v).vmcb->cr4 & kCr4Osxsave)
            r[2] |= 1u << 27;
    }
}

} // namespace hvm
