// What the x86 PV hypercall handlers (pv/hc_*.cpp) offer the rest of the PV code.
#pragma once
#include <stdint.h>

#include "arch/traps.h"

struct Vcpu;

namespace arch {

// Context-switch hooks (interrupts off, v's page tables loaded): a vCPU's armed debug
// registers go into the hardware with it and come out with it.
void pv_debugreg_switch_in(Vcpu& v);
void pv_debugreg_switch_out(Vcpu& v);
// The vCPU's own GDT entries (set_gdt) into this CPU's GDT, below xenon's reserved ones.
void pv_gdt_switch_in(Vcpu& v);
// set_gdt for v (the caller, or a vCPU not running): `entries` descriptors in the
// domain's frames `frames` (entries / 512 rounded up of them). Xen's errors.
long pv_set_gdt(Vcpu& v, const uint64_t* frames, unsigned entries);
// Frees a vCPU's GDT copy (a vCPU going away, off its CPU).
void pv_gdt_release(Vcpu& v);
// A #DB taken in xenon itself: a guest's data breakpoint on memory xenon read or wrote
// for it (copy_from_guest / copy_to_guest). Like Xen, xenon notes nothing and goes on
// (the access is not undone); true when it was that. An instruction breakpoint can only
// point at guest addresses, which xenon never executes: if one fires, breakpoints are
// switched off on this CPU.
bool pv_debug_trap_in_hypervisor(TrapFrame& frame);
// A #DB from the guest: its status goes into the vCPU's DR6 (before the bounce).
void pv_debug_trap_from_guest(Vcpu& v);

// Xen's check of one segment descriptor for a 64-bit PV guest (update_descriptor, and
// every entry of a page that becomes a GDT/LDT page): false if it must be refused;
// otherwise it may have been adjusted in place (DPL raised to 3, call gates made to trap).
bool pv_check_descriptor(uint64_t& desc);

// Hypercall continuations, as Xen makes them: a long operation stops part way and the
// guest re-issues the same hypercall with the arguments advanced (its SYSCALL is simply
// executed again), so the scheduler and interrupts get their turn in between. Only for a
// hypercall made directly (not from a multicall, which runs its entries to the end).
bool pv_can_continue();
// Rewrites the guest's first three argument registers and backs up over its SYSCALL;
// the handler returns the result, which becomes rax (the hypercall number) again.
long pv_continue_hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3);

} // namespace arch
