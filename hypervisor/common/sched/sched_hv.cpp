#include "common/sched/sched.h"

#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "common/domain.h"
#include "common/grace_period.h"
#include "common/timer.h"
#include "lib/spinlock.h"

namespace {

struct RunQueue {
    lib::SpinLock lock;
    Vcpu* head;
    Vcpu* tail;
    unsigned load; // vCPUs placed here
    volatile bool need_resched;
    Timer slice;
    // Time with nothing to run (Xen's idle vCPU running): the total of past stints and
    // the start of the current one (0 while busy).
    uint64_t idle_total;
    uint64_t idle_since;
};
constinit RunQueue runqueues[arch::kMaxCpus] = {};

void slice_expired(Timer* t) {
    runqueues[t->cpu].need_resched = true;
}

bool can_run(const Vcpu* v) {
    return !v->sched.blocked && !v->sched.down && v->sched.pause_count == 0 &&
           !v->domain->shutting_down;
}

void enqueue_locked(RunQueue& rq, Vcpu* v) {
    v->sched.rq_next = nullptr;
    v->sched.on_runqueue = true;
    if (rq.tail)
        rq.tail->sched.rq_next = v;
    else
        rq.head = v;
    rq.tail = v;
}

Vcpu* dequeue_locked(RunQueue& rq) {
    Vcpu* v = rq.head;
    if (!v)
        return nullptr;
    rq.head = v->sched.rq_next;
    if (!rq.head)
        rq.tail = nullptr;
    v->sched.on_runqueue = false;
    v->sched.rq_next = nullptr;
    return v;
}

void set_runstate(Vcpu* v, int state) {
    uint64_t now = system_time();
    if (v->runstate.state >= 0 && v->runstate.state < 4)
        v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
    v->runstate.state = state;
    v->runstate.state_entry_time = now;
}

// Re-evaluates v after a change of its flags: queue it if it may run and is not already
// running or queued; tell its CPU.
void update(Vcpu* v) {
    RunQueue& rq = runqueues[v->processor];
    uint64_t flags = arch::irq_save();
    rq.lock.lock();
    bool kick = false;
    if (can_run(v) && !v->sched.running && !v->sched.on_runqueue) {
        enqueue_locked(rq, v);
        set_runstate(v, xen::RUNSTATE_runnable);
        kick = true;
    } else if (!can_run(v) && v->sched.running) {
        rq.need_resched = true; // its CPU takes it off on the way back to the guest
        kick = true;
    }
    rq.lock.unlock();
    arch::irq_restore(flags);
    if (kick && v->processor != arch::this_cpu_id())
        arch::smp_kick(v->processor);
}

} // namespace

void sched_init() {
    for (unsigned cpu = 0; cpu < arch::kMaxCpus; cpu++)
        timer_init(&runqueues[cpu].slice, slice_expired, nullptr, cpu);
}

void sched_add_vcpu(Vcpu* v) {
    // The least loaded online CPU; ties go to the lowest number.
    unsigned best = 0;
    for (unsigned cpu = 1; cpu < arch::cpus_possible(); cpu++) {
        arch::PerCpu* c = arch::cpu(cpu);
        if (c && c->online && runqueues[cpu].load < runqueues[best].load)
            best = cpu;
    }
    runqueues[best].load++;
    v->processor = best;
    v->sched = VcpuSched{};
    v->sched.down = true;
    v->runstate.state = xen::RUNSTATE_offline;
    v->runstate.state_entry_time = system_time();
}

void sched_remove_vcpu(Vcpu* v) {
    RunQueue& rq = runqueues[v->processor];
    uint64_t flags = arch::irq_save();
    rq.lock.lock();
    if (v->sched.on_runqueue) { // cannot be: it is paused; but never leave a dangling link
        Vcpu** p = &rq.head;
        Vcpu* prev = nullptr;
        while (*p && *p != v) {
            prev = *p;
            p = &(*p)->sched.rq_next;
        }
        if (*p) {
            *p = v->sched.rq_next;
            if (rq.tail == v)
                rq.tail = prev;
        }
        v->sched.on_runqueue = false;
    }
    rq.load--;
    rq.lock.unlock();
    arch::irq_restore(flags);
}

