// CPU policies: the CPUID leaves and MSRs a domain is shown, held and exchanged as Xen
// 4.17 holds them (xen/lib/x86's struct cpu_policy and its serialised form, which libxc's
// xc_cpu_policy_* parse). The system ones (raw, host, pv_max, pv_default) are computed at
// boot; each domain has its own, pv_default until the toolstack sets one, and its vCPUs'
// CPUID answers from it (arch/x86/pv/emulate.cpp).
#pragma once
#include <stdint.h>

struct Domain;

namespace arch {

// How many leaves of each kind a policy holds (Xen's CPUID_GUEST_NR_*).
inline constexpr unsigned kCpuidBasic = 0xd + 1;
inline constexpr unsigned kCpuidCache = 5 + 1;   // leaf 4
inline constexpr unsigned kCpuidFeat = 2 + 1;    // leaf 7
inline constexpr unsigned kCpuidTopo = 1 + 1;    // leaf 0xb
inline constexpr unsigned kCpuidXstate = 62 + 1; // leaf 0xd
inline constexpr unsigned kCpuidExtdIntel = 0x8 + 1;
inline constexpr unsigned kCpuidExtd = 0x21 + 1; // AMD's, the larger
// The most leaves and MSRs a policy serialises to (CPUID_MAX_SERIALISED_LEAVES: the
// sub-leaf arrays replace their basic leaf; plus the two hypervisor limits).
inline constexpr uint32_t kCpuidMaxSerialised = kCpuidBasic + (kCpuidFeat - 1) + (kCpuidCache - 1) +
                                                (kCpuidTopo - 1) + (kCpuidXstate - 1) + kCpuidExtd +
                                                2;
static_assert(kCpuidMaxSerialised == 120);
inline constexpr uint32_t kMsrMaxSerialised = 2; // PLATFORM_INFO, ARCH_CAPABILITIES
// 32-bit words of a featureset (Xen 4.17's FSCAPINTS: up to 0x80000021.ecx, word 18).
inline constexpr unsigned kFeatureWords = 19;

inline constexpr uint32_t kMsrPlatformInfo = 0xce;
inline constexpr uint32_t kMsrArchCapabilities = 0x10a;

struct CpuidRegs {
    uint32_t a, b, c, d;
};

struct CpuPolicy {
    CpuidRegs basic[kCpuidBasic]; // basic[0].a is the highest basic leaf
    CpuidRegs cache[kCpuidCache];
    CpuidRegs feat[kCpuidFeat]; // feat[0].a is the highest sub-leaf of leaf 7
    CpuidRegs topo[kCpuidTopo];
    CpuidRegs xstate[kCpuidXstate];
    CpuidRegs extd[kCpuidExtd];  // extd[0].a is the highest extended leaf
    uint8_t hv_limit, hv2_limit; // the toolstack's limits of the hypervisor leaves
    uint32_t platform_info;
    uint32_t arch_caps_lo, arch_caps_hi; // MSR_ARCH_CAPABILITIES
};

// Where set_cpu_policy found fault with a policy (~0: nowhere).
struct CpuPolicyErrors {
    uint32_t leaf = ~0u, subleaf = ~0u, msr = ~0u;
};

// At boot, on the boot CPU, after its control registers are set.
void cpu_policy_init();

// XEN_SYSCTL_cpu_policy_{raw,host,pv_max,hvm_max,pv_default,hvm_default}; nullptr for
// the HVM ones (xenon runs no HVM guests yet) and past the end.
const CpuPolicy* cpu_policy_system(uint32_t index);
// The policy of d: the one the toolstack set, else pv_default.
const CpuPolicy& cpu_policy_of(const Domain& d);

// The policy's answer to CPUID leaf:subleaf, before the per-vCPU adjustments (Xen's
// guest_cpuid first pass: leaves out of range are zeros). False for leaves a policy
// does not hold (the hypervisor's 0x4000xxxx ones, unknown ranges): zeros too.
bool cpu_policy_cpuid(const CpuPolicy& p, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

// The featureset words of p (XEN_SYSCTL_get_cpu_featureset).
void cpu_policy_featureset(const CpuPolicy& p, uint32_t fs[kFeatureWords]);

// Serialised to the current guest's buffers of xen_cpuid_leaf / xen_msr_entry: 0 with nr
// set to the count written; -ENOBUFS if nr is too small, -EFAULT (x86_*_copy_to_buffer).
int cpu_policy_leaves_to_guest(const CpuPolicy& p, uint64_t buf, uint32_t& nr);
int cpu_policy_msrs_to_guest(const CpuPolicy& p, uint64_t buf, uint32_t& nr);

// XEN_DOMCTL_set_cpu_policy on d (a domain not yet run): the guest's nr_leaves leaves and
// nr_msrs MSRs merged into d's policy, audited against pv_max and clamped to it as Xen
// 4.17 does; 0, or Xen's error (-E2BIG, -EFAULT, -ERANGE, -EINVAL, -EOVERFLOW) with err
// naming the offending leaf or MSR where Xen names one. d's policy is unchanged on error.
int cpu_policy_set(Domain& d, uint64_t leaves, uint32_t nr_leaves, uint64_t msrs, uint32_t nr_msrs,
                   CpuPolicyErrors& err);

} // namespace arch
