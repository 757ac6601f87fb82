// The event-channel core: the hypercalls' sub-ops over the port table and states of
// common/event_channel_ports.h and the domain's port ABI (common/event_channel_abi.h:
// 2-level or FIFO), with the locking, the vCPU wake-ups and the VIRQ and poll bookkeeping
// around them. Error codes and their order follow Xen 4.17 (common/event_channel.c); the
// comments say where a behaviour is a deliberate copy of a Xen quirk.
#include "common/event_channel.h"
#include "common/event_channel_2l.h"
#include "common/event_channel_fifo_hv.h"
#include "common/pirq.h"

#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "common/domain.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/memory/heap.h"
#include "common/sched/sched.h"
#include "common/timer.h"
#include "lib/string.h"
#include "public/errno.h"

namespace evtchn {
namespace {

using Guard = hc::IrqLockGuard<lib::SpinLock>;

EvtchnDomain* peek(Domain& d) {
    return __atomic_load_n(&d.evtchn, __ATOMIC_ACQUIRE);
}

// Table buckets come from the hypervisor's heap.
void* heap_zalloc(size_t size) {
    return xzalloc(size, 64);
}
constexpr Alloc kHeap{heap_zalloc, xfree};

int get_free_port(EvtchnDomain& e) {
    return evtchn::get_free_port(e, kHeap);
}

Vcpu* domain_vcpu(Domain& d, uint32_t id) {
    return id < d.vcpu_count ? d.vcpus[id] : nullptr;
}

// Xen's XSM_TARGET default: the domain itself, or the control domain.
bool may_target(const Domain& self, const Domain& target) {
    return &self == &target || self.privileged;
}

Target target(Vcpu* v) {
    return v ? Target{uint16_t(v->id), v->vcpu_info} : Target{0, nullptr};
}

// A port returns to the pool: no pending event survives, notifications go back to vCPU 0.
void free_port(EvtchnDomain& e, Port& p, uint32_t port) {
    e.abi->clear_pending(e, p, port);
    make_free(p);
}

// Both domains' locks, the lower address first; one lock when they are the same.
class PairGuard {
  public:
    PairGuard(EvtchnDomain& a, EvtchnDomain& b) : a_(&a < &b ? a : b), b_(&a < &b ? b : a) {
        flags_ = arch::irq_save();
        a_.lock.lock();
        if (&a_ != &b_)
            b_.lock.lock();
    }
    ~PairGuard() {
        if (&a_ != &b_)
            b_.lock.unlock();
        a_.lock.unlock();
        arch::irq_restore(flags_);
    }

