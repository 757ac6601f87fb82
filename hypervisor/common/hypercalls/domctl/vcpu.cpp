// The domctls about a domain's vCPUs: their state (getvcpuinfo) and placement
// (get/setvcpuaffinity, which the scheduler follows).
#include "common/domain.h"
#include "common/hypercalls/cpumap.h"
#include "common/hypercalls/domctl/domctl.h"
#include "public/errno.h"
#include "public/sched.h"

namespace {

using namespace xen;

// Xen's order: an id past the domain's vCPUs is -EINVAL, one not allocated -ESRCH.
long find_vcpu(const Domain& d, uint32_t id, Vcpu*& v) {
    if (id >= d.vcpu_count)
        return -XEN_EINVAL;
    v = d.vcpus[id];
    return v ? 0 : -XEN_ESRCH;
}

hc::Cpumap from_excluded(const uint64_t* excluded) {
    hc::Cpumap map{};
    for (unsigned i = 0; i < hc::kCpumapWords; i++)
        map.bits[i] = ~excluded[i];
    return map;
}

void store_excluded(uint64_t* excluded, const hc::Cpumap& map) {
    for (unsigned i = 0; i < hc::kCpumapWords; i++)
        excluded[i] = ~map.bits[i];
}

hc::Cpumap intersect(hc::Cpumap a, const hc::Cpumap& b) {
    for (unsigned i = 0; i < hc::kCpumapWords; i++)
        a.bits[i] &= b.bits[i];
    return a;
}

bool affinity_args_invalid(const xen_domctl_vcpuaffinity& a) {
    return a.flags == 0 || ((a.flags & XEN_VCPUAFFINITY_HARD) && !a.cpumap_hard.bitmap.p) ||
           ((a.flags & XEN_VCPUAFFINITY_SOFT) && !a.cpumap_soft.bitmap.p);
}

// As Xen's vcpu_affinity_domctl for set: each mask given replaces the vCPU's, and the
// effective one comes back (hard: within the pool's online CPUs; soft: within those and
// the hard mask). A hard mask without an online CPU is -EINVAL; a failed soft mask puts
// the hard one back.
long set_affinity(Vcpu& v, xen_domctl_vcpuaffinity& a) {
    hc::Cpumap online = hc::cpumap_online();
    uint64_t old_hard[hc::kCpumapWords];
    for (unsigned i = 0; i < hc::kCpumapWords; i++)
        old_hard[i] = v.hard_affinity_excluded[i];
    hc::Cpumap map;
    if (a.flags & XEN_VCPUAFFINITY_HARD) {
        if (int rc = hc::cpumap_from_guest(map, a.cpumap_hard))
            return rc;
        if (intersect(map, online).empty())
            return -XEN_EINVAL;
        store_excluded(v.hard_affinity_excluded, map);
        if (int rc = hc::cpumap_to_guest(a.cpumap_hard, intersect(map, online)))
            return rc;
    }
    if (a.flags & XEN_VCPUAFFINITY_SOFT) {
        if (int rc = hc::cpumap_from_guest(map, a.cpumap_soft)) {
            if (a.flags & XEN_VCPUAFFINITY_HARD)
                for (unsigned i = 0; i < hc::kCpumapWords; i++)
                    v.hard_affinity_excluded[i] = old_hard[i];
            return rc;
        }
        store_excluded(v.soft_affinity_excluded, map);
        hc::Cpumap effective =
            intersect(intersect(map, online), from_excluded(v.hard_affinity_excluded));
        if (int rc = hc::cpumap_to_guest(a.cpumap_soft, effective))
            return rc;
    }
    return 0;
}

} // namespace

namespace domctl {

long getvcpuinfo(Call& c) {
    xen_domctl_getvcpuinfo& info = c.op.u.getvcpuinfo;
    Vcpu* v;
    if (long rc = find_vcpu(*c.target, info.vcpu, v))
        return rc;
    info.online = !v->sched.down;
    info.blocked = v->sched.blocked;
    info.running = __atomic_load_n(&v->sched.running, __ATOMIC_RELAXED);
    info.cpu_time = running_time(*v);
    info.cpu = sched_vcpu_cpu(v);
    c.copyback = true;
    return 0;
}

long vcpuaffinity(Call& c) {
    xen_domctl_vcpuaffinity& a = c.op.u.vcpuaffinity;
    Vcpu* v;
    if (long rc = find_vcpu(*c.target, a.vcpu, v))
        return rc;
    if (affinity_args_invalid(a))
        return -XEN_EINVAL;
    if (c.op.cmd == XEN_DOMCTL_setvcpuaffinity) {
        long rc = set_affinity(*v, a);
        sched_affinity_changed(v); // whatever was stored, even if the copy-back failed
        return rc;
    }
    long rc = 0;
    if (a.flags & XEN_VCPUAFFINITY_HARD)
        rc = hc::cpumap_to_guest(a.cpumap_hard, from_excluded(v->hard_affinity_excluded));
    if (a.flags & XEN_VCPUAFFINITY_SOFT)
        rc = hc::cpumap_to_guest(a.cpumap_soft, from_excluded(v->soft_affinity_excluded));
    return rc;
}

} // namespace domctl
