// HYPERVISOR_sched_op(cmd, arg): give up the CPU, block for events, shut down.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/event_channel.h"
#include "public/xen.h"

namespace xen {

inline constexpr unsigned SCHEDOP_yield = 0;           // arg unused: let others run
inline constexpr unsigned SCHEDOP_block = 1;           // arg unused: sleep until an event
inline constexpr unsigned SCHEDOP_shutdown = 2;        // sched_shutdown
inline constexpr unsigned SCHEDOP_poll = 3;            // sched_poll
inline constexpr unsigned SCHEDOP_remote_shutdown = 4; // sched_remote_shutdown (privileged)
inline constexpr unsigned SCHEDOP_shutdown_code = 5;   // sched_shutdown: record, don't act
inline constexpr unsigned SCHEDOP_watchdog = 6;        // sched_watchdog
inline constexpr unsigned SCHEDOP_pin_override = 7;    // sched_pin_override (dom0)

// Why a domain shuts down.
inline constexpr unsigned SHUTDOWN_poweroff = 0;   // stopped; clean up
inline constexpr unsigned SHUTDOWN_reboot = 1;     // clean up and start again
inline constexpr unsigned SHUTDOWN_suspend = 2;    // save state for resume
inline constexpr unsigned SHUTDOWN_crash = 3;      // the guest crashed
inline constexpr unsigned SHUTDOWN_watchdog = 4;   // a watchdog expired
inline constexpr unsigned SHUTDOWN_soft_reset = 5; // reset in place, keeping memory
inline constexpr unsigned SHUTDOWN_MAX = 5;

struct sched_shutdown {
    uint32_t reason; // SHUTDOWN_*
};
static_assert(sizeof(sched_shutdown) == 4);

// Block until one of the ports is pending or the timeout (absolute system time, ns;
// zero for none) passes.
struct sched_poll {
    guest_handle<evtchn_port_t> ports;
    uint32_t nr_ports;
    uint64_t timeout;
};
static_assert(sizeof(sched_poll) == 24);
static_assert(offsetof(sched_poll, nr_ports) == 8 && offsetof(sched_poll, timeout) == 16);

struct sched_remote_shutdown {
    domid_t domain_id;
    uint32_t reason; // SHUTDOWN_*
};
static_assert(sizeof(sched_remote_shutdown) == 8 && offsetof(sched_remote_shutdown, reason) == 4);

// id 0 with a timeout creates a watchdog and returns its id; a known id with a timeout
// re-arms it; with timeout 0 it is destroyed.
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout; // seconds
};
static_assert(sizeof(sched_watchdog) == 8);

// Pin the calling vCPU to a physical CPU for a while (-1 undoes it).
struct sched_pin_override {
    int32_t pcpu;
};
static_assert(sizeof(sched_pin_override) == 4);

} // namespace xen
