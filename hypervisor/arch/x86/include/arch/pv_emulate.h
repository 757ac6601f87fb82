// Emulation of the privileged instructions a PV guest kernel may issue from ring 3.
#pragma once
#include "arch/traps.h"

struct Vcpu;

namespace arch {

// rdmsr/wrmsr of the safe set, in/out to permitted ports, reads of control registers.
// True if emulated (the frame then points past the instruction).
bool pv_emulate_privileged(TrapFrame& frame, Vcpu& v);
// The forced-emulation prefix `ud2; .ascii "xen"; cpuid`: CPUID as the guest should see it.
bool pv_emulate_forced_invalid_op(TrapFrame& frame, Vcpu& v);
// CPUID leaves as a PV guest sees them (xenon's leaves at 0x40000000 included).
void pv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

} // namespace arch
