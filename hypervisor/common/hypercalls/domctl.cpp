// HYPERVISOR_domctl: what a toolstack in the initial domain asks about and does to other
// domains, at Xen 4.17's interface version.
#include "public/domctl.h"
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercall.h"
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

void fill_info(const Domain& d, xen_domctl_getdomaininfo& info) {
    memset(&info, 0, sizeof(info));
    info.domain = d.domid;
    info.flags = domain_flags(d);
    info.tot_pages = d.tot_pages;
    info.max_pages = d.max_pages;
    info.shared_info_frame = d.shared_info_mfn;
    uint64_t cpu_time = 0;
    unsigned online = 0;
    for (unsigned i = 0; i < d.vcpu_count; i++) {
        cpu_time += d.vcpus[i]->runstate.time[RUNSTATE_running];
        online += !d.vcpus[i]->sched.down;
    }
    info.cpu_time = cpu_time;
    info.nr_online_vcpus = online;
    info.max_vcpu_id = d.vcpu_count ? d.vcpu_count - 1 : XEN_INVALID_MAX_VCPU_ID;
    info.gpaddr_bits = 52;
}

} // namespace

long do_domctl(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t) {
    Vcpu* self = current_vcpu();
    if (!self->domain->privileged)
        return -XEN_EPERM;
    xen_domctl op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (op.domain >= DOMID_FIRST_RESERVED)
        return -XEN_EINVAL;

    switch (op.cmd) {
    case XEN_DOMCTL_getdomaininfo: {
        Domain* d = domain_lookup_any(op.domain); // a dying domain is listed too
        if (!d)
            return -XEN_ESRCH;
        fill_info(*d, op.u.getdomaininfo);
        return arch::copy_to_guest(arg, &op, sizeof(op)) ? -XEN_EFAULT : 0;
    }
    case XEN_DOMCTL_destroydomain: {
        // A dying or dead domain may be destroyed again: 0 once it is dead, as on Xen.
        Domain* d = domain_lookup_any(op.domain);
        if (!d)
            return -XEN_ESRCH;
        if (d == self->domain)
            return -XEN_EINVAL;
        domain_kill(*d);
        return 0;
    }
    case XEN_DOMCTL_pausedomain:
    case XEN_DOMCTL_unpausedomain: {
        Domain* d = domain_lookup(op.domain);
        if (!d)
            return -XEN_ESRCH;
        if (d == self->domain)
            return -XEN_EINVAL; // a domain cannot pause itself this way
        if (op.cmd == XEN_DOMCTL_pausedomain) {
            for (unsigned i = 0; i < d->vcpu_count; i++)
                vcpu_pause(d->vcpus[i]);
            d->toolstack_pauses++;
        } else {
            if (!d->toolstack_pauses)
                return -XEN_EINVAL; // not paused
            d->toolstack_pauses--;
            for (unsigned i = 0; i < d->vcpu_count; i++)
                vcpu_unpause(d->vcpus[i]);
        }
        return 0;
    }
    case XEN_DOMCTL_max_mem: {
        // The reservation limit, in KiB; a domain (dom0 too) may be set below what it
        // holds, and then gets no new pages until it is under it again.
        Domain* d = domain_lookup(op.domain);
        if (!d)
            return -XEN_ESRCH;
        uint64_t pages = op.u.max_mem.max_memkb >> 2; // 4 KiB pages
        lib::LockGuard guard(d->page_lock);
        d->max_pages = pages < UINT32_MAX ? pages : UINT32_MAX; // Xen's is 32-bit
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}
