// The pure part of the event channels, host-testable: a domain's port table (ports come
// into existence 64 at a time, port 0 reserved), the state each port is in and the moves
// between states. How a raised port shows in guest memory is the domain's port ABI
// (common/event_channel_abi.h): the 2-level bitmaps or the FIFO queues.
//
// Nothing here locks, wakes a vCPU or knows a Domain's insides (Domain is only named);
// common/event_channel_hv.cpp does that around these calls: a port is looked at or changed
// with its domain's table lock held (both tables' for an interdomain pair).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/spinlock.h"
#include "public/event_channel.h"
#include "public/xen.h"

struct Domain;

namespace evtchn {

// The table's capacity (the FIFO ABI's; the 2-level ABI's is smaller: EvtchnDomain::limit),
// and the granularity in which ports come into existence (Xen allocates 64 at a time;
// ports beyond the allocated ones are "invalid").
constexpr uint32_t kMaxPorts = xen::EVTCHN_FIFO_NR_CHANNELS;
constexpr uint32_t kMax2lPorts = xen::EVTCHN_2L_NR_CHANNELS;
constexpr uint32_t kBucketPorts = 64;
// A domain's own limit on its highest port, as Xen clamps createdomain's max_evtchn_port.
constexpr uint32_t kMaxDomainPort = 0x7fffffff;

enum class State : uint8_t { free, reserved, unbound, interdomain, pirq, virq, ipi };

struct Port {
    State state;
    uint16_t notify_vcpu;
    // FIFO ABI: the queue priority; raised while its event word did not exist yet (the
    // event waits for EVTCHNOP_expand_array); the queue it was last linked on.
    uint8_t priority;
    bool fifo_pending;
    uint8_t last_priority;
    uint16_t last_vcpu;
    union {
        uint16_t unbound_remote; // domain allowed to bind (unbound)
        struct {
            Domain* dom;
            uint32_t port;
            uint16_t domid;
        } inter; // the remote end (interdomain)
        uint32_t virq;
        uint32_t pirq;
    } u;
};

} // namespace evtchn

namespace evtchn {
struct PortAbi;
namespace fifo {
struct FifoDomain;
}
} // namespace evtchn

struct EvtchnDomain {
    lib::SpinLock lock;
    uint32_t valid;    // ports [0, valid) exist
    uint32_t limit;    // the ABI's number of ports: none at or above it is handed out
    uint32_t max_port; // the domain's highest port (createdomain's max_evtchn_port)
    const evtchn::PortAbi* abi;
    xen::shared_info* shared;       // the domain's (2-level bitmaps)
    evtchn::fifo::FifoDomain* fifo; // the FIFO ABI's state, nullptr under 2-level
    evtchn::Port* buckets[evtchn::kMaxPorts / evtchn::kBucketPorts];
};

namespace evtchn {

// Zeroed memory for tables and buckets, and its release (the hypervisor's heap; the
// host tests' own).
struct Alloc {
    void* (*zalloc)(size_t size);
    void (*free)(void* p);
};

// --- The port table ------------------------------------------------------------------

// A new table with port 0 reserved, under the 2-level ABI over `shared`, or nullptr when
// out of memory.
EvtchnDomain* table_create(const Alloc& alloc, xen::shared_info* shared);
// Gives back a table and its buckets (no port may refer to it any more).
void table_free(EvtchnDomain* e, const Alloc& alloc);

inline bool port_valid(const EvtchnDomain& e, uint32_t port) {
    return port < __atomic_load_n(&e.valid, __ATOMIC_ACQUIRE);
}
inline Port& port_ref(EvtchnDomain& e, uint32_t port) {
    return e.buckets[port / kBucketPorts][port % kBucketPorts];
}
inline Port* lookup(EvtchnDomain& e, uint32_t port) {
    return port_valid(e, port) ? &port_ref(e, port) : nullptr;
}

// Makes `port` exist and checks it is free: -ENOSPC beyond the ABI or the domain's
// max_port, -EBUSY when taken (or
// still busy in the guest's view, as a FIFO port left LINKED), -ENOMEM when a bucket
// cannot be had. A free port found gets the FIFO default priority (Xen's
// evtchn_port_init) and no event saved for later.
int allocate_port(EvtchnDomain& e, uint32_t port, const Alloc& alloc);
// The lowest free port, or a negative error.
int get_free_port(EvtchnDomain& e, const Alloc& alloc);

// --- States ----------------------------------------------------------------------------

bool virq_is_global(unsigned virq);

inline void make_unbound(Port& p, uint16_t remote_domid) {
    p.state = State::unbound;
    p.u.unbound_remote = remote_domid;
}
inline void make_interdomain(Port& p, Domain* remote, uint16_t remote_domid, uint32_t remote_port) {
    p.state = State::interdomain;
    p.u.inter.dom = remote;
    p.u.inter.port = remote_port;
    p.u.inter.domid = remote_domid;
}
inline void make_virq(Port& p, uint32_t virq, uint16_t vcpu) {
    p.state = State::virq;
    p.notify_vcpu = vcpu;
    p.u.virq = virq;
}
inline void make_ipi(Port& p, uint16_t vcpu) {
    p.state = State::ipi;
    p.notify_vcpu = vcpu;
}
// Back to the pool: notifications go back to vCPU 0 (the pending bit is the caller's:
// the ABI's clear_pending). The last queue stays: the port may still be its tail.
void make_free(Port& p);
// In use: bound to something (Xen's evtchn_usable), not free or reserved.
inline bool usable(const Port& p) {
    return p.state != State::free && p.state != State::reserved;
}

// EVTCHNOP_bind_vcpu's rule: unbound, interdomain and pirq ports and global VIRQs move
// (0); per-vCPU VIRQs, IPIs and closed ports do not (-EINVAL).
long rebind(Port& p, uint16_t vcpu);
// EVTCHNOP_status's answer for a port (status, u, vcpu).
void fill_status(const Port& p, xen::evtchn_status& s);

} // namespace evtchn
