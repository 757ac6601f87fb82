// The sysctls about scheduling: which scheduler runs (credit2, as Xen 4.17 reports by
// default), the CPU pools (one, Pool-0 with id 0, holding every online CPU and domain)
// and the pool scheduler's parameters (credit2's rate limit).
#include "common/sched/sched.h"
#include "common/domain.h"
#include "common/hypercalls/cpumap.h"
#include "common/hypercalls/sysctl/sysctl.h"
#include "public/errno.h"

namespace {

using namespace xen;

constexpr uint32_t kPool0 = 0;

uint32_t domains_listed() {
    uint32_t n = 0;
    for (Domain* d = domain_next(0); d;
         d = d->domid < DOMID_FIRST_RESERVED - 1 ? domain_next(d->domid + 1) : nullptr)
        n++;
    return n;
}

} // namespace

namespace sysctl {

long sched_id(Call& c) {
    c.op.u.sched_id.sched_id = kSchedulerId;
    return 0;
}

// Xen's cpupool_do_sysctl with the one pool there is: INFO finds the first pool at or
// after cpupool_id; no CPU is free to add; a domain may "move" to the pool it is in.
// Creating pools and taking CPUs out of Pool-0 are not supported (-EOPNOTSUPP).
long cpupool_op(Call& c) {
    xen_sysctl_cpupool_op& op = c.op.u.cpupool_op;
    switch (op.op) {
    case XEN_SYSCTL_CPUPOOL_OP_INFO:
        if (op.cpupool_id > kPool0)
            return -XEN_ENOENT;
        op.cpupool_id = kPool0;
        op.sched_id = kSchedulerId;
        op.n_dom = domains_listed();
        return hc::cpumap_to_guest(op.cpumap, hc::cpumap_online());
    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
        return hc::cpumap_to_guest(op.cpumap, hc::Cpumap{});
    case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
        if (op.cpupool_id != kPool0)
            return -XEN_ENOENT;
        if (op.cpu != XEN_SYSCTL_CPUPOOL_PAR_ANY && op.cpu >= hc::cpumap_width())
            return -XEN_EINVAL;
        return -XEN_ENODEV; // every online CPU is Pool-0's already
    case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN: {
        Domain* d = domain_lookup(static_cast<domid_t>(op.domid)); // Xen truncates it too
        if (!d)
            return -XEN_ESRCH;
        if (d == &c.self)
            return -XEN_EPERM; // Xen's rcu_lock_remote_domain_by_id
        return op.cpupool_id == kPool0 ? 0 : -XEN_ENOENT;
    }
    case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
    case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
        if (op.cpupool_id != kPool0)
            return -XEN_ENOENT;
        return -XEN_EOPNOTSUPP;
    case XEN_SYSCTL_CPUPOOL_OP_CREATE:
        return -XEN_EOPNOTSUPP;
    default:
        return -XEN_ENOSYS;
    }
}

// Xen's sched_adjust_global for credit2: only put and get; the pool must exist
// (-ESRCH) and run the scheduler named (-EINVAL); a rate limit other than 0 (none) must
// lie within Xen's bounds.
long scheduler_op(Call& c) {
    xen_sysctl_scheduler_op& op = c.op.u.scheduler_op;
    if (op.cmd != XEN_SYSCTL_SCHEDOP_putinfo && op.cmd != XEN_SYSCTL_SCHEDOP_getinfo)
        return -XEN_EINVAL;
    if (op.cpupool_id != kPool0)
        return -XEN_ESRCH;
    if (op.sched_id != kSchedulerId)
        return -XEN_EINVAL;
    uint32_t& limit = op.u.sched_credit2.ratelimit_us;
    if (op.cmd == XEN_SYSCTL_SCHEDOP_putinfo) {
        if (limit &&
            (limit > XEN_SYSCTL_SCHED_RATELIMIT_MAX || limit < XEN_SYSCTL_SCHED_RATELIMIT_MIN))
            return -XEN_EINVAL;
        sched_set_ratelimit_us(limit);
    }
    limit = sched_ratelimit_us();
    return 0;
}

} // namespace sysctl
