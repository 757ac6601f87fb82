// AMD SVM inside arch/x86/svm: the per-CPU state, the VMCB set-up, the VMRUN loop and
// the intercept handlers.
#pragma once
#include <stdint.h>

#include "arch/traps.h"

struct Vcpu;

namespace svm {

struct Vmcb;

struct SvmCpu {
    uint64_t hsave_pa;     // VM_HSAVE_PA: where VMRUN keeps the host's state
    uint64_t host_area_pa; // VMSAVE/VMLOAD of the host's FS/GS/TR/LDTR/syscall MSRs
    uint32_t next_asid;
    uint64_t asid_generation; // starts at 1: a vCPU with 0 has never had an ASID here
    bool flush_all;           // the next VMRUN flushes every ASID (a generation began)
};
SvmCpu& this_svm_cpu();
uint32_t max_asid();

// Gives v an ASID valid on this CPU (a new one after a move or a new generation) and sets
// the VMCB's TLB control for it.
void asid_assign(Vcpu& v, Vmcb& vmcb);

// A fresh VMCB with xenon's intercepts and the shared I/O and MSR permission maps.
void vmcb_init(Vmcb& vmcb, uint64_t ncr3);

// vmrun.S: loads the guest's general registers from `regs` (rax and rsp are in the VMCB),
// runs it until #VMEXIT, and stores them back. Called with interrupts off; returns with
// them off and the host's segment and syscall state reloaded.
extern "C" void svm_vmrun(uint64_t vmcb_pa, uint64_t host_area_pa, arch::TrapFrame* regs);

// One exit: handles it (interrupts on inside) and returns with interrupts off.
void handle_exit(Vcpu& v, Vmcb& vmcb, arch::TrapFrame& regs);
// Injects what is pending for v (a re-delivery, an exception, the event upcall) or asks
// for an exit when the guest can take it.
void inject_events(Vcpu& v, Vmcb& vmcb);
// Queues an exception for the next VMRUN.
void inject_exception(Vmcb& vmcb, unsigned vector, bool has_error, uint32_t error = 0);

} // namespace svm
