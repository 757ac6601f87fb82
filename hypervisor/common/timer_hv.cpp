#include "common/timer.h"

#include "arch/cpu.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "lib/spinlock.h"

namespace {

// Per CPU: a list sorted by expiry. Lists stay short (a few timers per vCPU), so a
// sorted insert is cheaper than anything cleverer.
struct TimerQueue {
    lib::SpinLock lock;
    Timer* head;
};
constinit TimerQueue queues[arch::kMaxCpus] = {};

void unlink_locked(TimerQueue& q, Timer* t) {
    for (Timer** p = &q.head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = nullptr;
    t->active = false;
}

void program_locked(TimerQueue& q) {
    if (!q.head) {
        arch::lapic_timer_oneshot_tsc(0);
        return;
    }
    uint64_t now = system_time();
    uint64_t delta = q.head->expires > now ? q.head->expires - now : 1000;
    arch::lapic_timer_oneshot_tsc(arch::ns_to_tsc(delta));
}

} // namespace

uint64_t system_time() { return arch::now_ns(); }

void timer_init(Timer* t, void (*fn)(Timer*), void* data, unsigned cpu) {
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->cpu = cpu;
    t->active = false;
    t->next = nullptr;
}

void timer_set(Timer* t, uint64_t expires) {
    TimerQueue& q = queues[t->cpu];
    uint64_t flags = arch::irq_save();
    q.lock.lock();
    if (t->active)
        unlink_locked(q, t);
    t->expires = expires;
    t->active = true;
    Timer** p = &q.head;
    while (*p && (*p)->expires <= expires)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    bool new_head = q.head == t;
    if (new_head && t->cpu == arch::this_cpu_id())
        program_locked(q);
    q.lock.unlock();
    arch::irq_restore(flags);
    if (new_head && t->cpu != arch::this_cpu_id())
        arch::smp_kick(t->cpu); // its interrupt handler re-programs its timer
}

void timer_stop(Timer* t) {
    TimerQueue& q = queues[t->cpu];
    uint64_t flags = arch::irq_save();
    q.lock.lock();
    if (t->active)
        unlink_locked(q, t);
    q.lock.unlock();
    arch::irq_restore(flags);
}

void timer_run_expired() {
    TimerQueue& q = queues[arch::this_cpu_id()];
    q.lock.lock();
    uint64_t now = system_time();
    while (q.head && q.head->expires <= now) {
        Timer* t = q.head;
        unlink_locked(q, t);
        q.lock.unlock();
        t->fn(t); // may re-arm itself
        q.lock.lock();
        now = system_time();
    }
    program_locked(q);
    q.lock.unlock();
}

void timer_cpu_init() { arch::lapic_timer_set_callback(timer_run_expired); }
