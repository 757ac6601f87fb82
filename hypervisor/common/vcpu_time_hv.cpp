#include "common/vcpu_time.h"

#include <stddef.h>

#include "arch/guest_access.h"
#include "arch/guest_time.h"
#include "common/domain.h"
#include "common/event_channel.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/timer.h"
#include "lib/spinlock.h"
#include "public/xen.h"

namespace {

// Guards the timer state of every vCPU (period, last event, arming); taken with
// interrupts off, also by the timer callbacks.
constinit lib::SpinLock timer_lock;
using Guard = hc::IrqLockGuard<lib::SpinLock>;

// xenon's timer queue counts in its own system time, guests in theirs: the two run at
// the same rate but need not agree to the nanosecond. A deadline is converted relative to
// now, plus a microsecond so that the guest's clock has passed it when the event comes
// (Xen's own timers are allowed 50 us of slop).
constexpr uint64_t kMarginNs = 1000;

uint64_t to_system(uint64_t guest_deadline) {
    uint64_t g = guest_system_time();
    uint64_t s = system_time();
    return (guest_deadline > g ? s + (guest_deadline - g) : s) + kMarginNs;
}

bool runs_here(const Vcpu& v) { return current_vcpu() == &v; }

void send_timer_event(Vcpu& v) { evtchn::send_vcpu_virq(v, xen::VIRQ_TIMER); }

void retry_stale_areas(Vcpu& v) {
    if (v.runstate_area_stale && runs_here(v) && v.arch.in_kernel)
        vcpu_runstate_area_update(v);
}

void singleshot_fn(Timer* t) {
    Vcpu& v = *static_cast<Vcpu*>(t->data);
    send_timer_event(v);
    retry_stale_areas(v);
}

// Xen's periodic work: an overdue period raises the event now and restarts the period
// from now (periods are not caught up); the timer is armed for the next one.
void periodic_work_locked(Vcpu& v) {
    uint64_t now = guest_system_time();
    uint64_t next = v.periodic_last + v.periodic_period;
    if (now >= next) {
        send_timer_event(v);
        v.periodic_last = now;
        next = now + v.periodic_period;
    }
    timer_set(&v.periodic_timer, to_system(next));
}

void periodic_fn(Timer* t) {
    Vcpu& v = *static_cast<Vcpu*>(t->data);
    {
        Guard g(timer_lock);
        if (v.periodic_period)
            periodic_work_locked(v);
    }
    retry_stale_areas(v);
}

void poll_fn(Timer* t) { evtchn::poll_wake(*static_cast<Vcpu*>(t->data)); }

// The timers live on the CPU the vCPU was first on; when it has moved since, they fire
// there and notify it where it runs. A PV vCPU starts with
// Xen's default 10 ms periodic timer.
void ensure_timers_locked(Vcpu& v) {
    if (v.timers_ready)
        return;
    timer_init(&v.singleshot_timer, singleshot_fn, &v, v.processor);
    timer_init(&v.periodic_timer, periodic_fn, &v, v.processor);
    timer_init(&v.poll_timer, poll_fn, &v, v.processor);
    v.periodic_period = kDefaultPeriodNs;
    v.timers_ready = true;
}

void wallclock_update(Domain& d) {
    xen::shared_info* s = d.shared_info;
    uint64_t sec;
    uint32_t nsec;
    arch::guest_wallclock(&sec, &nsec);
    sec += static_cast<uint64_t>(d.config.time_offset_seconds); // the toolstack's offset
    volatile uint32_t* version = &s->wc_version;
    *version = (*version + 1) | 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = static_cast<uint32_t>(sec);
    s->wc_sec_hi = static_cast<uint32_t>(sec >> 32);
    s->wc_nsec = nsec;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *version = *version + 1;
}

} // namespace

void domain_wallclock_update(Domain& d) {
    wallclock_update(d);
}

uint64_t guest_system_time() { return arch::guest_now(); }

void vcpu_time_update(Vcpu& v) {
    xen::vcpu_time_info t;
    arch::guest_time_stamp(t);
    volatile xen::vcpu_time_info* u = &v.vcpu_info->time;
    uint32_t version = (u->version + 1) | 1; // odd: an update is under way
    u->version = version;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    u->tsc_timestamp = t.tsc_timestamp;
    u->system_time = t.system_time;
    u->tsc_to_system_mul = t.tsc_to_system_mul;
    u->tsc_shift = t.tsc_shift;
    u->flags = t.flags;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    u->version = version + 1;

    // The second copy (VCPUOP_register_vcpu_time_memory_area) is a guest virtual address:
    // only reachable while v's page tables are loaded. Same protocol, best effort.
    if (v.time_area_guest && runs_here(v)) {
        t.version = version;
        if (!arch::put_guest(v.time_area_guest, t.version)) {
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            arch::copy_to_guest(v.time_area_guest, &t, sizeof(t));
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            t.version = version + 1;
            arch::put_guest(v.time_area_guest, t.version);
        }
    }
}

