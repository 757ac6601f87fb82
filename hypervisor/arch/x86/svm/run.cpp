// The SVM run loop: every trip into an HVM guest starts here on a fresh stack (hvm_resume)
// and ends in the common exit path, which either comes back here for the same or another
// HVM vCPU, or returns for a PV one to be entered through its frame. The guest's general
// registers sit in the CPU's guest frame as a PV guest's do, so the scheduler's context
// switch treats both alike; rax, rsp, rip and rflags are the VMCB's.
#include "arch/cpu.h"
#include "arch/hvm.h"
#include "arch/paging.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/x86/hvm/hvm.h"
#include "arch/x86/pv/xstate.h"
#include "arch/x86/svm/svm.h"
#include "arch/x86/svm/vmcb.h"
#include "common/domain.h"
#include "common/vcpu_time.h"

extern "C" [[noreturn]] void enter_guest_frame(arch::TrapFrame* frame);

namespace arch {

bool is_hvm_vcpu(const Vcpu& v) {
    return v.arch.hvm != nullptr;
}
bool is_hvm_domain(const Domain& d) {
    return d.arch.hvm != nullptr;
}

void hvm_context_save(Vcpu& v, const TrapFrame& frame) {
    vcpu_time_switch_out(v);
    hvm::HvmVcpu& h = hvm::vcpu_of(v);
    v.arch.regs = frame;
    asm volatile("mov %%dr0, %0" : "=r"(h.debugreg[0]));
    asm volatile("mov %%dr1, %0" : "=r"(h.debugreg[1]));
    asm volatile("mov %%dr2, %0" : "=r"(h.debugreg[2]));
    asm volatile("mov %%dr3, %0" : "=r"(h.debugreg[3]));
    fpu_save(v);
}

void hvm_context_load(Vcpu& v, TrapFrame& frame) {
    hvm::HvmVcpu& h = hvm::vcpu_of(v);
    frame = v.arch.regs;
    // Off the last PV guest's page tables: their frames may be freed while this runs.
    if (read_cr3() != paging_boot_root())
        write_cr3(paging_boot_root());
    fpu_load(v);
    asm volatile("mov %0, %%dr0" ::"r"(h.debugreg[0]));
    asm volatile("mov %0, %%dr1" ::"r"(h.debugreg[1]));
    asm volatile("mov %0, %%dr2" ::"r"(h.debugreg[2]));
    asm volatile("mov %0, %%dr3" ::"r"(h.debugreg[3]));
    set_current_vcpu(&v);
    vcpu_time_switch_in(v);
}

} // namespace arch

using namespace arch;

extern "C" [[noreturn]] void hvm_run_body() {
    TrapFrame& f = *guest_frame();
    Vcpu& v = *current_vcpu();
    hvm::HvmVcpu& h = hvm::vcpu_of(v);
    svm::Vmcb& vmcb = *h.vmcb;
    svm::asid_assign(v, vmcb);
    svm::inject_events(v, vmcb);
    vmcb.rax = f.rax;
    svm::svm_vmrun(h.vmcb_pa, svm::this_svm_cpu().host_area_pa, &f);
    f.rax = vmcb.rax;
    svm::handle_exit(v, vmcb, f);
    pv_exit_to_guest(f); // an HVM vCPU next: hvm_resume, never back here
    enter_guest_frame(&f);
}
