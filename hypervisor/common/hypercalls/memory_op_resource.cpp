// XENMEM_acquire_resource: a domain's resource frames (today its grant table's) for the
// control domain to map. A PV caller gets the machine frames back and maps them itself
// with mmu_update naming the resource's domain; Linux's privcmd does that for libxc,
// whose domain builder seeds a new domain's grant table this way.
#include "arch/hvm.h"
#include "common/grant_table.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/hypercalls/memory_op.h"
#include "public/errno.h"
#include "public/memory.h"

namespace memop {
namespace {

constexpr uint32_t kExtentLimit = ~0u >> xen::MEMOP_EXTENT_SHIFT;

// Xen's resource_max_frames: how many frames the resource has, 0 for none. As in Xen an
// unknown type yields -EOPNOTSUPP converted to unsigned, which is what a size query reads.
uint32_t max_frames(const Domain& d, const xen::xen_mem_acquire_resource& r) {
    switch (r.type) {
    case xen::XENMEM_resource_grant_table:
        return gnttab::resource_max_frames(r.id, d.config.max_grant_frames);
    case xen::XENMEM_resource_ioreq_server:
        // One frame for the buffered ring, one per 128 vCPUs' ioreqs: HVM domains only.
        return arch::is_hvm_domain(d) ? 1 + (d.max_vcpus * 32 + 4095) / 4096 : 0;
    case xen::XENMEM_resource_vmtrace_buf:
        return 0; // no domain is created with a trace buffer
    default:
        return static_cast<uint32_t>(-xen::XEN_EOPNOTSUPP);
    }
}

long acquire(Domain& d, const xen::xen_mem_acquire_resource& r, uint64_t* mfns) {
    switch (r.type) {
    case xen::XENMEM_resource_grant_table:
        gnttab::init_arch_env(); // the first grant-table use may be this one
        return gnttab::acquire_frames(d.domid, r.id, uint32_t(r.frame), r.nr_frames,
                                      d.config.max_grant_frames, mfns);
    case xen::XENMEM_resource_ioreq_server:
        // No ioreq server exists (no device model yet): Xen's answer for an unknown one.
        return arch::is_hvm_domain(d) ? -xen::XEN_ENOENT : -xen::XEN_EINVAL;
    case xen::XENMEM_resource_vmtrace_buf:
        return -xen::XEN_EINVAL;
    default:
        return -xen::XEN_EOPNOTSUPP;
    }
}

} // namespace

long acquire_resource(uint64_t start_extent, uint64_t arg, Domain& self) {
    const bool translated = arch::is_hvm_domain(self);
    // Xen lets a translated caller map resources only as the hardware domain.
    if (translated && !self.privileged)
        return -xen::XEN_EACCES;
    xen::xen_mem_acquire_resource r;
    if (arch::copy_from_guest(&r, arg, sizeof(r)))
        return -xen::XEN_EFAULT;
    if (r.pad)
        return -xen::XEN_EINVAL;
    // nr_frames is 32 bits and frame 64: frame and frame + nr_frames must both fit 32.
    if ((r.frame >> 32) || ((r.frame + r.nr_frames) >> 32))
        return -xen::XEN_EINVAL;
    // Another domain's resource only (Xen's rcu_lock_remote_domain_by_id).
    Domain* d = hc::domain_by_id(r.domid);
    if (!d)
        return -xen::XEN_ESRCH;
    if (d == &self)
        return -xen::XEN_EPERM;
    if (!self.privileged) // XSM_DM_PRIV: xenon has no device-model domains yet
        return -xen::XEN_EPERM;

    const uint32_t max = max_frames(*d, r);
    if (!max)
        return -xen::XEN_EINVAL;
    if (!r.frame_list.p) {
        // A size query.
        if (r.nr_frames || start_extent)
            return -xen::XEN_EINVAL;
        r.nr_frames = max;
        return arch::put_guest(arg + offsetof(xen::xen_mem_acquire_resource, nr_frames), max)
                   ? -xen::XEN_EFAULT
                   : 0;
    }
    if (start_extent >= r.nr_frames || r.nr_frames > kExtentLimit)
        return -xen::XEN_EINVAL;
    // Machine frames for a PV caller. Mapping into a translated caller's p2m (a PVH dom0)
    // needs foreign p2m entries, which xenon does not have yet.
    if (translated)
        return -xen::XEN_EOPNOTSUPP;

    uint64_t frame = r.frame + start_extent;
    uint32_t left = r.nr_frames - uint32_t(start_extent);
    uint64_t out = r.frame_list.p + start_extent * sizeof(uint64_t);
    while (left) {
        uint64_t mfns[32];
        const uint32_t todo = left < 32 ? left : 32;
        xen::xen_mem_acquire_resource part = r;
        part.frame = frame;
        part.nr_frames = todo;
        const long done = acquire(*d, part, mfns);
        if (done < 0)
            return done;
        if (arch::copy_to_guest(out, mfns, todo * sizeof(uint64_t)))
            return -xen::XEN_EFAULT;
        frame += todo;
        out += todo * sizeof(uint64_t);
        left -= todo;
    }
    return 0;
}

} // namespace memop
