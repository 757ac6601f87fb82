// A domain's port ABI: how a raised port shows in the guest's memory and when its vCPU's
// upcall must be raised. Every domain starts with the 2-level bitmaps in shared_info
// (common/event_channel_2l.h); EVTCHNOP_init_control switches it to the FIFO queues
// (common/event_channel_fifo.h) and EVTCHNOP_reset back. The port table and everything
// above it (event_channel_hv.cpp) go through EvtchnDomain::abi only, so the two ABIs
// share every sub-op, error check and lock.
//
// Host-testable: the ops see guest memory only as pointers (the hypervisor's mappings of
// frames it holds references on) and change it under atomics only, since the guest
// writes the same words from its other vCPUs. They are called with the domain's table
// lock held.
#pragma once
#include <stdint.h>

#include "common/event_channel_ports.h"
#include "public/xen.h"

namespace evtchn {

// The vCPU a port notifies.
struct Target {
    uint16_t vcpu;
    xen::vcpu_info* vi; // nullptr: the domain lacks that vCPU
};

// What raising a port did: it was not pending before (SCHEDOP_poll's waiters look), and
// the target's upcall must be marked pending (evtchn_upcall_pending and a kick).
struct Raise {
    bool newly_pending;
    bool upcall;
};

struct PortAbi {
    Raise (*set_pending)(EvtchnDomain& e, Target t, Port& p, uint32_t port);
    // The port is freed: no pending event survives.
    void (*clear_pending)(EvtchnDomain& e, Port& p, uint32_t port);
    // EVTCHNOP_unmask of a port in use; true when t's upcall must be marked pending.
    bool (*unmask)(EvtchnDomain& e, Target t, Port& p, uint32_t port);
    bool (*is_pending)(const EvtchnDomain& e, uint32_t port);
    // The guest may still be using the port (FIFO: LINKED): it is not handed out again.
    bool (*is_busy)(const EvtchnDomain& e, uint32_t port);
    // EVTCHNOP_set_priority of a port in use; nullptr when the ABI has no priorities.
    long (*set_priority)(Port& p, uint32_t priority);
};

extern const PortAbi kAbi2l;
extern const PortAbi kAbiFifo;

} // namespace evtchn
