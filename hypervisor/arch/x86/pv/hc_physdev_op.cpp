// HYPERVISOR_physdev_op: physical devices for privileged PV guests. The virtual I/O
// privilege level, which the port-I/O emulation obeys, and the hardware domain's GSI
// pirqs (common/pirq.h), with the checks in Xen 4.17's order. MSI is not set up: -ENOSYS.
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/pirq.h"
#include "public/errno.h"
#include "public/physdev.h"

namespace {

long map_pirq(Domain& self, uint64_t arg) {
    xen::physdev_map_pirq op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    if (op.type == xen::MAP_PIRQ_TYPE_MULTI_MSI && op.table_base)
        return -xen::XEN_EINVAL;
    Domain* d = hc::domain_by_any_id(op.domid, self);
    if (!d)
        return -xen::XEN_ESRCH;
    if (!self.privileged)
        return -xen::XEN_EPERM;
    switch (op.type) {
    case xen::MAP_PIRQ_TYPE_GSI:
        if (op.index < 0 || static_cast<uint32_t>(op.index) >= kNrIrqsGsi)
            return -xen::XEN_EINVAL;
        if (d != &self)
            return -xen::XEN_ENOSYS; // another domain's pirqs: passthrough, not yet
        if (long rc = pirq::map_gsi(op.index, &op.pirq))
            return rc;
        return arch::copy_to_guest(arg, &op, sizeof(op)) ? -xen::XEN_EFAULT : 0;
    case xen::MAP_PIRQ_TYPE_MSI:
    case xen::MAP_PIRQ_TYPE_MSI_SEG:
    case xen::MAP_PIRQ_TYPE_MULTI_MSI:
        return -xen::XEN_ENOSYS;
    default:
        return -xen::XEN_EINVAL;
    }
}

long unmap_pirq(Domain& self, uint64_t arg) {
    xen::physdev_unmap_pirq op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    Domain* d = hc::domain_by_any_id(op.domid, self);
    if (!d)
        return -xen::XEN_ESRCH;
    if (!self.privileged)
        return -xen::XEN_EPERM;
    if (d != &self)
        return -xen::XEN_EINVAL; // no other domain has pirqs
    return pirq::unmap(op.pirq);
}

long setup_gsi(Domain& self, uint64_t arg) {
    xen::physdev_setup_gsi op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    if (op.gsi < 0 || static_cast<uint32_t>(op.gsi) >= kNrIrqsGsi)
        return -xen::XEN_EINVAL;
    if (!self.privileged)
        return -xen::XEN_EPERM;
    return pirq::setup_gsi(op.gsi, op.triggering, op.polarity);
}

long irq_status_query(Domain& self, uint64_t arg) {
    xen::physdev_irq_status_query op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    if (static_cast<int32_t>(op.irq) < 0 || op.irq >= nr_pirqs(self))
        return -xen::XEN_EINVAL;
    // Xen tells a PV guest always to EOI; no pirq is shared (only dom0 has any).
    op.flags = xen::XENIRQSTAT_needs_eoi;
    return arch::copy_to_guest(arg, &op, sizeof(op)) ? -xen::XEN_EFAULT : 0;
}

// Xen keeps vectors to itself: the "vector" a dom0 gets is the IRQ number it gave.
long alloc_irq_vector(Domain& self, uint64_t arg) {
    xen::physdev_irq op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    if (!self.privileged)
        return -xen::XEN_EPERM;
    op.vector = op.irq;
    return arch::copy_to_guest(arg, &op, sizeof(op)) ? -xen::XEN_EFAULT : 0;
}

long eoi(Domain& self, uint64_t arg) {
    xen::physdev_eoi op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    // Out of range, or not mapped (a domU never has one): -EINVAL.
    if (op.irq >= nr_pirqs(self) || !self.privileged)
        return -xen::XEN_EINVAL;
    return pirq::eoi(op.irq);
}

} // namespace

long do_physdev_op(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const int cmd = static_cast<int>(a1);
    Domain& self = *current_vcpu()->domain;
    switch (cmd) {
    case xen::PHYSDEVOP_set_iopl: {
        xen::physdev_set_iopl op;
        if (arch::copy_from_guest(&op, a2, sizeof(op)))
            return -xen::XEN_EFAULT;
        if (op.iopl > 3)
            return -xen::XEN_EINVAL;
        current_vcpu()->arch.iopl = op.iopl;
        return 0;
    }
    case xen::PHYSDEVOP_map_pirq:
        return map_pirq(self, a2);
    case xen::PHYSDEVOP_unmap_pirq:
        return unmap_pirq(self, a2);
    case xen::PHYSDEVOP_setup_gsi:
        return setup_gsi(self, a2);
    case xen::PHYSDEVOP_irq_status_query:
        return irq_status_query(self, a2);
    case xen::PHYSDEVOP_alloc_irq_vector:
        return alloc_irq_vector(self, a2);
    case xen::PHYSDEVOP_eoi:
        return eoi(self, a2);
    default:
        // The I/O bitmap, MSI and PCI bookkeeping come with device support.
        return -xen::XEN_ENOSYS;
    }
}
