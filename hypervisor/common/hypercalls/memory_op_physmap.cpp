// XENMEM_add_to_physmap, add_to_physmap_batch and remove_from_physmap for 64-bit PV
// domains. They edit a translated domain's physical map; a PV domain has none (its frame
// numbers are machine frames, and it maps shared_info and grant frames by their MFNs), so
// Xen 4.17 refuses them with -EACCES once the request is read and the domain found.
#include "common/hypercalls/hypercall_util.h"
#include "common/hypercalls/memory_op.h"
#include "public/errno.h"
#include "public/memory.h"

namespace memop {
namespace {

// Xen's xatp_permission_check for a domain that is not translated.
long refuse_untranslated(uint16_t domid, Domain& self) {
    if (!hc::domain_by_any_id(domid, self))
        return -xen::XEN_ESRCH;
    return -xen::XEN_EACCES;
}

// The start extent of a continuation must fit the 16-bit size field.
bool fits_size(uint64_t start_extent) {
    return start_extent == uint16_t(start_extent);
}

} // namespace

long add_to_physmap(uint64_t start_extent, uint64_t arg, Domain& self) {
    if (!fits_size(start_extent))
        return -xen::XEN_EDOM;
    xen::xen_add_to_physmap xatp;
    if (arch::copy_from_guest(&xatp, arg, sizeof(xatp)))
        return -xen::XEN_EFAULT;
    if (xatp.space == xen::XENMAPSPACE_gmfn_foreign)
        return -xen::XEN_ENOSYS; // foreign frames only through the batch
    return refuse_untranslated(xatp.domid, self);
}

long add_to_physmap_batch(uint64_t start_extent, uint64_t arg, Domain& self) {
    if (!fits_size(start_extent))
        return -xen::XEN_EDOM;
    xen::xen_add_to_physmap_batch xatpb;
    if (arch::copy_from_guest(&xatpb, arg, sizeof(xatpb)))
        return -xen::XEN_EFAULT;
    if (xatpb.space == xen::XENMAPSPACE_gmfn_range)
        return -xen::XEN_EOPNOTSUPP;
    return refuse_untranslated(xatpb.domid, self);
}

long remove_from_physmap(uint64_t start_extent, uint64_t arg, Domain& self) {
    if (start_extent)
        return -xen::XEN_EINVAL;
    xen::xen_remove_from_physmap xrfp;
    if (arch::copy_from_guest(&xrfp, arg, sizeof(xrfp)))
        return -xen::XEN_EFAULT;
    return refuse_untranslated(xrfp.domid, self);
}

} // namespace memop
