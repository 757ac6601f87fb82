// The scheduler: which vCPU runs on which physical CPU, and when. One interface for the
// rest of xenon (wake, block, yield, pause, parameters); the mechanism (sched_hv.cpp:
// locking, timers, context hand-over between CPUs) drives a policy behind
// common/sched/policy.h, credit2 as in Xen 4.17 (docs/scheduler.md).
#pragma once
#include <stdint.h>

#include "common/sched/policy.h"

struct Vcpu;
struct Domain;

// Scheduler state of one vCPU (a member of Vcpu).
struct VcpuSched {
    sched::Unit unit;
    bool running;    // its context is on a CPU (until that CPU has saved it)
    bool blocked;    // waiting for an event (SCHEDOP_block)
    bool down;       // not started, or taken down (VCPUOP_down)
    int pause_count; // paused by the toolstack or while being built
};

// XEN_SCHEDULER_CREDIT2 and its defaults (the toolstack's sched_id, scheduler_op).
constexpr uint32_t kSchedulerId = 6;
constexpr uint16_t kCredit2DefaultWeight = 256;
constexpr uint32_t kCredit2DefaultRatelimitUs = 1000;

void sched_init();
// A domain's credit2 parameters (weight 1..65535, cap in percent of one CPU, 0: none).
void sched_get_params(Domain& d, uint16_t* weight, uint16_t* cap);
void sched_set_params(Domain& d, uint16_t weight, uint16_t cap);
// The pool's rate limit in microseconds (0: none).
uint32_t sched_ratelimit_us();
void sched_set_ratelimit_us(uint32_t us);
// v's hard/soft affinity (Vcpu::*_affinity_excluded) changed.
void sched_affinity_changed(Vcpu* v);
// The CPU v runs on, or waits for.
unsigned sched_vcpu_cpu(const Vcpu* v);
// The CPU that ran v has saved its context: another CPU may load it.
void sched_context_saved(Vcpu* v);
// Places a new vCPU on a physical CPU; it starts down and unpaused.
void sched_add_vcpu(Vcpu* v);
// Takes a paused vCPU that is off its CPU out of the scheduler's accounting for good.
void sched_remove_vcpu(Vcpu* v);
// Makes v runnable if nothing else holds it (blocked, down, paused).
void vcpu_wake(Vcpu* v);
void vcpu_up(Vcpu* v);
void vcpu_pause(Vcpu* v);
void vcpu_unpause(Vcpu* v);
// The current vCPU gives up its CPU until vcpu_wake (returns at once, the switch happens
// on the way back to the guest).
void sched_block_current();
void sched_yield_current();

// Called on the way back to a guest (interrupts off): the vCPU that should run on this CPU
// now; nullptr means none (idle). `current` is the one that ran until now (nullptr: idle).
Vcpu* sched_pick(Vcpu* current);
// Whether this CPU has anything to run or a decision to make.
bool sched_work_pending();
// This CPU starts and stops waiting with nothing to run; the nanoseconds a CPU has
// spent so (XEN_SYSCTL_getcpuinfo's idle time).
void sched_idle_enter();
void sched_idle_exit();
uint64_t sched_idle_time(unsigned cpu);
