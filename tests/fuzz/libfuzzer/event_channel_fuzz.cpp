// libFuzzer target: common/event_channel_ports.h (the 2-level port table, port states and
// bitmaps), driven the way common/event_channel_hv.cpp drives it, over three fake domains
// with one to three vCPUs each. The input is a program of guest actions: alloc_unbound
// (for any domain id), bind_interdomain (to itself too), bind_virq, bind_ipi, bind_vcpu,
// send, close, unmask, status, reset, the guest writing mask bits and acknowledging
// pending ones, and destroying a domain and starting a fresh one in its place. Ports and
// ids are small or arbitrary. Tables grow through an allocator that fails now and then.
// After every step:
//   - every port is in exactly one coherent state: an interdomain port's peer is an
//     interdomain port pointing back; a VIRQ port is the one its vCPU's VIRQ slot names
//     (and every slot names such a port); notifications go to a vCPU the domain has;
//   - pending bits exist only for bound ports (free, reserved and nonexistent ports have
//     none: closing drops the event).
// At the end every domain is destroyed: no port of a live domain refers to it, and every
// table and bucket allocated is freed.
// EVTCHN_FUZZ_TRACE=1 in the environment prints the steps (replaying a crash-* input).
// FUZZ_REQUIRES: hypervisor/common/event_channel_ports.h
#include <fuzzer/FuzzedDataProvider.h>
#include <stddef.h>
#include <stdint.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common/event_channel_ports.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

using namespace evtchn;
using namespace xen;

constexpr unsigned kDoms = 3;

long allocations = 0;
unsigned fail_every = 0; // 0: never; else every n-th allocation fails
unsigned alloc_calls = 0;
void* fuzz_zalloc(size_t size) {
    if (fail_every && ++alloc_calls % fail_every == 0)
        return nullptr;
    allocations++;
    return calloc(1, size);
}
void fuzz_free(void* p) {
    allocations--;
    free(p);
}
constexpr Alloc kAlloc{fuzz_zalloc, fuzz_free};

struct FakeDomain {
    bool live;
    uint16_t domid;
    unsigned vcpus;
    EvtchnDomain* e;
    std::unique_ptr<shared_info> shared;
    uint32_t virq_to_port[3][NR_VIRQS];
};
FakeDomain doms[kDoms];
uint16_t next_domid;

[[noreturn]] void fail(const char* what, unsigned a, unsigned b) {
    fprintf(stderr, "event_channel_fuzz: %s (%u, %u)\n", what, a, b);
    abort();
}

Domain* as_domain(FakeDomain& d) {
    return reinterpret_cast<Domain*>(&d);
}
FakeDomain& of_domain(Domain* d) {
    return *reinterpret_cast<FakeDomain*>(d);
}

FakeDomain* by_id(uint16_t id, FakeDomain& self) {
    if (id == DOMID_SELF)
        return &self;
    for (auto& d : doms)
        if (d.live && d.domid == id)
            return &d;
    return nullptr;
}

// set_pending, as event_channel_hv.cpp does it (the kick is the wake-up, not modelled).
void raise(FakeDomain& d, uint16_t vcpu, uint32_t port) {
    if (vcpu >= d.vcpus)
        return;
    bool upcall;
    if (set_pending_bits(*d.shared, d.shared->vcpu_info[vcpu], port, &upcall) && upcall)
        set_upcall_pending(d.shared->vcpu_info[vcpu]);
}

int free_port(FakeDomain& d) {
    if (!d.e && !(d.e = table_create(kAlloc)))
        return -XEN_ENOMEM;
    return get_free_port(*d.e, kAlloc);
}

long close(FakeDomain& d, uint32_t port) {
    Port* p = d.e ? lookup(*d.e, port) : nullptr;
    if (!p)
        return -XEN_EINVAL;
    switch (p->state) {
    case State::free:
    case State::reserved:
        return -XEN_EINVAL;
    case State::virq: {
        unsigned v = virq_is_global(p->u.virq) ? 0 : p->notify_vcpu;
        d.virq_to_port[v][p->u.virq] = 0;
        break;
    }
    case State::interdomain: {
        FakeDomain& r = of_domain(p->u.inter.dom);
        make_unbound(port_ref(*r.e, p->u.inter.port), d.domid);
        break;
    }
    default:
        break;
    }
    clear_pending(*d.shared, port);
    make_free(*p);
    return 0;
}

