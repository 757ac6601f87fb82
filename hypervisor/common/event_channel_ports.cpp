// The port table and state moves of common/event_channel_ports.h. Error codes follow Xen
// 4.17 (common/event_channel.c).
#include "common/event_channel_ports.h"

#include "common/event_channel_2l.h"
#include "lib/string.h"
#include "public/errno.h"

namespace evtchn {

EvtchnDomain* table_create(const Alloc& alloc, xen::shared_info* shared) {
    auto* e = static_cast<EvtchnDomain*>(alloc.zalloc(sizeof(EvtchnDomain)));
    if (!e)
        return nullptr;
    e->limit = kMax2lPorts;
    e->max_port = kMaxDomainPort;
    e->abi = &kAbi2l;
    e->shared = shared;
    if (allocate_port(*e, 0, alloc) != 0) {
        alloc.free(e);
        return nullptr;
    }
    port_ref(*e, 0).state = State::reserved;
    return e;
}

void table_free(EvtchnDomain* e, const Alloc& alloc) {
    for (uint32_t b = 0; b < e->valid / kBucketPorts; b++)
        alloc.free(e->buckets[b]);
    alloc.free(e);
}

int allocate_port(EvtchnDomain& e, uint32_t port, const Alloc& alloc) {
    if (port >= e.limit || port > e.max_port)
        return -xen::XEN_ENOSPC;
    if (port_valid(e, port)) {
        Port& p = port_ref(e, port);
        if (p.state != State::free || e.abi->is_busy(e, port))
            return -xen::XEN_EBUSY;
        p.priority = xen::EVTCHN_FIFO_PRIORITY_DEFAULT;
        p.fifo_pending = false;
        return 0;
    }
    while (e.valid <= port) {
        auto* bucket = static_cast<Port*>(alloc.zalloc(sizeof(Port) * kBucketPorts));
        if (!bucket)
            return -xen::XEN_ENOMEM;
        e.buckets[e.valid / kBucketPorts] = bucket;
        for (uint32_t i = 0; i < kBucketPorts; i++)
            bucket[i].priority = xen::EVTCHN_FIFO_PRIORITY_DEFAULT;
        __atomic_store_n(&e.valid, e.valid + kBucketPorts, __ATOMIC_RELEASE);
    }
    return 0;
}

int get_free_port(EvtchnDomain& e, const Alloc& alloc) {
    for (uint32_t port = 0; port < e.limit && port <= e.max_port; port++) {
        int rc = allocate_port(e, port, alloc);
        if (rc == 0)
            return static_cast<int>(port);
        if (rc != -xen::XEN_EBUSY)
            return rc;
    }
    return -xen::XEN_ENOSPC;
}

bool virq_is_global(unsigned virq) {
    switch (virq) {
    case xen::VIRQ_TIMER:
    case xen::VIRQ_DEBUG:
    case xen::VIRQ_XENOPROF:
    case xen::VIRQ_XENPMU:
        return false;
    default:
        return true; // including x86's VIRQ_ARCH_*
    }
}

void make_free(Port& p) {
    p.state = State::free;
    p.notify_vcpu = 0;
    memset(&p.u, 0, sizeof(p.u));
}

long rebind(Port& p, uint16_t vcpu) {
    switch (p.state) {
    case State::virq:
        if (!virq_is_global(p.u.virq))
            return -xen::XEN_EINVAL;
        p.notify_vcpu = vcpu;
        return 0;
    case State::unbound:
    case State::interdomain:
    case State::pirq:
        p.notify_vcpu = vcpu;
        return 0;
    default:
        return -xen::XEN_EINVAL;
    }
}

void fill_status(const Port& p, xen::evtchn_status& s) {
    switch (p.state) {
    case State::free:
    case State::reserved:
        s.status = xen::EVTCHNSTAT_closed;
        break;
    case State::unbound:
        s.status = xen::EVTCHNSTAT_unbound;
        s.u.unbound.dom = p.u.unbound_remote;
        break;
    case State::interdomain:
        s.status = xen::EVTCHNSTAT_interdomain;
        s.u.interdomain.dom = p.u.inter.domid;
        s.u.interdomain.port = p.u.inter.port;
        break;
    case State::pirq:
        s.status = xen::EVTCHNSTAT_pirq;
        s.u.pirq = p.u.pirq;
        break;
    case State::virq:
        s.status = xen::EVTCHNSTAT_virq;
        s.u.virq = p.u.virq;
        break;
    case State::ipi:
        s.status = xen::EVTCHNSTAT_ipi;
        break;
    }
    s.vcpu = p.notify_vcpu;
}

} // namespace evtchn
