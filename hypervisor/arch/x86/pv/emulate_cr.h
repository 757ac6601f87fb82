// mov to and from control registers by a PV guest kernel (arch/x86/pv/emulate.cpp decodes
// the rest of the privileged instructions).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arch/traps.h"

struct Vcpu;

namespace arch {

// `mov %crN, %reg` or `mov %reg, %crN` (0f 20 / 0f 22, optional REX) at insn. True if
// emulated; the frame then points past the instruction.
bool pv_emulate_mov_cr(TrapFrame& f, Vcpu& v, const uint8_t* insn, size_t avail);

// `mov %drN, %reg` or `mov %reg, %drN` (0f 21 / 0f 23, optional REX; pv/emulate_dr.cpp).
// True if emulated or a #UD was bounced for it; false leaves the #GP(0).
bool pv_emulate_mov_dr(TrapFrame& f, Vcpu& v, const uint8_t* insn, size_t avail);

// Of a CR4 value, the bits the guest may choose that its CPUID policy allows.
uint64_t pv_guest_cr4_bits(uint64_t value);

// Makes the hardware's CR4.FSGSBASE follow v's choice (as Xen does), when the CPU has it:
// at a CR4 write and whenever v is loaded on a CPU. xenon itself never uses FS or GS.
void pv_apply_guest_cr4(const Vcpu& v);

} // namespace arch