void destroy(FakeDomain& d) {
    if (d.e) {
        for (uint32_t port = 1; port < d.e->valid; port++)
            close(d, port);
        table_free(d.e, kAlloc);
    }
    d.e = nullptr;
    d.live = false;
}

void start(FakeDomain& d, unsigned vcpus) {
    d.live = true;
    d.domid = next_domid++;
    d.vcpus = vcpus;
    d.e = nullptr;
    d.shared = std::make_unique<shared_info>();
    for (auto& v : d.virq_to_port)
        for (auto& p : v)
            p = 0;
}

void check(FakeDomain& d) {
    const uint32_t valid = d.e ? d.e->valid : 0;
    for (uint32_t w = valid / 64; w < EVTCHN_2L_WORDS; w++)
        if (d.shared->evtchn_pending[w])
            fail("a port that does not exist is pending", d.domid, w * 64);
    for (uint32_t port = 0; port < valid; port++) {
        const bool pending = is_pending(*d.shared, port);
        Port& p = port_ref(*d.e, port);
        if (port == 0 && p.state != State::reserved)
            fail("port 0 is not reserved", d.domid, p.state == State::free);
        if ((p.state == State::free || p.state == State::reserved) && pending)
            fail("a closed port is pending", d.domid, port);
        if (p.notify_vcpu >= d.vcpus)
            fail("notifications go to a vCPU the domain does not have", d.domid, port);
        switch (p.state) {
        case State::interdomain: {
            FakeDomain& r = of_domain(p.u.inter.dom);
            if (!r.live || r.domid != p.u.inter.domid || !r.e || !port_valid(*r.e, p.u.inter.port))
                fail("an interdomain port names a dead or wrong peer", d.domid, port);
            Port& rp = port_ref(*r.e, p.u.inter.port);
            if (rp.state != State::interdomain || rp.u.inter.dom != as_domain(d) ||
                rp.u.inter.port != port || rp.u.inter.domid != d.domid)
                fail("an interdomain port's peer does not point back", d.domid, port);
            break;
        }
        case State::virq: {
            unsigned v = virq_is_global(p.u.virq) ? 0 : p.notify_vcpu;
            if (p.u.virq >= NR_VIRQS || d.virq_to_port[v][p.u.virq] != port)
                fail("a VIRQ port its vCPU's slot does not name", d.domid, port);
            break;
        }
        case State::free:
        case State::reserved:
        case State::unbound:
        case State::ipi:
            break;
        case State::pirq:
        default:
            fail("a port in an impossible state", d.domid, unsigned(p.state));
        }
    }
    for (unsigned v = 0; v < d.vcpus; v++)
        for (unsigned virq = 0; virq < NR_VIRQS; virq++) {
            uint32_t port = d.virq_to_port[v][virq];
            if (!port)
                continue;
            Port* p = d.e ? lookup(*d.e, port) : nullptr;
            if (!p || p->state != State::virq || p->u.virq != virq)
                fail("a VIRQ slot names a port that is not that VIRQ", d.domid, port);
        }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    static const bool trace = getenv("EVTCHN_FUZZ_TRACE") != nullptr;
    next_domid = 0;
    alloc_calls = 0;
    fail_every = in.ConsumeBool() ? in.ConsumeIntegralInRange<unsigned>(2, 40) : 0;
    for (auto& d : doms)
        start(d, in.ConsumeIntegralInRange<unsigned>(1, 3));

    auto port = [&] {
        return in.ConsumeBool() ? in.ConsumeIntegralInRange<uint32_t>(0, 140)
                                : in.ConsumeIntegral<uint32_t>();
    };
    auto domid = [&](FakeDomain& self) -> uint16_t {
        switch (in.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
            return DOMID_SELF;
        case 1:
            return self.domid;
        case 2:
            return doms[in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1)].domid;
        default:
            return in.ConsumeIntegral<uint16_t>();
        }
    };
    for (int step = 0; step < 200 && in.remaining_bytes() > 0; step++) {
        FakeDomain& d = doms[in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1)];
        const int op = in.ConsumeIntegralInRange<int>(0, 12);
        if (trace)
            fprintf(stderr, "step %d: d%u op %d\n", step, d.domid, op);
        switch (op) {
        case 0: { // alloc_unbound for itself, for any remote id
            uint16_t remote = domid(d);
            int p = free_port(d);
            if (p >= 0)
                make_unbound(port_ref(*d.e, uint32_t(p)), remote == DOMID_SELF ? d.domid : remote);
            break;
        }
        case 1: { // bind_interdomain
            FakeDomain* r = by_id(domid(d), d);
            uint32_t rport = port();
            if (!r || free_port(*r) < 0)
                break;
            int lp = free_port(d);
            if (lp < 0)
                break;
            Port* rp = lookup(*r->e, rport);
            if (!rp || rp->state != State::unbound || rp->u.unbound_remote != d.domid)
                break;
            Port& l = port_ref(*d.e, uint32_t(lp));
            make_interdomain(l, as_domain(*r), r->domid, rport);
            make_interdomain(*rp, as_domain(d), d.domid, uint32_t(lp));
            raise(d, l.notify_vcpu, uint32_t(lp));
            break;
        }
        case 2: { // bind_virq
            unsigned virq = in.ConsumeIntegralInRange<unsigned>(0, NR_VIRQS);
            unsigned v = in.ConsumeIntegralInRange<unsigned>(0, 3);
            if (virq >= NR_VIRQS || (virq_is_global(virq) && v != 0) || v >= d.vcpus ||
                d.virq_to_port[v][virq])
                break;
            int p = free_port(d);
            if (p < 0)
                break;
            make_virq(port_ref(*d.e, uint32_t(p)), virq, uint16_t(v));
            d.virq_to_port[v][virq] = uint32_t(p);
            break;
        }
        case 3: { // bind_ipi
            unsigned v = in.ConsumeIntegralInRange<unsigned>(0, 3);
            int p = v < d.vcpus ? free_port(d) : -1;
            if (p >= 0)
                make_ipi(port_ref(*d.e, uint32_t(p)), uint16_t(v));
            break;
        }
        case 4: { // bind_vcpu
            unsigned v = in.ConsumeIntegralInRange<unsigned>(0, 3);
            Port* p = d.e ? lookup(*d.e, port()) : nullptr;
            if (p && v < d.vcpus)
                rebind(*p, uint16_t(v));
            break;
        }
        case 5: { // send
            uint32_t n = port();
            Port* p = d.e ? lookup(*d.e, n) : nullptr;
            if (!p)
                break;
            if (p->state == State::ipi)
                raise(d, p->notify_vcpu, n);
            if (p->state == State::interdomain) {
                FakeDomain& r = of_domain(p->u.inter.dom);
                raise(r, port_ref(*r.e, p->u.inter.port).notify_vcpu, p->u.inter.port);
            }
            break;
        }
        case 6: // close
            close(d, port());
            break;
        case 7: { // unmask
            uint32_t n = port();
            Port* p = d.e ? lookup(*d.e, n) : nullptr;
            if (!p)
                break;
            vcpu_info* v =
                p->notify_vcpu < d.vcpus ? &d.shared->vcpu_info[p->notify_vcpu] : nullptr;
            if (unmask_bits(*d.shared, v, n))
                set_upcall_pending(*v);
            break;
        }
        case 8: { // status, of any domain
            FakeDomain* r = by_id(domid(d), d);
            uint32_t n = port();
            Port* p = r && r->e ? lookup(*r->e, n) : nullptr;
            if (p) {
                evtchn_status st{};
                fill_status(*p, st);
                if (st.status > EVTCHNSTAT_ipi || st.vcpu >= r->vcpus)
                    fail("a status out of range", r->domid, n);
            }
            break;
        }
        case 9: // reset
            if (d.e)
                for (uint32_t n = 1; n < d.e->valid; n++)
                    close(d, n);
            break;
        case 10: { // the guest masks or unmasks ports by hand
            uint32_t n = port() % kMaxPorts;
            d.shared->evtchn_mask[n / 64] ^= 1ull << (n % 64);
            break;
        }
        case 11: { // the guest acknowledges events (clears pending bits and selectors)
            uint32_t w = in.ConsumeIntegralInRange<uint32_t>(0, EVTCHN_2L_WORDS - 1);
            d.shared->evtchn_pending[w] &= in.ConsumeIntegral<uint64_t>();
            d.shared->vcpu_info[0].evtchn_pending_sel = 0;
            d.shared->vcpu_info[0].evtchn_upcall_pending = 0;
            break;
        }
        case 12: // the domain is destroyed and a new one takes its slot
            destroy(d);
            start(d, in.ConsumeIntegralInRange<unsigned>(1, 3));
            break;
        }
        for (auto& x : doms)
            check(x);
    }

    for (auto& d : doms) {
        destroy(d);
        for (auto& x : doms)
            if (x.live)
                check(x);
    }
    if (allocations != 0)
        fail("tables or buckets leaked", unsigned(allocations), 0);
    return 0;
}