void vcpu_wake(Vcpu* v) {
    if (!v->sched.blocked)
        return;
    v->sched.blocked = false;
    update(v);
}

void vcpu_up(Vcpu* v) {
    v->sched.down = false;
    update(v);
}

void vcpu_pause(Vcpu* v) {
    __atomic_fetch_add(&v->sched.pause_count, 1, __ATOMIC_SEQ_CST);
    update(v);
}

void vcpu_unpause(Vcpu* v) {
    __atomic_fetch_sub(&v->sched.pause_count, 1, __ATOMIC_SEQ_CST);
    update(v);
}

void sched_block_current() {
    Vcpu* v = current_vcpu();
    v->sched.blocked = true;
    runqueues[arch::this_cpu_id()].need_resched = true;
}

void sched_yield_current() {
    runqueues[arch::this_cpu_id()].need_resched = true;
}

void sched_idle_enter() {
    RunQueue& rq = runqueues[arch::this_cpu_id()];
    __atomic_store_n(&rq.idle_since, system_time(), __ATOMIC_RELEASE);
}

void sched_idle_exit() {
    RunQueue& rq = runqueues[arch::this_cpu_id()];
    uint64_t since = __atomic_exchange_n(&rq.idle_since, 0, __ATOMIC_ACQ_REL);
    if (since)
        __atomic_add_fetch(&rq.idle_total, system_time() - since, __ATOMIC_RELEASE);
}

uint64_t sched_idle_time(unsigned cpu) {
    if (cpu >= arch::kMaxCpus)
        return 0;
    const RunQueue& rq = runqueues[cpu];
    // Read the start first: a stint that ends meanwhile is counted at most once less.
    uint64_t since = __atomic_load_n(&rq.idle_since, __ATOMIC_ACQUIRE);
    uint64_t total = __atomic_load_n(&rq.idle_total, __ATOMIC_ACQUIRE);
    uint64_t now = system_time();
    return total + (since && now > since ? now - since : 0);
}

bool sched_work_pending() {
    grace::quiescent_point(); // the idle loop: this CPU holds nothing
    RunQueue& rq = runqueues[arch::this_cpu_id()];
    return rq.need_resched || rq.head;
}

[[gnu::hot]] Vcpu* sched_pick(Vcpu* current) {
    // Every exit to a guest: the hypercall or trap is over, no pointer it found is held.
    grace::quiescent_point();
    unsigned cpu = arch::this_cpu_id();
    RunQueue& rq = runqueues[cpu];
    // The common case on every return to a guest: it keeps its CPU. Checked without the
    // lock: a change of these flags by another CPU is followed by a kick, which brings
    // this CPU back here.
    if (current && !__atomic_load_n(&rq.need_resched, __ATOMIC_ACQUIRE) && can_run(current))
        return current;
    rq.lock.lock();
    if (current && can_run(current) && !rq.need_resched) {
        rq.lock.unlock();
        return current;
    }
    rq.need_resched = false;
    if (current) {
        current->sched.running = false;
        if (can_run(current)) {
            enqueue_locked(rq, current);
            set_runstate(current, xen::RUNSTATE_runnable);
        } else {
            set_runstate(current, current->sched.down || current->sched.pause_count
                                      ? xen::RUNSTATE_offline
                                      : xen::RUNSTATE_blocked);
        }
    }
    Vcpu* next = dequeue_locked(rq);
    if (next) {
        next->sched.running = true;
        set_runstate(next, xen::RUNSTATE_running);
    }
    bool others_waiting = rq.head != nullptr;
    rq.lock.unlock();
    // A time slice only matters when someone else is waiting for this CPU.
    if (next && others_waiting)
        timer_set(&rq.slice, system_time() + kTimeSliceNs);
    else
        timer_stop(&rq.slice);
    return next;
}
