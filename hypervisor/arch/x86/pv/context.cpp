// Switching a physical CPU from one vCPU to another. A guest's registers live in the
// frame at the top of the CPU's stack while it runs, so a switch is: save that frame and
// the state outside it (segment bases, FPU) into the old vCPU, load the new vCPU's.
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/pv_hypercalls.h"
#include "arch/pv_mm.h"
#include "arch/pv_shadow.h"
#include "common/domain.h"
#include "common/vcpu_time.h"
#include "emulate_cr.h"
#include "xstate.h"

namespace arch {
namespace {

constexpr uint64_t kCr0Ts = 1 << 3;

uint64_t xsave_mask() {
    uint32_t lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t(hi) << 32) | lo;
}

} // namespace

void fpu_save(Vcpu& v) {
    write_cr0(read_cr0() & ~kCr0Ts); // XSAVE/FXSAVE fault while TS is set
    if (cpu_features().xsave) {
        uint64_t mask = xsave_mask();
        asm volatile("xsave64 %0"
                     : "+m"(v.arch.fpu_area)
                     : "a"(uint32_t(mask)), "d"(uint32_t(mask >> 32)));
    } else {
        asm volatile("fxsave64 %0" : "=m"(v.arch.fpu_area));
    }
}

void fpu_load(Vcpu& v) {
    write_cr0(read_cr0() & ~kCr0Ts);
    if (cpu_features().xsave) {
        // The vCPU's own XCR0 first: it decides what XRSTOR (and its next XSAVE) covers.
        uint64_t mask = pv_vcpu_xcr0(v);
        if (mask != xsave_mask())
            asm volatile("xsetbv" ::"c"(0), "a"(uint32_t(mask)), "d"(uint32_t(mask >> 32)));
        asm volatile("xrstor64 %0" ::"m"(v.arch.fpu_area), "a"(uint32_t(mask)),
                     "d"(uint32_t(mask >> 32)));
    } else {
        asm volatile("fxrstor64 %0" ::"m"(v.arch.fpu_area));
    }
    if (v.arch.fpu_ts)
        write_cr0(read_cr0() | kCr0Ts);
}

void pv_context_save(Vcpu& v, const TrapFrame& frame) {
    vcpu_time_switch_out(v); // runstate area, periodic timer (v's page tables still loaded)
    pv_debugreg_switch_out(v);
    v.arch.regs = frame;
    v.arch.fs_base = rdmsr(msr::kFsBase);
    (v.arch.in_kernel ? v.arch.gs_base_kernel : v.arch.gs_base_user) = rdmsr(msr::kGsBase);
    fpu_save(v);
}

void pv_context_load(Vcpu& v, TrapFrame& frame) {
    constexpr uint64_t kIf = 1 << 9, kForbidden = (3 << 12) | (1 << 14) | (1 << 17);
    frame = v.arch.regs;
    frame.rflags = (frame.rflags & ~kForbidden) | kIf | 2;
    pv_mm_cpu_enter(*v.domain);
    write_cr3(pv_root_for(v, v.arch.in_kernel ? v.arch.cr3_kernel : v.arch.cr3_user));
    wrmsr(msr::kFsBase, v.arch.fs_base);
    wrmsr(msr::kGsBase, v.arch.in_kernel ? v.arch.gs_base_kernel : v.arch.gs_base_user);
    fpu_load(v);
    pv_apply_guest_cr4(v);
    set_current_vcpu(&v);
    pv_debugreg_switch_in(v);
    pv_gdt_switch_in(v);
    vcpu_time_switch_in(v); // time info, runstate area, periodic timer
}

} // namespace arch
