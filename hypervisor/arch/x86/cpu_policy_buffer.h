// Internal to the CPU policies (cpu_policy.cpp): reading a policy from the toolstack's
// serialised form, as Xen 4.17's x86_cpuid_copy_from_buffer / x86_msr_copy_from_buffer.
#pragma once
#include "arch/cpu_policy.h"

namespace arch {

inline constexpr uint32_t kNoSubleaf = 0xffffffffu; // XEN_CPUID_NO_SUBLEAF

// Each leaf of the guest's array overwrites its place in p: 0; -E2BIG for more than a
// policy holds, -EFAULT, or -ERANGE for a leaf:subleaf no policy holds (named in err).
int cpu_policy_leaves_from_guest(CpuPolicy& p, uint64_t buf, uint32_t nr, CpuPolicyErrors& err);
// Likewise for MSRs: -E2BIG, -EFAULT, -EINVAL (flags set), -EOVERFLOW (a value wider than
// the MSR's field), -ERANGE (an MSR no policy holds); the MSR is named in err.
int cpu_policy_msrs_from_guest(CpuPolicy& p, uint64_t buf, uint32_t nr, CpuPolicyErrors& err);

// The inverse of cpu_policy_featureset.
void cpu_policy_set_featureset(CpuPolicy& p, const uint32_t fs[kFeatureWords]);

// The type field of a leaf 4 (cache) or 0xb (topology) sub-leaf: 0 ends the list.
inline uint32_t cache_type(const CpuidRegs& r) {
    return r.a & 0x1f;
}
inline uint32_t topo_type(const CpuidRegs& r) {
    return (r.c >> 8) & 0xff;
}
// The extended states a policy names in leaf 0xd (XCR0's and XSS's bits).
inline uint64_t policy_xstates(const CpuPolicy& p) {
    return (uint64_t(p.xstate[0].d | p.xstate[1].d) << 32) | p.xstate[0].a | p.xstate[1].c;
}

} // namespace arch
