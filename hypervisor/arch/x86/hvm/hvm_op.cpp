// HYPERVISOR_hvm_op: the HVM parameters (HVMOP_set_param / get_param) a guest and its
// toolstack exchange: the callback IRQ that carries event upcalls, and the xenstore and
// console rings' frames and ports. A domain reads and writes its own; the control domain
// any HVM domain's.
#include "public/hvm/hvm_op.h"
#include "arch/guest_access.h"
#include "arch/hvm.h"
#include "arch/x86/hvm/hvm.h"
#include "common/domain.h"
#include "common/hypercalls/hypercall_util.h"
#include "public/errno.h"
#include "public/hvm/params.h"

namespace {

long param(bool set, uint64_t arg) {
    Domain& self = *current_vcpu()->domain;
    xen::xen_hvm_param p;
    if (arch::copy_from_guest(&p, arg, sizeof(p)))
        return -xen::XEN_EFAULT;
    if (p.index >= xen::HVM_NR_PARAMS)
        return -xen::XEN_EINVAL;
    Domain* d = hc::domain_by_any_id(p.domid, self);
    if (!d)
        return -xen::XEN_ESRCH;
    if (d != &self && !self.privileged)
        return -xen::XEN_EPERM;
    if (!arch::is_hvm_domain(*d))
        return -xen::XEN_EINVAL;
    hvm::HvmDomain& hd = hvm::domain_of(*d);
    if (!set) {
        p.value = hd.params[p.index];
        return arch::copy_to_guest(arg, &p, sizeof(p)) ? -xen::XEN_EFAULT : 0;
    }
    if (p.index == xen::HVM_PARAM_CALLBACK_IRQ) {
        uint64_t type = (p.value & xen::HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >> 56;
        // Only the vector type delivers (no emulated IOAPIC for GSI/INTx yet).
        hd.callback_vector = type == xen::HVM_PARAM_CALLBACK_TYPE_VECTOR ? uint8_t(p.value) : 0;
    }
    hd.params[p.index] = p.value;
    return 0;
}

} // namespace

long do_hvm_op(uint64_t op, uint64_t arg, uint64_t, uint64_t, uint64_t) {
    switch (op) {
    case xen::HVMOP_set_param:
        return param(true, arg);
    case xen::HVMOP_get_param:
        return param(false, arg);
    default:
        return -xen::XEN_ENOSYS;
    }
}
