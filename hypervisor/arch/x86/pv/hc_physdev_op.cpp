// HYPERVISOR_physdev_op: physical devices for privileged PV guests. So far only the
// virtual I/O privilege level, which the port-I/O emulation obeys.
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "public/errno.h"
#include "public/physdev.h"

long do_physdev_op(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const int cmd = static_cast<int>(a1);
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
    default:
        // IRQ routing (eoi, map_pirq, irq_status_query, ...) and the I/O bitmap come with
        // physical interrupt support.
        return -xen::XEN_ENOSYS;
    }
}
