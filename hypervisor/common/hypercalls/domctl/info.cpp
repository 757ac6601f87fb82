// XEN_DOMCTL_getdomaininfo: what the toolstack reads about one domain.
#include "common/domain.h"
#include "common/hypercalls/domctl/domctl.h"
#include "common/sched/sched.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/sched.h"

namespace {

using namespace xen;

// As Xen 4.17's getdomaininfo: running if an online vCPU runs, blocked if every online
// one is (neither without online vCPUs), paused by the toolstack only, dying once dead,
// and the shutdown code in the bits from XEN_DOMINF_shutdownshift up, all ones (Xen's
// SHUTDOWN_CODE_INVALID, ~0u shifted) while none is set.
uint32_t domain_flags(const Domain& d) {
    bool any_running = false, all_blocked = true, online = false;
    for (unsigned i = 0; i < d.vcpu_count; i++) {
        const Vcpu* v = d.vcpus[i];
        if (v->sched.down)
            continue;
        online = true;
        any_running |= v->sched.running;
        all_blocked &= v->sched.blocked;
    }
    uint32_t flags = 0;
    if (online && any_running)
        flags |= XEN_DOMINF_running;
    if (online && all_blocked)
        flags |= XEN_DOMINF_blocked;
    if (d.toolstack_pauses)
        flags |= XEN_DOMINF_paused;
    if (__atomic_load_n(&d.life, __ATOMIC_ACQUIRE) == DomainLife::dead)
        flags |= XEN_DOMINF_dying;
    if (d.shutting_down)
        flags |= XEN_DOMINF_shutdown;
    uint32_t code = d.shutting_down       ? d.shutdown_reason
                    : d.shutdown_code_set ? d.shutdown_code
                                          : ~0u;
    return flags | code << XEN_DOMINF_shutdownshift;
}

} // namespace

namespace domctl {

void fill_domaininfo(const Domain& d, xen_domctl_getdomaininfo& info) {
    memset(&info, 0, sizeof(info));
    info.domain = d.domid;
    info.flags = domain_flags(d);
    info.tot_pages = d.tot_pages;
    info.max_pages = d.max_pages;
    info.outstanding_pages = d.outstanding_pages;
    info.shared_info_frame = d.shared_info_mfn;
    uint64_t cpu_time = 0;
    unsigned online = 0;
    for (unsigned i = 0; i < d.vcpu_count; i++) {
        cpu_time += running_time(*d.vcpus[i]);
        online += !d.vcpus[i]->sched.down;
    }
    info.cpu_time = cpu_time;
    info.nr_online_vcpus = online;
    info.max_vcpu_id = d.vcpu_count ? d.vcpu_count - 1 : XEN_INVALID_MAX_VCPU_ID;
    info.gpaddr_bits = 52;
    info.ssidref = d.config.ssidref;
    memcpy(info.handle, d.config.handle, sizeof(info.handle));
    info.cpupool = 0; // Pool-0, the only one
}

// As Xen 4.17: the first listed domain (live or dying) whose id is at least the one
// asked for, so that a toolstack can walk the list; its id comes back in op.domain.
long getdomaininfo(Call& c) {
    if (c.op.domain >= DOMID_FIRST_RESERVED)
        return -XEN_EINVAL;
    Domain* d = domain_next(c.op.domain);
    if (!d)
        return -XEN_ESRCH;
    fill_domaininfo(*d, c.op.u.getdomaininfo);
    c.op.domain = d->domid;
    c.copyback = true;
    return 0;
}

} // namespace domctl
