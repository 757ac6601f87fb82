// XEN_DOMCTL_shadow_op: log-dirty mode for save and live migration, at Xen 4.17's
// interface and with the answers of a Xen built with shadow paging (Debian's is not:
// there ENABLE_LOGDIRTY of a PV domain is -EOPNOTSUPP). The tracking itself is the PV
// shadow tables' (arch/pv_shadow.h, docs/migration.md); here are Xen's checks and the
// bitmap's copy-out, as paging_domctl and paging_log_dirty_op do them:
//   - on the caller itself -EINVAL; on a dying domain nothing happens (0); a domain
//     without vCPUs -EINVAL;
//   - ENABLE_LOGDIRTY (or ENABLE with the LOG_DIRTY flag) -EINVAL when it is on already;
//     ENABLE without it, ENABLE_TEST and unknown ops -EINVAL; OFF is 0 either way;
//   - CLEAN/PEEK with mode bits other than LOGDIRTY_FINAL -EINVAL; else the stats, then
//     -ENOMEM if a dirty page could not be recorded, then `pages` bits of the bitmap
//     (zeros past what the domain has, or when log-dirty is off) to the handle unless it
//     is null, -EFAULT where that fails; CLEAN clears what it copied and the counts.
//     `pages` comes back as asked, at most 2^42 (the size of Xen's bitmap tree);
//   - GET_ALLOCATION / SET_ALLOCATION: the pool in MiB (xenon allocates shadows as it
//     needs them, so the figure is the larger of what was set and what is used); setting
//     0 while log-dirty is on is -EINVAL.
// xenon finishes each op in one go, so it never answers -EBUSY (Xen's answer to an op
// while another caller's preempted one is unfinished).
#include "arch/guest_access.h"
#include "arch/pv_shadow.h"
#include "common/domain.h"
#include "common/hypercalls/domctl/domctl.h"
#include "common/memory/log_dirty.h"
#include "public/errno.h"

namespace domctl {
namespace {

using namespace xen;

constexpr uint64_t kMaxBitmapPages = uint64_t(1) << 42;
constexpr size_t kChunkWords = 64; // 4096 frames per copy

uint32_t clamp32(uint64_t v) {
    return v > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(v);
}

uint32_t allocation_mb(const Domain& d) {
    uint64_t used = (arch::pv_shadow_pages(d) + 255) / 256;
    return used > d.arch.paging_mb ? clamp32(used) : d.arch.paging_mb;
}

long log_dirty_op(Domain& d, xen_domctl_shadow_op& sc) {
    bool clean = sc.op == XEN_DOMCTL_SHADOW_OP_CLEAN;
    arch::pv_domain_pause_sync(d);
    arch::pv_logdirty_harvest(d);
    memory::LogDirty* log = arch::pv_logdirty(d);
    sc.stats.fault_count = log ? clamp32(log->fault_count()) : 0;
    sc.stats.dirty_count = log ? clamp32(log->dirty_count()) : 0;
    long rc = 0;
    if (log && log->failures()) {
        rc = -XEN_ENOMEM;
    } else {
        uint64_t want = sc.pages < kMaxBitmapPages ? sc.pages : kMaxBitmapPages;
        uint64_t bitmap = sc.dirty_bitmap.p;
        uint64_t words_inside = log ? memory::LogDirty::words_for(log->nr_pfns()) : 0;
        uint64_t done = 0; // bits
        uint64_t buf[kChunkWords];
        while (done < want) {
            uint64_t bytes = (want - done + 7) / 8;
            if (bytes > sizeof(buf))
                bytes = sizeof(buf);
            uint64_t first = done / 64;
            if (!bitmap && first >= words_inside)
                break; // nothing left to copy or clean
            size_t n = (bytes + 7) / 8;
            if (log)
                log->take(first, buf, n, clean);
            else
                for (size_t i = 0; i < n; i++)
                    buf[i] = 0;
            if (bitmap && arch::copy_to_guest(bitmap + done / 8, buf, bytes)) {
                if (log && clean)
                    log->restore(first, buf, n);
                rc = -XEN_EFAULT;
                break;
            }
            done += bytes * 8;
        }
        if (rc == 0) {
            if (want < sc.pages)
                sc.pages = want;
            if (clean && log)
                log->reset_counts();
        }
    }
    arch::pv_domain_unpause(d);
    return rc;
}

} // namespace

long shadow_op(Call& c) {
    c.copyback = true; // as Xen: the stats, mb and pages go back whatever the answer
    Domain& d = *c.target;
    xen_domctl_shadow_op& sc = c.op.u.shadow_op;
    if (&d == &c.self)
        return -XEN_EINVAL;
    if (__atomic_load_n(&d.life, __ATOMIC_ACQUIRE) != DomainLife::alive)
        return 0; // Xen ignores paging ops on a dying domain
    if (d.vcpu_count == 0 || !d.vcpus[0])
        return -XEN_EINVAL;
    switch (sc.op) {
    case XEN_DOMCTL_SHADOW_OP_ENABLE:
        if (!(sc.mode & XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY))
            return -XEN_EINVAL; // shadow modes without log-dirty: not for PV here
        [[fallthrough]];
    case XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY: {
        if (arch::pv_logdirty_on(d))
            return -XEN_EINVAL;
        arch::pv_domain_pause_sync(d);
        int rc = arch::pv_logdirty_enable(d);
        arch::pv_domain_unpause(d);
        return rc;
    }
    case XEN_DOMCTL_SHADOW_OP_OFF:
        if (arch::pv_logdirty_on(d)) {
            arch::pv_domain_pause_sync(d);
            arch::pv_logdirty_disable(d);
            arch::pv_domain_unpause(d);
        }
        return 0;
    case XEN_DOMCTL_SHADOW_OP_CLEAN:
    case XEN_DOMCTL_SHADOW_OP_PEEK:
        if (sc.mode & ~XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL)
            return -XEN_EINVAL;
        return log_dirty_op(d, sc);
    case XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION:
        sc.mb = allocation_mb(d);
        return 0;
    case XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION:
        if (sc.mb == 0 && arch::pv_logdirty_on(d))
            return -XEN_EINVAL; // the shadows are in use
        d.arch.paging_mb = sc.mb;
        sc.mb = allocation_mb(d);
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

} // namespace domctl
