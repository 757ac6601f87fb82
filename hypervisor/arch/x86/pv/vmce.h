// The virtual machine-check MSRs a PV guest sees (Xen's vMCE): two banks that never report
// an error, so Linux's MCE code initialises and polls them as on Xen 4.17.
#pragma once
#include <stdint.h>

struct Vcpu;

namespace arch {

enum class VmceAccess { not_mce, done, fault };

// rdmsr/wrmsr of MCG_CAP/STATUS/CTL (0x179-0x17b), MCG_EXT_CTL (0x4d0), the MCi_CTL2
// (0x280-0x29f) and the bank registers (0x400-0x47f). not_mce: another MSR.
VmceAccess pv_vmce_rdmsr(const Vcpu& v, uint32_t msr, uint64_t* value);
VmceAccess pv_vmce_wrmsr(Vcpu& v, uint32_t msr, uint64_t value);

} // namespace arch