  private:
    EvtchnDomain& a_;
    EvtchnDomain& b_;
    uint64_t flags_;
};

void check_pollers(Domain& d, uint32_t port) {
    for (unsigned i = 0; i < d.vcpu_count; i++) {
        Vcpu* v = d.vcpus[i];
        if (v && __atomic_load_n(&v->polling, __ATOMIC_ACQUIRE) &&
            (v->poll_port == 0 || v->poll_port == port))
            poll_wake(*v);
    }
}

// Closes one port of d. `e` is d's table, locked by the caller unless interdomain, which
// needs both ends' locks: then the caller holds none and this takes them.
long close_locked(Domain& d, EvtchnDomain& e, uint32_t port) {
    Port* p = lookup(e, port);
    if (!p)
        return -xen::XEN_EINVAL;
    switch (p->state) {
    case State::free:
    case State::reserved:
        return -xen::XEN_EINVAL;
    case State::unbound:
    case State::ipi:
        break;
    case State::pirq:
        pirq::unbind(p->u.pirq, port);
        break;
    case State::virq: {
        Vcpu* v = d.vcpus[virq_is_global(p->u.virq) ? 0 : p->notify_vcpu];
        __atomic_store_n(&v->virq_to_port[p->u.virq], 0, __ATOMIC_RELEASE);
        break;
    }
    case State::interdomain: {
        Domain& rd = *p->u.inter.dom;
        EvtchnDomain& re = *peek(rd);
        make_unbound(port_ref(re, p->u.inter.port), d.domid);
        break;
    }
    }
    free_port(e, *p, port);
    return 0;
}

} // namespace

EvtchnDomain* of(Domain& d) {
    if (EvtchnDomain* e = peek(d))
        return e;
    EvtchnDomain* e = table_create(kHeap, d.shared_info);
    if (!e)
        return nullptr;
    e->max_port =
        d.config.max_evtchn_port < kMaxDomainPort ? d.config.max_evtchn_port : kMaxDomainPort;
    EvtchnDomain* expected = nullptr;
    if (!__atomic_compare_exchange_n(&d.evtchn, &expected, e, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        table_free(e, kHeap);
        return expected;
    }
    return e;
}

bool events_need_delivery(const Vcpu& v) {
    const volatile xen::vcpu_info* info = v.vcpu_info;
    return info->evtchn_upcall_pending && !info->evtchn_upcall_mask;
}

void kick(Vcpu& v) {
    if (__atomic_load_n(&v.polling, __ATOMIC_ACQUIRE)) {
        poll_wake(v);
        return;
    }
    vcpu_wake(&v);
    // Running elsewhere: interrupt that CPU so it delivers the upcall on its way back.
    if (v.sched.running && v.processor != arch::this_cpu_id())
        arch::smp_kick(v.processor);
}

void poll_wake(Vcpu& v) {
    if (!__atomic_exchange_n(&v.polling, false, __ATOMIC_ACQ_REL))
        return;
    v.poll_port = 0;
    vcpu_wake(&v);
    if (v.sched.running && v.processor != arch::this_cpu_id())
        arch::smp_kick(v.processor);
}

void mark_events_pending(Vcpu& v) {
    if (set_upcall_pending(*v.vcpu_info))
        kick(v);
}

void set_pending(Vcpu& v, uint32_t port) {
    Domain& d = *v.domain;
    EvtchnDomain& e = *peek(d);
    Port& p = port_ref(e, port);
    if (!usable(p))
        return;
    Raise r = e.abi->set_pending(e, target(&v), p, port);
    if (r.upcall)
        mark_events_pending(v);
    if (r.newly_pending)
        check_pollers(d, port);
}

void send_vcpu_virq(Vcpu& v, unsigned virq) {
    EvtchnDomain* e = peek(*v.domain);
    if (!e || virq >= xen::NR_VIRQS)
        return;
    Guard g(e->lock);
    uint32_t port = __atomic_load_n(&v.virq_to_port[virq], __ATOMIC_ACQUIRE);
    if (port)
        set_pending(v, port);
}

void send_global_virq(Domain& d, unsigned virq) {
    EvtchnDomain* e = peek(d);
    if (!e || virq >= xen::NR_VIRQS || !d.vcpus[0])
        return;
    Guard g(e->lock);
    uint32_t port = __atomic_load_n(&d.vcpus[0]->virq_to_port[virq], __ATOMIC_ACQUIRE);
    if (!port)
        return;
    Port& p = port_ref(*e, port);
    if (Vcpu* v = domain_vcpu(d, p.notify_vcpu))
        set_pending(*v, port);
}

void send_pirq(Domain& d, uint32_t port) {
    EvtchnDomain* e = peek(d);
    if (!e)
        return;
    Guard g(e->lock);
    Port* p = lookup(*e, port);
    if (!p || p->state != State::pirq)
        return;
    if (Vcpu* v = domain_vcpu(d, p->notify_vcpu))
        set_pending(*v, port);
}

int port_poll(Domain& d, uint32_t port) {
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    Guard g(e->lock);
    Port* p = lookup(*e, port);
    if (!p)
        return -xen::XEN_EINVAL;
    return usable(*p) && e->abi->is_pending(*e, port) ? 1 : 0;
}

long alloc_unbound(xen::evtchn_alloc_unbound& a) {
    Domain& self = *current_vcpu()->domain;
    Domain* d = hc::domain_by_any_id(a.dom, self);
    if (!d)
        return -xen::XEN_ESRCH;
    EvtchnDomain* e = of(*d);
    if (!e)
        return -xen::XEN_ENOMEM;
    Guard g(e->lock);
    int port = get_free_port(*e);
    if (port < 0)
        return port;
    if (!may_target(self, *d))
        return -xen::XEN_EPERM; // the port stays free
    // DOMID_SELF names the caller, which is not necessarily the port's domain.
    make_unbound(port_ref(*e, port), a.remote_dom == xen::DOMID_SELF ? self.domid : a.remote_dom);
    a.port = static_cast<uint32_t>(port);
    return 0;
}

long bind_interdomain(xen::evtchn_bind_interdomain& b) {
    Domain& ld = *current_vcpu()->domain;
    Domain* rd = hc::domain_by_any_id(b.remote_dom, ld);
    if (!rd)
        return -xen::XEN_ESRCH;
    EvtchnDomain* le = of(ld);
    EvtchnDomain* re = of(*rd);
    if (!le || !re)
        return -xen::XEN_ENOMEM;
    uint32_t lport;
    {
        PairGuard g(*le, *re);
        int rc = get_free_port(*le);
        if (rc < 0)
            return rc;
        lport = static_cast<uint32_t>(rc);
        Port* rp = lookup(*re, b.remote_port);
        if (!rp || rp->state != State::unbound || rp->u.unbound_remote != ld.domid)
            return -xen::XEN_EINVAL;
        Port& lp = port_ref(*le, lport);
        make_interdomain(lp, rd, rd->domid, b.remote_port);
        make_interdomain(*rp, &ld, ld.domid, lport);
        // Whatever was sent on the unbound remote end is lost: Xen raises the new local
        // port once so that the binder looks.
        if (Vcpu* v = domain_vcpu(ld, lp.notify_vcpu))
            set_pending(*v, lport);
    }
    b.local_port = lport;
    return 0;
}

long bind_virq(xen::evtchn_bind_virq& b) {
    Domain& d = *current_vcpu()->domain;
    // Both are ints in Xen: a "negative" virq is out of range, any vCPU id but 0 is
    // refused for a global VIRQ.
    if (b.virq >= xen::NR_VIRQS)
        return -xen::XEN_EINVAL;
    if (virq_is_global(b.virq) && b.vcpu != 0)
        return -xen::XEN_EINVAL;
    Vcpu* v = domain_vcpu(d, b.vcpu);
    if (!v)
        return -xen::XEN_ENOENT;
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    Guard g(e->lock);
    if (__atomic_load_n(&v->virq_to_port[b.virq], __ATOMIC_ACQUIRE))
        return -xen::XEN_EEXIST;
    int port = get_free_port(*e);
    if (port < 0)
        return port;
    make_virq(port_ref(*e, port), b.virq, static_cast<uint16_t>(b.vcpu));
    b.port = static_cast<uint32_t>(port);
    __atomic_store_n(&v->virq_to_port[b.virq], b.port, __ATOMIC_RELEASE);
    return 0;
}

long bind_ipi(xen::evtchn_bind_ipi& b) {
    Domain& d = *current_vcpu()->domain;
    if (!domain_vcpu(d, b.vcpu))
        return -xen::XEN_ENOENT;
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    Guard g(e->lock);
    int port = get_free_port(*e);
    if (port < 0)
        return port;
    make_ipi(port_ref(*e, port), static_cast<uint16_t>(b.vcpu));
    b.port = static_cast<uint32_t>(port);
    return 0;
}

long bind_pirq(xen::evtchn_bind_pirq& b) {
    Domain& d = *current_vcpu()->domain;
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    Guard g(e->lock);
    if (pirq::bound_port(b.pirq))
        return -xen::XEN_EEXIST;
    int port = get_free_port(*e);
    if (port < 0)
        return port;
    if (long rc = pirq::bind(d, b.pirq, static_cast<uint32_t>(port)))
        return rc;
    Port& p = port_ref(*e, port);
    p.state = State::pirq;
    p.notify_vcpu = 0;
    p.u.pirq = b.pirq;
    b.port = static_cast<uint32_t>(port);
    return 0;
}

long close(Domain& d, uint32_t port) {
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    for (;;) {
        Domain* rd = nullptr;
        {
            Guard g(e->lock);
            Port* p = lookup(*e, port);
            if (!p)
                return -xen::XEN_EINVAL;
            if (p->state != State::interdomain)
                return close_locked(d, *e, port);
            rd = p->u.inter.dom;
        }
        // Interdomain: both tables locked, then check nothing changed in between.
        PairGuard g(*e, *peek(*rd));
        Port* p = lookup(*e, port);
        if (p->state == State::interdomain && p->u.inter.dom == rd)
            return close_locked(d, *e, port);
    }
}

long send(Domain& d, uint32_t port) {
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    Guard g(e->lock);
    Port* p = lookup(*e, port);
    if (!p)
        return -xen::XEN_EINVAL;
    switch (p->state) {
    case State::ipi:
        if (Vcpu* v = domain_vcpu(d, p->notify_vcpu))
            set_pending(*v, port);
        return 0;
    case State::unbound:
        return 0; // nobody listens yet: dropped, as in Xen
    case State::interdomain:
        break;
    default:
        return -xen::XEN_EINVAL;
    }
    // The peer's lock too, in PairGuard's order: at once when it comes after ours (or is
    // ours); otherwise ours is dropped and both are taken again, and the channel may have
    // closed meanwhile. While our lock is held the channel stays open, so the peer lives.
    Domain* rd = p->u.inter.dom;
    EvtchnDomain* re = peek(*rd);
    if (re < e) {
        e->lock.unlock();
        re->lock.lock();
        e->lock.lock();
        p = lookup(*e, port);
    } else if (re != e) {
        re->lock.lock();
    }
    if (p && p->state == State::interdomain && p->u.inter.dom == rd) {
        Port& rp = port_ref(*re, p->u.inter.port);
        if (Vcpu* v = domain_vcpu(*rd, rp.notify_vcpu))
            set_pending(*v, p->u.inter.port);
    }
    if (re != e)
        re->lock.unlock();
    return 0; // e's lock goes with g
}

namespace {

// The ops that act on one port of d under its table's lock: -ENOMEM before the table
// exists, -EINVAL for a port that is not there, else what fn(port) answers.
template <typename Fn> long with_port(Domain& d, uint32_t port, Fn fn) {
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    Guard g(e->lock);
    Port* p = lookup(*e, port);
    if (!p)
        return -xen::XEN_EINVAL;
    return fn(*e, *p);
}

} // namespace

long status(xen::evtchn_status& s) {
    Domain& self = *current_vcpu()->domain;
    // A dying domain's ports are still there to look at, closed (as on Xen).
    Domain* d = s.dom == xen::DOMID_SELF ? &self : domain_lookup_any(s.dom);
    if (!d)
        return -xen::XEN_ESRCH;
    return with_port(*d, s.port, [&](EvtchnDomain&, Port& p) {
        if (!may_target(self, *d))
            return -xen::XEN_EPERM;
        fill_status(p, s);
        return 0;
    });
}

long bind_vcpu(uint32_t port, uint32_t vcpu) {
    Domain& d = *current_vcpu()->domain;
    Vcpu* v = domain_vcpu(d, vcpu);
    if (!v)
        return -xen::XEN_ENOENT;
    return with_port(d, port, [&](EvtchnDomain&, Port& p) {
        return long(rebind(p, static_cast<uint16_t>(vcpu)));
    });
}

long unmask(uint32_t port) {
    Domain& d = *current_vcpu()->domain;
    return with_port(d, port, [&](EvtchnDomain& e, Port& p) {
        // A port not in use is left alone, its mask bit too (as Xen).
        if (!usable(p))
            return 0L;
        Vcpu* v = domain_vcpu(d, p.notify_vcpu);
        if (e.abi->unmask(e, target(v), p, port))
            mark_events_pending(*v);
        return 0L;
    });
}

long set_priority(uint32_t port, uint32_t priority) {
    Domain& d = *current_vcpu()->domain;
    return with_port(d, port, [&](EvtchnDomain& e, Port& p) -> long {
        if (!e.abi->set_priority)
            return -xen::XEN_ENOSYS;
        if (!usable(p))
            return -xen::XEN_EACCES;
        return e.abi->set_priority(p, priority);
    });
}

long reset(Domain& d, bool resuming) {
    Domain& self = *current_vcpu()->domain;
    // Another domain's ports may only be reset while the toolstack has it paused.
    if (&d != &self && !__atomic_load_n(&d.toolstack_pauses, __ATOMIC_ACQUIRE))
        return -xen::XEN_EINVAL;
    if (resuming)
        return -xen::XEN_EBUSY; // xenon's reset is never preempted: none to resume
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    for (uint32_t port = 1; port < __atomic_load_n(&e->valid, __ATOMIC_ACQUIRE); port++)
        close(d, port); // free and reserved ports answer -EINVAL: nothing to do
    // Back to the 2-level ABI (the ports beyond its reach stay in the table, closed).
    fifo_destroy(*e);
    return 0;
}

void domain_destroy(Domain& d) {
    EvtchnDomain* e = peek(d);
    if (!e)
        return;
    for (uint32_t port = 1; port < __atomic_load_n(&e->valid, __ATOMIC_ACQUIRE); port++)
        close(d, port);
    // The guest frames of the FIFO ABI go back; its ports stay closed under 2-level.
    fifo_destroy(*e);
}

void domain_free(Domain& d) {
    if (EvtchnDomain* e = peek(d)) {
        fifo_destroy(*e);
        table_free(e, kHeap);
    }
    d.evtchn = nullptr;
}

} // namespace evtchn
