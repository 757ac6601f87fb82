// XEN_DOMCTL_scheduler_op: a domain's parameters in the scheduler of its pool, credit2
// (common/sched/credit2.cpp weighs and caps by them).
#include "common/sched/sched.h"
#include "common/domain.h"
#include "common/hypercalls/cpumap.h"
#include "common/hypercalls/domctl/domctl.h"
#include "public/errno.h"

namespace domctl {

using namespace xen;

long scheduler_op(Call& c) {
    xen_domctl_scheduler_op& s = c.op.u.scheduler_op;
    Domain& d = *c.target;
    c.copyback = true; // written back whatever the answer, as on Xen
    if (s.sched_id != kSchedulerId)
        return -XEN_EINVAL;
    switch (s.cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        sched_get_params(d, &s.u.credit2.weight, &s.u.credit2.cap);
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo: {
        // credit2's order: a weight of 0 keeps the old one; the weight is taken before
        // the cap is checked (at most 100% per vCPU), and a cap of 0 removes it.
        uint16_t weight, cap;
        sched_get_params(d, &weight, &cap);
        if (s.u.credit2.weight)
            weight = s.u.credit2.weight;
        if (s.u.credit2.cap > 100 * d.vcpu_count) {
            sched_set_params(d, weight, cap);
            return -XEN_EINVAL;
        }
        sched_set_params(d, weight, s.u.credit2.cap);
        return 0;
    }
    default:
        return -XEN_EINVAL; // credit2 has no per-vCPU parameters
    }
}

// Xen's node affinity with one node online (node 0) of MAX_NUMNODES (64): a mask
// without node 0 is -EINVAL; every node means automatic again.
constexpr unsigned kMaxNumaNodes = 64;

long nodeaffinity(Call& c) {
    Domain& d = *c.target;
    const xenctl_bitmap& g = c.op.u.nodeaffinity.nodemap;
    uint64_t nodes = 0;
    if (c.op.cmd == XEN_DOMCTL_getnodeaffinity) {
        nodes = d.node_affinity ? d.node_affinity : 1;
        return hc::bitmap_to_guest(g, &nodes, kMaxNumaNodes);
    }
    if (int rc = hc::bitmap_from_guest(&nodes, kMaxNumaNodes, g))
        return rc;
    if (!(nodes & 1))
        return -XEN_EINVAL;
    d.node_affinity = nodes == ~uint64_t(0) ? 0 : nodes;
    return 0;
}

} // namespace domctl
