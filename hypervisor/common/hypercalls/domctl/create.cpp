// XEN_DOMCTL_createdomain, XEN_DOMCTL_max_vcpus and XEN_DOMCTL_setdomainhandle: a new, empty PV
// domain for the toolstack's builder (libxc) to fill: no memory, its vCPUs down, paused once by the
// toolstack (XEN_DOMINF_paused until libxl unpauses it), as Xen 4.17's domain_create
// leaves it. The configuration is checked in Xen's order, with Xen's errors.
#include "common/console.h"
#include "common/domain.h"
#include "common/grant_table.h"
#include "common/hypercalls/domctl/domctl.h"
#include "common/memory/page_info.h"
#include "common/memory/page_type.h"
#include "common/sched/sched.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "public/errno.h"

namespace domctl {
namespace {

using namespace xen;

constexpr uint32_t kMaxPvVcpus = 8192; // Xen x86's MAX_VIRT_CPUS

// Xen's sanitise_domain_config and arch_sanitise_domain_config for a host without HVM,
// IOMMU, vmtrace or vPMU (what xenon is to a toolstack today).
long sanitise(xen_domctl_createdomain& c) {
    constexpr uint32_t kKnown = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                                XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off |
                                XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |
                                XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu;
    const bool hvm = c.flags & XEN_DOMCTL_CDF_hvm;
    const bool hap = c.flags & XEN_DOMCTL_CDF_hap;
    if (c.flags & ~kKnown)
        return -XEN_EINVAL;
    if (c.grant_opts & ~XEN_DOMCTL_GRANT_version_mask)
        return -XEN_EINVAL;
    if (c.max_vcpus < 1)
        return -XEN_EINVAL;
    if (hap && !hvm)
        return -XEN_EINVAL;
    if (c.flags & XEN_DOMCTL_CDF_iommu)
        return -XEN_EINVAL; // no IOMMU: "IOMMU requested but not available"
    if (c.iommu_opts)
        return -XEN_EINVAL;
    if (c.vmtrace_size)
        return -XEN_EINVAL; // no processor trace
    if (c.flags & XEN_DOMCTL_CDF_vpmu)
        return -XEN_EINVAL; // no vPMU
    if (hvm)
        return -XEN_EINVAL; // HVM/PVH guests are not served yet: "HVM support not available"
    if (c.max_vcpus > kMaxPvVcpus)
        return -XEN_EINVAL;
    if (c.flags & XEN_DOMCTL_CDF_s3_integrity)
        return -XEN_EINVAL;            // no tboot
    c.flags |= XEN_DOMCTL_CDF_oos_off; // meaningful for HVM only: always set for PV
    if (c.flags & XEN_DOMCTL_CDF_nested_virt)
        return -XEN_EINVAL; // needs HAP
    if (c.arch.misc_flags & ~XEN_X86_MSR_RELAXED)
        return -XEN_EINVAL;
    return 0;
}

// Xen's arch_domain_create, evtchn_init, grant_table_init and sched_init_domain checks,
// in that order.
long check_resources(const xen_domctl_createdomain& c) {
    if (c.arch.emulation_flags & ~XEN_X86_EMU_ALL)
        return -XEN_EINVAL;
    if (c.arch.emulation_flags != 0 && c.arch.emulation_flags != XEN_X86_EMU_PIT)
        return -XEN_EOPNOTSUPP; // no emulated devices for a PV guest
    uint32_t version = XEN_DOMCTL_GRANT_version(c.grant_opts);
    if (version == 0 || version > gnttab::kMaxVersion)
        return -XEN_EINVAL;
    int32_t frames = c.max_grant_frames < 0 ? int32_t(gnttab::kMaxFrames) : c.max_grant_frames;
    int32_t maptrack =
        c.max_maptrack_frames < 0 ? int32_t(gnttab::kMaxMaptrackFrames) : c.max_maptrack_frames;
    if (frames < 1 || frames > int32_t(gnttab::kMaxFrames) ||
        maptrack > int32_t(gnttab::kMaxMaptrackFrames))
        return -XEN_EINVAL;
    if (c.cpupool_id != 0)
        return -XEN_ESRCH; // one pool, Pool-0
    return 0;
}

void configure(Domain& d, const xen_domctl_createdomain& c) {
    DomainConfig& k = d.config;
    memcpy(k.handle, c.handle, sizeof(k.handle));
    k.ssidref = c.ssidref;
    k.flags = c.flags;
    k.max_evtchn_port = c.max_evtchn_port;
    k.max_grant_frames = c.max_grant_frames < 0 ? gnttab::kMaxFrames : c.max_grant_frames;
    k.max_maptrack_frames =
        c.max_maptrack_frames < 0 ? gnttab::kMaxMaptrackFrames : c.max_maptrack_frames;
    k.max_grant_version = XEN_DOMCTL_GRANT_version(c.grant_opts);
}

// Xen's rover: automatic ids go round from the last one given, whether or not the
// creation then succeeds.
constinit lib::SpinLock rover_lock;
constinit uint16_t rover = 0;

// The id asked for (1..DOMID_FIRST_RESERVED-1; -EEXIST if taken), else the next free
// one after the rover's (-ENOMEM if none is).
long pick_id(domid_t asked, uint16_t* id) {
    if (asked > 0 && asked < DOMID_FIRST_RESERVED) {
        *id = asked;
        return domain_lookup_any(asked) ? -XEN_EEXIST : 0;
    }
    lib::LockGuard guard(rover_lock);
    for (uint16_t next = static_cast<uint16_t>(rover + 1); next != rover; next++) {
        if (next >= DOMID_FIRST_RESERVED)
            next = 1;
        if (!domain_lookup_any(next)) {
            *id = rover = next;
            return 0;
        }
    }
    return -XEN_ENOMEM;
}

} // namespace

long createdomain(Call& c) {
    xen_domctl_createdomain& cfg = c.op.u.createdomain;
    uint16_t id;
    if (long rc = pick_id(c.op.domain, &id))
        return rc;
    if (long rc = sanitise(cfg))
        return rc;
    if (cfg.max_vcpus > kMaxVcpusPerDomain)
        return -XEN_EINVAL; // xenon's own limit (the legacy vcpu_info slots)
    if (long rc = check_resources(cfg))
        return rc;

    // No vCPUs until XEN_DOMCTL_max_vcpus; paused for the toolstack until it unpauses.
    Domain* d = domain_alloc(0, false, cfg.max_vcpus, 0);
    if (!d)
        return -XEN_ENOMEM;
    configure(*d, cfg);
    d->toolstack_pauses = 1;
    d->domid = id;
    if (long rc = domain_register(d)) {
        domain_free_unlisted(d);
        return rc;
    }
    memory::FrameTable& ft = memory::frame_table();
    memory::share_xen_page_with_guest(ft.page(d->shared_info_mfn), d->domid, false);
    log_info("d%u: created by d%u (up to %u vCPU%s)", d->domid, c.self.domid, d->max_vcpus,
             d->max_vcpus == 1 ? "" : "s");
    c.op.domain = d->domid;
    c.copyback = true;
    return 0;
}

long setdomainhandle(Call& c) {
    // The toolstack's UUID for the domain (libxl renews it on a soft reset).
    memcpy(c.target->config.handle, c.op.u.setdomainhandle.handle, sizeof(c.target->config.handle));
    return 0;
}

long max_vcpus(Call& c) {
    // Xen 4.17 fixes the number at createdomain; this creates the vCPUs.
    Domain& d = *c.target;
    if (&d == &c.self || c.op.u.max_vcpus.max != d.max_vcpus)
        return -XEN_EINVAL;
    return domain_create_vcpus(d);
}

} // namespace domctl
