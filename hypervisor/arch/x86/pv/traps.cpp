// Exceptions and interrupts that arrive while a PV guest runs: emulate what a PV kernel
// is allowed to ask for, bounce the rest to the guest's own handlers.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/pv_emulate.h"
#include "arch/pv_hypercalls.h"
#include "arch/pv_ptwr.h"
#include "arch/pv_shadow.h"
#include "common/console.h"
#include "common/domain.h"
#include "lib/format.h"

namespace arch {
namespace {

bool has_error_code(unsigned vector) {
    return vector == kVecDoubleFault || (vector >= kVecInvalidTss && vector <= kVecPageFault) ||
           vector == kVecAlignment || vector == kVecControlProtection;
}

// A guest's `int $n`: allowed if its trap table says the guest's current privilege may
// raise n; otherwise a #GP naming the IDT entry. The vector is read from the instruction,
// not the #GP error code (which QEMU 7.2 gets wrong for 64-bit IDT entries).
bool bounce_software_interrupt(TrapFrame& f, Vcpu& v) {
    uint8_t insn[2];
    if (!(f.error_code & 2) || copy_from_guest(insn, f.rip, 2) || insn[0] != 0xcd)
        return false;
    unsigned vector = insn[1];
    const GuestTrap& t = v.arch.traps[vector];
    unsigned guest_dpl = v.arch.in_kernel ? 1 : 3; // a PV kernel counts as ring 1
    if (!t.address || (t.flags & 3) < guest_dpl) {
        f.error_code = (vector << 3) | 2; // what the CPU means: this IDT entry refused
        return false;
    }
    f.rip += 2;
    return pv_bounce_exception(f, vector, false, 0);
}

// cli/sti from a guest whose virtual IOPL allows them: they do nothing (a PV
// guest's interrupt flag is its event mask), as on Xen.
bool ignore_cli_sti(TrapFrame& f, Vcpu& v) {
    uint8_t op;
    if (!pv_iopl_allows(v) || copy_from_guest(&op, f.rip, 1) || (op != 0xfa && op != 0xfb))
        return false;
    f.rip += 1;
    return true;
}

void unhandled(TrapFrame& f, Vcpu& v, unsigned vector) {
    char why[96];
    lib::format(why, sizeof(why), "%s (error %#x) at rip %#lx with no guest handler",
                exception_name(vector), f.error_code, f.rip);
    domain_crash(*v.domain, why);
}

} // namespace

[[gnu::hot]] void pv_guest_trap(TrapFrame& f) {
    Vcpu* v = current_vcpu();
    unsigned vector = f.vector;
    if (!v)
        return;
    switch (vector) {
    case kVecGeneralProtection:
        if (f.error_code == 0 && (pv_emulate_privileged(f, *v) || ignore_cli_sti(f, *v)))
            return;
        if (bounce_software_interrupt(f, *v))
            return;
        break;
    case kVecInvalidOp:
        if (pv_emulate_forced_invalid_op(f, *v))
            return;
        break;
    case kVecPageFault:
        if (pv_shadow_fault(*v, read_cr2(), f.error_code))
            return;
        if (pv_ptwr_fault(f, *v))
            return;
        v->vcpu_info->arch.cr2 = read_cr2();
        break;
    case kVecDebug:
        pv_debug_trap_from_guest(*v);
        break;
    case kVecNoDevice:
        // The guest set TS with fpu_taskswitch: like Xen, clear it as the #NM is
        // delivered, so the guest's handler may use the FPU at once.
        if (v->arch.fpu_ts) {
            v->arch.fpu_ts = false;
            asm volatile("clts");
        }
        break;
    default:
        break;
    }
    if (!pv_bounce_exception(f, vector, has_error_code(vector), f.error_code))
        unhandled(f, *v, vector);
}

} // namespace arch
