// The virtual IOPL of a PV vCPU. The hardware's EFLAGS.IOPL stays 0 (a guest must never
// own the real interrupt flag), so port I/O and cli/sti fault and are judged here, as on
// Xen 4.17. PHYSDEVOP_set_iopl sets it; with VMASST_TYPE_architectural_iopl each
// HYPERVISOR_iret takes it from the rflags it returns with, frames pushed for the guest
// report it, and the kernel counts as ring 0 rather than ring 1.
#include "arch/pv.h"
#include "common/domain.h"
#include "public/xen.h"

namespace arch {
namespace {

bool architectural(const Vcpu& v) {
    return v.domain->vm_assist & (1ul << xen::VMASST_TYPE_architectural_iopl);
}

} // namespace

bool pv_iopl_allows(const Vcpu& v) {
    unsigned ring = v.arch.in_kernel ? (architectural(v) ? 0 : 1) : 3;
    return v.arch.iopl >= ring;
}

uint64_t pv_frame_iopl(const Vcpu& v) {
    return architectural(v) ? v.arch.iopl << 12 : 0;
}

void pv_iret_iopl(Vcpu& v, uint64_t rflags) {
    if (architectural(v))
        v.arch.iopl = (rflags >> 12) & 3;
}

} // namespace arch
