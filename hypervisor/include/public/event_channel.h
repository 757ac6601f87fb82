// HYPERVISOR_event_channel_op(cmd, arg): event channels, the hypervisor's one
// notification mechanism. A port is bound to a virtual IRQ, a physical IRQ (pirq), an
// IPI between the domain's own vCPUs, or a port of another domain; sending on it sets
// the peer's pending bit and may raise an upcall.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

inline constexpr unsigned EVTCHNOP_bind_interdomain = 0; // evtchn_bind_interdomain
inline constexpr unsigned EVTCHNOP_bind_virq = 1;        // evtchn_bind_virq
inline constexpr unsigned EVTCHNOP_bind_pirq = 2;        // evtchn_bind_pirq
inline constexpr unsigned EVTCHNOP_close = 3;            // evtchn_close
inline constexpr unsigned EVTCHNOP_send = 4;             // evtchn_send
inline constexpr unsigned EVTCHNOP_status = 5;           // evtchn_status
inline constexpr unsigned EVTCHNOP_alloc_unbound = 6;    // evtchn_alloc_unbound
inline constexpr unsigned EVTCHNOP_bind_ipi = 7;         // evtchn_bind_ipi
inline constexpr unsigned EVTCHNOP_bind_vcpu = 8;        // evtchn_bind_vcpu
inline constexpr unsigned EVTCHNOP_unmask = 9;           // evtchn_unmask
inline constexpr unsigned EVTCHNOP_reset = 10;           // evtchn_reset
inline constexpr unsigned EVTCHNOP_init_control = 11;    // evtchn_init_control (FIFO ABI)
inline constexpr unsigned EVTCHNOP_expand_array = 12;    // evtchn_expand_array (FIFO ABI)
inline constexpr unsigned EVTCHNOP_set_priority = 13;    // evtchn_set_priority (FIFO ABI)
// 14 is Xen's internal continuation of EVTCHNOP_reset.

using evtchn_port_t = uint32_t;

// Allocate a port that remote_dom may later bind to. dom is DOMID_SELF unless privileged.
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom; // in
    evtchn_port_t port;      // out
};
static_assert(sizeof(evtchn_alloc_unbound) == 8 && offsetof(evtchn_alloc_unbound, port) == 4);

// Connect a new local port to remote_dom's unbound remote_port.
struct evtchn_bind_interdomain {
    domid_t remote_dom;        // in
    evtchn_port_t remote_port; // in
    evtchn_port_t local_port;  // out
};
static_assert(sizeof(evtchn_bind_interdomain) == 12);
static_assert(offsetof(evtchn_bind_interdomain, remote_port) == 4 &&
              offsetof(evtchn_bind_interdomain, local_port) == 8);

// Bind a VIRQ_* on a vCPU.
struct evtchn_bind_virq {
    uint32_t virq;      // in
    uint32_t vcpu;      // in
    evtchn_port_t port; // out
};
static_assert(sizeof(evtchn_bind_virq) == 12 && offsetof(evtchn_bind_virq, port) == 8);

// Bind a physical IRQ (privileged domains, or ones given the pirq).
inline constexpr uint32_t BIND_PIRQ__WILL_SHARE = 1;
struct evtchn_bind_pirq {
    uint32_t pirq;      // in
    uint32_t flags;     // in: BIND_PIRQ__*
    evtchn_port_t port; // out
};
static_assert(sizeof(evtchn_bind_pirq) == 12 && offsetof(evtchn_bind_pirq, port) == 8);

// A port for IPIs to the given vCPU of the caller.
struct evtchn_bind_ipi {
    uint32_t vcpu;      // in
    evtchn_port_t port; // out
};
static_assert(sizeof(evtchn_bind_ipi) == 8);

struct evtchn_close {
    evtchn_port_t port;
};
static_assert(sizeof(evtchn_close) == 4);

struct evtchn_send {
    evtchn_port_t port;
};
static_assert(sizeof(evtchn_send) == 4);

// What a port is bound to.
inline constexpr uint32_t EVTCHNSTAT_closed = 0;      // not in use
inline constexpr uint32_t EVTCHNSTAT_unbound = 1;     // waiting for a remote domain
inline constexpr uint32_t EVTCHNSTAT_interdomain = 2; // connected to a remote port
inline constexpr uint32_t EVTCHNSTAT_pirq = 3;        // bound to a physical IRQ
inline constexpr uint32_t EVTCHNSTAT_virq = 4;        // bound to a virtual IRQ
inline constexpr uint32_t EVTCHNSTAT_ipi = 5;         // bound to an IPI