void vcpu_runstate_get(const Vcpu& v, xen::vcpu_runstate_info& out) {
    out = v.runstate;
    uint64_t now = system_time();
    if (out.state >= 0 && out.state < 4 && now > out.state_entry_time)
        out.time[out.state] += now - out.state_entry_time;
}

void vcpu_runstate_area_update(Vcpu& v) {
    uint64_t area = v.runstate_guest_area;
    if (!area)
        return;
    if (!runs_here(v)) {
        v.runstate_area_stale = true;
        return;
    }
    xen::vcpu_runstate_info rs = v.runstate;
    // With VMASST_TYPE_runstate_update_flag the guest sees XEN_RUNSTATE_UPDATE in
    // state_entry_time for as long as the copy is inconsistent: its top byte is written
    // first and last.
    bool flag = v.domain->vm_assist & (1ul << xen::VMASST_TYPE_runstate_update_flag);
    uint64_t top_byte = area + offsetof(xen::vcpu_runstate_info, state_entry_time) + 7;
    bool ok = true;
    if (flag) {
        rs.state_entry_time |= xen::XEN_RUNSTATE_UPDATE;
        ok = !arch::put_guest(top_byte, static_cast<uint8_t>(rs.state_entry_time >> 56));
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    ok = !arch::copy_to_guest(area, &rs, sizeof(rs)) && ok;
    if (flag) {
        rs.state_entry_time &= ~xen::XEN_RUNSTATE_UPDATE;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        arch::put_guest(top_byte, static_cast<uint8_t>(rs.state_entry_time >> 56));
    }
    // In guest user mode the area may simply not be mapped: try again later (Xen retries
    // when the guest next enters its kernel).
    v.runstate_area_stale = !ok && !v.arch.in_kernel;
}

void vcpu_set_singleshot(Vcpu& v, uint64_t deadline) {
    bool fire_now;
    {
        Guard g(timer_lock);
        ensure_timers_locked(v);
        fire_now = deadline < guest_system_time();
        if (fire_now)
            timer_stop(&v.singleshot_timer);
        else
            timer_set(&v.singleshot_timer, to_system(deadline));
    }
    if (fire_now)
        send_timer_event(v);
}

void vcpu_stop_singleshot(Vcpu& v) {
    Guard g(timer_lock);
    ensure_timers_locked(v);
    timer_stop(&v.singleshot_timer);
}

void vcpu_set_periodic(Vcpu& v, uint64_t period_ns) {
    Guard g(timer_lock);
    ensure_timers_locked(v);
    timer_stop(&v.periodic_timer);
    v.periodic_period = period_ns;
    if (period_ns)
        periodic_work_locked(v);
}

void vcpu_set_poll_timeout(Vcpu& v, uint64_t deadline) {
    Guard g(timer_lock);
    ensure_timers_locked(v);
    if (deadline)
        timer_set(&v.poll_timer, to_system(deadline));
    else
        timer_stop(&v.poll_timer);
}

void vcpu_time_switch_in(Vcpu& v) {
    arch::guest_time_init();
    Domain& d = *v.domain;
    if (!d.shared_info->wc_sec && !d.shared_info->wc_sec_hi)
        wallclock_update(d);
    vcpu_time_update(v);
    vcpu_runstate_area_update(v);
    Guard g(timer_lock);
    ensure_timers_locked(v);
    if (v.periodic_period)
        periodic_work_locked(v);
}

void vcpu_time_switch_out(Vcpu& v) {
    vcpu_runstate_area_update(v);
    Guard g(timer_lock);
    if (v.timers_ready)
        timer_stop(&v.periodic_timer);
}

void vcpu_time_destroy(Vcpu& v) {
    Guard g(timer_lock);
    if (!v.timers_ready)
        return;
    timer_stop(&v.singleshot_timer);
    timer_stop(&v.periodic_timer);
    timer_stop(&v.poll_timer);
    v.periodic_period = 0;
}
