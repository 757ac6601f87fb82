// The PV policy's feature words: for each CPUID register holding feature flags, the bits a
// PV guest gets by default on Xen 4.17 (its public cpufeatureset.h marks them "A", for
// all guests; "S" and "H" ones are HVM only). Flags whose value Xen computes (HTT,
// CMP_LEGACY, APIC, RDRAND, RTM, ...) are passed through; OSXSAVE and HYPERVISOR are
// set by the caller.
#include "cpuid_policy.h"

#include "arch/cpu.h"
#include "arch/cpuid_feature_words.h"
#include "lib/string.h"
#include "xstate.h"

namespace arch {
namespace {

constexpr FeatureWord kWords[] = {
    // 1.edx: FPU DE TSC MSR PAE MCE CX8 APIC SEP MCA CMOV PAT CLFLUSH ACPI MMX FXSR SSE SSE2
    // SS HTT (not VME PSE MTRR PGE PSE36 DS TM1 PBE).
    {1, 0, 3, bits(0, 2, 4, 5, 6, 7, 8, 9, 11, 14, 15, 16, 19, 22, 23, 24, 25, 26, 27, 28)},
    // 1.ecx: SSE3 PCLMULQDQ SSSE3 FMA CX16 SSE4.1 SSE4.2 MOVBE POPCNT AESNI XSAVE AVX F16C
    // RDRAND HYPERVISOR (not MONITOR VMX PCID X2APIC TSC_DEADLINE OSXSAVE ...).
    {1, 0, 2, bits(0, 1, 9, 12, 13, 19, 20, 22, 23, 25, 26, 28, 29, 30, 31)},
    // 0x80000001.edx: SYSCALL NX MMXEXT FFXSR RDTSCP LM 3DNOWEXT 3DNOW (not PAGE1GB); the
    // bits AMD mirrors from 1.edx follow that word.
    {0x80000001, 0, 3,
     bits(11, 20, 22, 25, 27, 29, 30, 31, 0, 2, 4, 5, 6, 7, 8, 9, 14, 15, 16, 23, 24)},
    // 0x80000001.ecx: LAHF_LM CMP_LEGACY ABM SSE4A MISALIGNSSE 3DNOWPREFETCH XOP FMA4 TBM
    // DBEXT (not SVM EXTAPIC CR8_LEGACY OSVW IBS SKINIT WDT LWP TOPOEXT MONITORX ...).
    {0x80000001, 0, 2, bits(0, 1, 5, 6, 7, 8, 11, 16, 21, 26)},
    // 0xd:1.eax: XSAVEOPT XSAVEC XGETBV1 (not XSAVES).
    {0xd, 1, 0, bits(0, 1, 2)},
    // 7:0.ebx: FSGSBASE BMI1 AVX2 BMI2 ERMS RTM AVX512F/DQ RDSEED ADX AVX512_IFMA
    // CLFLUSHOPT CLWB AVX512PF/ER/CD SHA AVX512BW/VL (not TSC_ADJUST SMEP INVPCID SMAP ...).
    {7, 0, 1, bits(0, 3, 5, 8, 9, 11, 16, 17, 18, 19, 21, 23, 24, 26, 27, 28, 29, 30, 31)},
    // 7:0.ecx: PREFETCHWT1 AVX512_VBMI AVX512_VBMI2 GFNI VAES VPCLMULQDQ AVX512_VNNI
    // AVX512_BITALG AVX512_VPOPCNTDQ RDPID CLDEMOTE (not UMIP PKU OSPKE ...).
    {7, 0, 2, bits(0, 1, 6, 8, 9, 10, 11, 12, 14, 22, 25)},
    // 7:0.edx: AVX512_4VNNIW AVX512_4FMAPS FSRM MD_CLEAR SERIALIZE IBRSB STIBP ARCH_CAPS
    // SSBD.
    {7, 0, 3, bits(2, 3, 4, 10, 14, 26, 27, 29, 31)},
    // 7:1.eax: AVX_VNNI AVX512_BF16 FZRM FSRS FSRCS.
    {7, 1, 0, bits(4, 5, 10, 11, 12)},
    // 0x80000007.edx: none by default (ITSC is opt-in).
    {0x80000007, 0, 3, 0},
    // 0x80000008.ebx: CLZERO RSTR_FP_ERR_PTRS IBPB SSB_NO BTC_NO IBPB_RET.
    {0x80000008, 0, 1, bits(0, 2, 12, 26, 29, 30)},
};

} // namespace

void pv_cpuid_apply_policy(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]) {
    apply_feature_words(kWords, leaf, subleaf, regs);
    if (leaf == 0xd)
        pv_xstate_cpuid(subleaf, regs);
    // AMD CPUs have no SYSENTER in long mode: Xen drops SEP from its own features there.
    if (leaf == 1 && !memcmp(cpu_features().vendor, "AuthenticAMD", 12))
        regs[3] &= ~(1u << 11);
}

} // namespace arch