struct evtchn_status {
    domid_t dom;        // in
    evtchn_port_t port; // in
    uint32_t status;    // out: EVTCHNSTAT_*
    uint32_t vcpu;      // out: vCPU notified
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
static_assert(sizeof(evtchn_status) == 24);
static_assert(offsetof(evtchn_status, port) == 4 && offsetof(evtchn_status, status) == 8 &&
              offsetof(evtchn_status, vcpu) == 12 && offsetof(evtchn_status, u) == 16 &&
              offsetof(evtchn_status, u.interdomain.port) == 20);

// Move notifications for a port to another vCPU.
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
static_assert(sizeof(evtchn_bind_vcpu) == 8);

// Clear a mask bit; if the port is pending, the upcall is raised again.
struct evtchn_unmask {
    evtchn_port_t port;
};
static_assert(sizeof(evtchn_unmask) == 4);

// Close every port of a domain.
struct evtchn_reset {
    domid_t dom;
};
static_assert(sizeof(evtchn_reset) == 2);

// FIFO ABI: register a vCPU's control block (a guest frame plus offset).
struct evtchn_init_control {
    uint64_t control_gfn; // in
    uint32_t offset;      // in
    uint32_t vcpu;        // in
    uint8_t link_bits;    // out
    uint8_t pad[7];
};
static_assert(sizeof(evtchn_init_control) == 24);
static_assert(offsetof(evtchn_init_control, offset) == 8 &&
              offsetof(evtchn_init_control, vcpu) == 12 &&
              offsetof(evtchn_init_control, link_bits) == 16);

// FIFO ABI: add one more page of event words.
struct evtchn_expand_array {
    uint64_t array_gfn;
};
static_assert(sizeof(evtchn_expand_array) == 8);

// FIFO ABI: a port's queue priority.
struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;
};
static_assert(sizeof(evtchn_set_priority) == 8);

// The legacy multiplexed form used by event_channel_op_compat (hypercall 16).
struct evtchn_op {
    uint32_t cmd; // EVTCHNOP_*
    union {
        evtchn_alloc_unbound alloc_unbound;
        evtchn_bind_interdomain bind_interdomain;
        evtchn_bind_virq bind_virq;
        evtchn_bind_pirq bind_pirq;
        evtchn_bind_ipi bind_ipi;
        evtchn_close close;
        evtchn_send send;
        evtchn_status status;
        evtchn_bind_vcpu bind_vcpu;
        evtchn_unmask unmask;
    } u;
};
static_assert(sizeof(evtchn_op) == 28 && offsetof(evtchn_op, u) == 4);

// 2-level ABI: 64 * 64 ports.
inline constexpr unsigned EVTCHN_2L_NR_CHANNELS = sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64;

// FIFO ABI: priorities, event-word bits and the per-vCPU control block.
inline constexpr uint32_t EVTCHN_FIFO_PRIORITY_MAX = 0; // highest
inline constexpr uint32_t EVTCHN_FIFO_PRIORITY_DEFAULT = 7;
inline constexpr uint32_t EVTCHN_FIFO_PRIORITY_MIN = 15; // lowest
inline constexpr unsigned EVTCHN_FIFO_MAX_QUEUES = EVTCHN_FIFO_PRIORITY_MIN + 1;

using event_word_t = uint32_t;
inline constexpr unsigned EVTCHN_FIFO_PENDING = 31;
inline constexpr unsigned EVTCHN_FIFO_MASKED = 30;
inline constexpr unsigned EVTCHN_FIFO_LINKED = 29;
inline constexpr unsigned EVTCHN_FIFO_BUSY = 28;
inline constexpr unsigned EVTCHN_FIFO_LINK_BITS = 17;
inline constexpr uint32_t EVTCHN_FIFO_LINK_MASK = (1u << EVTCHN_FIFO_LINK_BITS) - 1;
inline constexpr unsigned EVTCHN_FIFO_NR_CHANNELS = 1u << EVTCHN_FIFO_LINK_BITS;

struct evtchn_fifo_control_block {
    uint32_t ready; // bit per non-empty queue
    uint32_t rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
static_assert(sizeof(evtchn_fifo_control_block) == 72 &&
              offsetof(evtchn_fifo_control_block, head) == 8);

} // namespace xen
