// HYPERVISOR_multicall: a batch of hypercalls in one entry. Each entry is copied in,
// dispatched like a direct hypercall (five arguments; args[5] is ignored as in Xen) and
// its result written back to the entry's result field. A multicall inside a multicall
// gets -EINVAL for that entry; HYPERVISOR_iret in a batch does its return and ends the
// batch there, the batch's answer being the iret's, exactly as in Xen.
#include <stddef.h>

#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "public/errno.h"
#include "public/xen.h"

[[gnu::hot]] long do_multicall(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    uint64_t list = a1;
    const uint32_t count = static_cast<uint32_t>(a2);
    Vcpu& v = *current_vcpu();
    if (v.in_multicall)
        return -xen::XEN_EINVAL;
    if (!hc::guest_handle_okay(list, count, sizeof(xen::multicall_entry)))
        return -xen::XEN_EFAULT;
    v.in_multicall = true;
    long rc = 0;
    for (uint32_t i = 0; i < count; i++, list += sizeof(xen::multicall_entry)) {
        xen::multicall_entry call;
        if (arch::copy_from_guest(&call, list, sizeof(call))) {
            rc = -xen::XEN_EFAULT;
            break;
        }
        call.result = static_cast<uint64_t>(hypercall_dispatch(
            call.op, call.args[0], call.args[1], call.args[2], call.args[3], call.args[4]));
        bool write_failed =
            arch::put_guest(list + offsetof(xen::multicall_entry, result), call.result) != 0;
        if (call.op == xen::HYPERVISOR_iret) {
            rc = static_cast<long>(call.result); // best effort write-back above
            break;
        }
        if (write_failed) {
            rc = -xen::XEN_EFAULT;
            break;
        }
        if (v.domain->shutting_down)
            break; // the domain is going away: nothing more of its batch runs
    }
    v.in_multicall = false;
    return rc;
}
