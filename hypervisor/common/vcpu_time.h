// A vCPU's view of time: the vcpu_time_info it reads (and its optional second copy),
// the runstate area, the wall clock in shared_info, and the guest timers that raise
// VIRQ_TIMER (VCPUOP_set_singleshot_timer / set_timer_op, the periodic timer) or end a
// SCHEDOP_poll. Semantics follow Xen 4.17: a PV vCPU starts with a 10 ms periodic timer,
// which runs only while the vCPU is on its CPU; a single-shot deadline in the past raises
// the event at once.
#pragma once
#include <stdint.h>

#include "public/vcpu.h"

struct Vcpu;
struct Domain;

constexpr uint64_t kDefaultPeriodNs = 10'000'000;

// Rewrites d's wall clock in shared_info (with its XEN_DOMCTL_settimeoffset offset).
void domain_wallclock_update(Domain& d);

// Guest system time now (what a guest computes from its vcpu_time_info).
uint64_t guest_system_time();

// Re-stamps v's vcpu_time_info (and the registered copy, when v runs here).
void vcpu_time_update(Vcpu& v);
// The runstate as VCPUOP_get_runstate_info reports it (the current state's time included).
void vcpu_runstate_get(const Vcpu& v, xen::vcpu_runstate_info& out);
// Writes v's registered runstate area (v must be the vCPU running here).
void vcpu_runstate_area_update(Vcpu& v);

void vcpu_set_singleshot(Vcpu& v, uint64_t deadline);
void vcpu_stop_singleshot(Vcpu& v);
void vcpu_set_periodic(Vcpu& v, uint64_t period_ns); // 0 stops it
// SCHEDOP_poll's timeout (absolute; 0: none).
void vcpu_set_poll_timeout(Vcpu& v, uint64_t deadline);

// Context-switch hooks (interrupts off): v has just been loaded onto this CPU, or is
// about to leave it (its page tables are still loaded in both cases).
void vcpu_time_switch_in(Vcpu& v);
void vcpu_time_switch_out(Vcpu& v);
// A vCPU going away: its timers are stopped (call before freeing it).
void vcpu_time_destroy(Vcpu& v);
