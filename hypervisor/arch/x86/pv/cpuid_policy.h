// The CPUID feature bits a PV guest may see, as Xen 4.17's default PV policy: what a
// guest cannot use under PV paging and xenon's ownership of the platform (large pages,
// global pages, MTRRs, VMX/SVM, SMEP/SMAP, x2APIC, MONITOR, PCID, ...) is hidden.
#pragma once
#include <stdint.h>

namespace arch {

// Clears, in the hardware's answer `regs` (eax, ebx, ecx, edx) to leaf:subleaf, every
// feature flag outside the PV policy. Leaves without feature flags are left alone.
void pv_cpuid_apply_policy(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);

} // namespace arch
