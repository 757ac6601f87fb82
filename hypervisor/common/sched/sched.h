// The scheduler: which vCPU runs on which physical CPU, and when. One interface for the
// rest of xenon (wake, block, yield, pause); the policy behind it is a per-CPU round
// robin with fixed time slices, replaceable without touching its callers.
#pragma once
#include <stdint.h>

struct Vcpu;

// Scheduler state of one vCPU (a member of Vcpu).
struct VcpuSched {
    Vcpu* rq_next;    // run-queue link
    bool on_runqueue; // waiting for its CPU
    bool running;     // on its CPU now
    bool blocked;     // waiting for an event (SCHEDOP_block)
    bool down;        // not started, or taken down (VCPUOP_down)
    int pause_count;  // paused by the toolstack or while being built
};

constexpr uint64_t kTimeSliceNs = 30'000'000;

// What the toolstack is told (XEN_SYSCTL_sched_id, cpupool and scheduler_op): Xen 4.17's
// default scheduler, credit2 (XEN_SCHEDULER_CREDIT2), with its default domain weight and
// rate limit. The parameters are kept and reported; the policy above does not use them.
constexpr uint32_t kSchedulerId = 6;
constexpr uint16_t kCredit2DefaultWeight = 256;
constexpr uint32_t kCredit2DefaultRatelimitUs = 1000;

void sched_init();
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
