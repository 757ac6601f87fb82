// Event-channel upcalls (2-level ABI here, FIFO in fifo.cpp) and time.
#include "fifo.h"
#include "public/event_channel.h"
#include "public/sched.h"
#include "public/vcpu.h"
#include "runtime.h"

namespace xt {

volatile unsigned event_count[MAX_PORTS];
volatile unsigned upcalls;

namespace {
event_hook hook;
}

void set_event_hook(event_hook h) {
    hook = h;
}

void deliver_event(unsigned port) {
    if (port < MAX_PORTS)
        event_count[port] = event_count[port] + 1;
    if (hook)
        hook(port);
}

// Called from the upcall entry with events masked (CALLBACKF_mask_events).
void event_dispatch(trap_frame *) {
    upcalls = upcalls + 1;
    vcpu->evtchn_upcall_pending = 0;
    if (fifo::active()) {
        fifo::consume(0);
        return;
    }
    uint64_t sel = __atomic_exchange_n(&vcpu->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned word = unsigned(__builtin_ctzl(sel));
        sel &= sel - 1;
        uint64_t pending = __atomic_load_n(&shared->evtchn_pending[word], __ATOMIC_SEQ_CST) &
                           ~__atomic_load_n(&shared->evtchn_mask[word], __ATOMIC_SEQ_CST);
        while (pending) {
            unsigned bit = unsigned(__builtin_ctzl(pending));
            pending &= pending - 1;
            __atomic_fetch_and(&shared->evtchn_pending[word], ~(1ull << bit), __ATOMIC_SEQ_CST);
            deliver_event(word * 64 + bit);
        }
    }
}

long bind_virq(unsigned virq, unsigned vcpu_id, unsigned *port) {
    xen::evtchn_bind_virq b{virq, vcpu_id, 0};
    long rc = event_channel_op(xen::EVTCHNOP_bind_virq, &b);
    if (rc == 0)
        *port = b.port;
    return rc;
}

void unmask_port(unsigned port) {
    xen::evtchn_unmask u{port};
    long rc = event_channel_op(xen::EVTCHNOP_unmask, &u);
    if (rc)
        report_error("EVTCHNOP_unmask(%u) returned %ld", port, rc);
}

void mask_events() {
    __atomic_store_n(&vcpu->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
}

void unmask_events() {
    __atomic_store_n(&vcpu->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
    // Anything already pending is delivered on the way out of any hypercall.
    if (__atomic_load_n(&vcpu->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        xen_version(0);
}

uint64_t rdtsc() {
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t(hi) << 32) | lo;
}

uint64_t system_time_ns() {
    const volatile xen::vcpu_time_info *t = &vcpu->time;
    for (;;) {
        uint32_t version = t->version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        uint64_t stamp = t->tsc_timestamp;
        uint64_t system = t->system_time;
        uint32_t mul = t->tsc_to_system_mul;
        int8_t shift = t->tsc_shift;
        uint64_t tsc = rdtsc();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if ((version & 1) || version != t->version)
            continue;
        uint64_t delta = tsc - stamp;
        if (shift < 0)
            delta >>= -shift;
        else
            delta <<= shift;
        return system + uint64_t((unsigned __int128)delta * mul >> 32);
    }
}

void wallclock(uint64_t *sec, uint32_t *nsec) {
    const volatile xen::shared_info *s = shared;
    for (;;) {
        uint32_t version = s->wc_version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        uint64_t secs = (uint64_t(s->wc_sec_hi) << 32) | s->wc_sec;
        uint32_t ns = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if ((version & 1) || version != s->wc_version)
            continue;
        *sec = secs;
        *nsec = ns;
        return;
    }
}

unsigned timer_port = ~0u;

void timer_init() {
    if (timer_port != ~0u)
        return;
    long rc = vcpu_op(xen::VCPUOP_stop_periodic_timer, 0);
    if (rc)
        report_error("VCPUOP_stop_periodic_timer returned %ld", rc);
    unsigned port;
    rc = bind_virq(xen::VIRQ_TIMER, 0, &port);
    if (rc)
        report_error("EVTCHNOP_bind_virq(VIRQ_TIMER) returned %ld", rc);
    timer_port = port;
    unmask_port(port);
    unmask_events();
}

uint64_t sleep_ns(uint64_t ns) {
    timer_init();
    // A tick of the (now stopped) periodic timer may still be pending: drop it.
    mask_events();
    if (fifo::active())
        fifo::clear_pending(timer_port);
    else
        __atomic_fetch_and(&shared->evtchn_pending[timer_port / 64],
                           ~(1ull << (timer_port % 64)), __ATOMIC_SEQ_CST);
    unsigned before = event_count[timer_port];
    uint64_t start = system_time_ns();
    xen::vcpu_set_singleshot_timer t{start + ns, 0};
    long rc = vcpu_op(xen::VCPUOP_set_singleshot_timer, 0, &t);
    if (rc)
        report_error("VCPUOP_set_singleshot_timer returned %ld", rc);
    // SCHEDOP_block enables events itself; the upcall runs before it returns.
    for (unsigned i = 0; event_count[timer_port] == before; i++) {
        if (i == 1000)
            report_error("the singleshot timer never fired");
        sched_op(xen::SCHEDOP_block);
    }
    return system_time_ns() - start;
}

} // namespace xt
