// The x86-64 PV execution model: how a guest kernel and its user space, both in ring 3,
// enter and leave xenon.
#pragma once
#include <stdint.h>

#include "arch/traps.h"
#include "public/arch-x86.h"

struct Vcpu;
struct Domain;

// What a CPU does when it has nothing else to do: waits for the scheduler to give it a
// vCPU, then runs it. Never returns. (Assembly: it first moves below the guest frame.)
extern "C" [[noreturn]] void pv_idle_loop();

namespace arch {

// Per-CPU set-up for guests: SYSCALL MSRs pointing at this CPU's entry stub.
void pv_cpu_init();

// Moving a vCPU's state between the CPU (its stack-top frame, MSRs, FPU) and the vCPU.
void pv_context_save(Vcpu& v, const TrapFrame& frame);
void pv_context_load(Vcpu& v, TrapFrame& frame);

// Exceptions and interrupts that arrived while a guest ran (frame.cs is ring 3).
void pv_guest_trap(TrapFrame& frame);
// Last stop before any return to a guest (interrupts off): lets the scheduler switch
// vCPUs (or idle), then delivers the running vCPU's pending events.
void pv_exit_to_guest(TrapFrame& frame);
void pv_deliver_events(TrapFrame& frame, Vcpu& v);

// Bounces an exception to the guest's registered handler; false if it has none.
bool pv_bounce_exception(TrapFrame& frame, unsigned vector, bool has_error_code,
                         uint32_t error_code);
// IRETQ back to a guest faulted (a selector its descriptor tables refuse, a
// non-canonical rip): the guest takes that fault in the context it was returning to, as
// on Xen. Does not return when it handled `nested` (the fault's own frame); false if the
// fault was not on a return to the current guest.
bool pv_iret_fault(TrapFrame& nested);
// VCPUOP_initialise: v's first context, from the vcpu_guest_context at guest address
// `guest_context` (pv/vcpu_initialise.cpp). 0 or Xen's error.
long pv_vcpu_initialise(Vcpu& v, uint64_t guest_context);
// XEN_DOMCTL_setvcpucontext's part (v's domain is paused): a first context as
// VCPUOP_initialise takes it, vCPU 0's also setting the domain's vm_assist (-EINVAL for
// unknown assists); on a vCPU that has one, only the same kernel L4 (else -EOPNOTSUPP).
// The caller applies VGCF_online.
long pv_vcpu_set_context(Vcpu& v, const xen::vcpu_guest_context& c);
// XEN_DOMCTL_getvcpucontext's part: v's state as a vcpu_guest_context (v off its CPU).
void pv_vcpu_get_context(const Vcpu& v, xen::vcpu_guest_context& c);
// Switches between guest kernel and guest user mode (page tables, GS base).
void pv_toggle_guest_mode(Vcpu& v);

// The virtual IOPL (pv/iopl.cpp): whether v's current mode may do port I/O and cli/sti;
// the EFLAGS.IOPL bits of frames pushed for the guest (nonzero only under
// VMASST_TYPE_architectural_iopl); and an iret's rflags taking effect under that assist.
bool pv_iopl_allows(const Vcpu& v);
uint64_t pv_frame_iopl(const Vcpu& v);
void pv_iret_iopl(Vcpu& v, uint64_t rflags);

// Writes Xen's 64-bit hypercall transfer page (128 stubs of 32 bytes) at `page`.
void pv_write_hypercall_page(uint8_t* page);

// The machine address of a fresh guest L4 needs xenon's own slots in it.
void pv_install_xen_slots(uint64_t* l4);

} // namespace arch
