// Event channels: the hypervisor's one notification mechanism. Each domain has ports
// 1..4095 under the 2-level ABI, up to 2^17 - 1 under FIFO (port 0 is reserved); a port is
// bound to a virtual IRQ of one of its vCPUs, a physical IRQ, an IPI between its own vCPUs,
// or a port of another domain (or itself). Raising a port records it in the guest's memory
// as the domain's port ABI says (common/event_channel_abi.h: a bit in shared_info's
// evtchn_pending, or a link on a FIFO queue) and, when the guest must look, sets the
// notified vCPU's evtchn_upcall_pending and kicks the vCPU (wakes it if blocked).
//
// Every function may be called from the timer interrupt; the per-domain lock is taken
// with interrupts off everywhere.
#pragma once
#include <stdint.h>

#include "common/event_channel_ports.h"

struct Domain;
struct Vcpu;

namespace evtchn {

// The domain's event-channel state, created on first use; nullptr if out of memory.
EvtchnDomain* of(Domain& d);

// Raises `port` of v's domain towards v (the domain's table lock held; a port not in use
// is ignored).
void set_pending(Vcpu& v, uint32_t port);
// A per-vCPU VIRQ (VIRQ_TIMER, VIRQ_DEBUG, ...), if the vCPU has it bound.
void send_vcpu_virq(Vcpu& v, unsigned virq);
// A physical interrupt's event on d's pirq port (from the interrupt handler).
void send_pirq(Domain& d, uint32_t port);
// A global VIRQ (VIRQ_CONSOLE, VIRQ_DOM_EXC, ...) of a domain, if bound.
void send_global_virq(Domain& d, unsigned virq);

// evtchn_upcall_pending = 1 and a kick, if it was clear.
void mark_events_pending(Vcpu& v);
// Wakes v if it is blocked (or polling) so it sees its events.
void kick(Vcpu& v);
// SCHEDOP_block's and SCHEDOP_poll's test: an upcall is pending and not masked.
bool events_need_delivery(const Vcpu& v);

// SCHEDOP_poll: -EINVAL for a bad port, else whether it is pending (0/1).
int port_poll(Domain& d, uint32_t port);
// Ends v's poll (timeout or an event): clears its polling state and wakes it.
void poll_wake(Vcpu& v);

// The hypercall's sub-ops, for HYPERVISOR_event_channel_op; each returns Xen's answer.
long alloc_unbound(xen::evtchn_alloc_unbound& a);
long bind_interdomain(xen::evtchn_bind_interdomain& b);
long bind_virq(xen::evtchn_bind_virq& b);
long bind_ipi(xen::evtchn_bind_ipi& b);
// For the hardware domain, whose pirq range and right the caller has checked.
long bind_pirq(xen::evtchn_bind_pirq& b);
long close(Domain& d, uint32_t port);
long send(Domain& d, uint32_t port);
long status(xen::evtchn_status& s);
long bind_vcpu(uint32_t port, uint32_t vcpu);
long unmask(uint32_t port);
// The FIFO ABI's priority: -EINVAL no such port, -ENOSYS under 2-level, -EACCES a port not
// in use, -EINVAL a priority above 15. (init_control and expand_array: event_channel_fifo_hv.h.)
long set_priority(uint32_t port, uint32_t priority);
// EVTCHNOP_reset (resuming: Xen's EVTCHNOP_reset_cont, which finds nothing to resume):
// every port closed, and the domain back on the 2-level ABI.
long reset(Domain& d, bool resuming);

// A domain going away: every port is closed (remote ends become unbound again, so no
// other domain refers to d afterwards). Call once its vCPUs are off their CPUs; the
// table itself stays allocated (its ports closed, as Xen's EVTCHNOP_status shows them
// while the domain is dying) until domain_free.
void domain_destroy(Domain& d);
// Frees the table, once no CPU can be using it (after a grace period).
void domain_free(Domain& d);

} // namespace evtchn
