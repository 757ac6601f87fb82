// The port table, state moves and 2-level bitmaps of common/event_channel_ports.h. Error
// codes follow Xen 4.17 (common/event_channel.c, event_2l.c).
#include "common/event_channel_ports.h"

#include "lib/string.h"
#include "public/errno.h"

namespace evtchn {
namespace {

volatile uint64_t* word_ptr(volatile uint64_t* base, uint32_t port) {
    return base + port / 64;
}

bool test_and_set(volatile uint64_t* word, unsigned bit) {
    return __atomic_fetch_or(word, uint64_t(1) << bit, __ATOMIC_SEQ_CST) & (uint64_t(1) << bit);
}
bool test_and_clear(volatile uint64_t* word, unsigned bit) {
    return __atomic_fetch_and(word, ~(uint64_t(1) << bit), __ATOMIC_SEQ_CST) & (uint64_t(1) << bit);
}
bool test(const volatile uint64_t* word, unsigned bit) {
    return __atomic_load_n(word, __ATOMIC_SEQ_CST) & (uint64_t(1) << bit);
}

} // namespace

EvtchnDomain* table_create(const Alloc& alloc) {
    auto* e = static_cast<EvtchnDomain*>(alloc.zalloc(sizeof(EvtchnDomain)));
    if (!e)
        return nullptr;
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
    if (port >= kMaxPorts)
        return -xen::XEN_ENOSPC;
    if (port_valid(e, port))
        return port_ref(e, port).state == State::free ? 0 : -xen::XEN_EBUSY;
    while (e.valid <= port) {
        auto* bucket = static_cast<Port*>(alloc.zalloc(sizeof(Port) * kBucketPorts));
        if (!bucket)
            return -xen::XEN_ENOMEM;
        e.buckets[e.valid / kBucketPorts] = bucket;
        __atomic_store_n(&e.valid, e.valid + kBucketPorts, __ATOMIC_RELEASE);
    }
    return 0;
}

int get_free_port(EvtchnDomain& e, const Alloc& alloc) {
    for (uint32_t port = 0; port < kMaxPorts; port++) {
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

bool set_pending_bits(xen::shared_info& s, xen::vcpu_info& vi, uint32_t port, bool* upcall) {
    const unsigned bit = port % 64, word = port / 64;
    *upcall = false;
    if (test_and_set(word_ptr(s.evtchn_pending, port), bit))
        return false;
    *upcall =
        !test(word_ptr(s.evtchn_mask, port), bit) && !test_and_set(&vi.evtchn_pending_sel, word);
    return true;
}

bool unmask_bits(xen::shared_info& s, xen::vcpu_info* vi, uint32_t port) {
    const unsigned bit = port % 64, word = port / 64;
    return test_and_clear(word_ptr(s.evtchn_mask, port), bit) &&
           test(word_ptr(s.evtchn_pending, port), bit) && vi &&
           !test_and_set(&vi->evtchn_pending_sel, word);
}

void clear_pending(xen::shared_info& s, uint32_t port) {
    test_and_clear(word_ptr(s.evtchn_pending, port), port % 64);
}

bool is_pending(const xen::shared_info& s, uint32_t port) {
    return test(&s.evtchn_pending[port / 64], port % 64);
}

bool set_upcall_pending(xen::vcpu_info& vi) {
    return !__atomic_exchange_n(&vi.evtchn_upcall_pending, uint8_t(1), __ATOMIC_SEQ_CST);
}

} // namespace evtchn
