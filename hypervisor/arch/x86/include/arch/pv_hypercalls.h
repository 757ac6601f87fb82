// What the x86 PV hypercall handlers (pv/hc_*.cpp) offer the rest of the PV code.
#pragma once

struct Vcpu;

namespace arch {

// Context-switch hooks (interrupts off, v's page tables loaded): a vCPU's armed debug
// registers go into the hardware with it and come out with it.
void pv_debugreg_switch_in(Vcpu& v);
void pv_debugreg_switch_out(Vcpu& v);

} // namespace arch
