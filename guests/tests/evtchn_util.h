// Helpers for the event-channel conformance guests (evtchn_*.cpp): the sub-ops as one-line
// calls, and the 2-level bitmaps of shared_info and of any vCPU's vcpu_info.
#pragma once
#include "public/event_channel.h"
#include "public/vcpu.h"
#include "runtime.h"

namespace ev {

inline long alloc_unbound(xen::domid_t remote, unsigned* port) {
    xen::evtchn_alloc_unbound a{xen::DOMID_SELF, remote, 0};
    long rc = xt::event_channel_op(xen::EVTCHNOP_alloc_unbound, &a);
    *port = a.port;
    return rc;
}
inline long bind_interdomain(xen::domid_t remote, unsigned remote_port, unsigned* port) {
    xen::evtchn_bind_interdomain b{remote, remote_port, 0};
    long rc = xt::event_channel_op(xen::EVTCHNOP_bind_interdomain, &b);
    *port = b.local_port;
    return rc;
}
inline long bind_ipi(unsigned vcpu, unsigned* port) {
    xen::evtchn_bind_ipi b{vcpu, 0};
    long rc = xt::event_channel_op(xen::EVTCHNOP_bind_ipi, &b);
    *port = b.port;
    return rc;
}
inline long bind_vcpu(unsigned port, unsigned vcpu) {
    xen::evtchn_bind_vcpu b{port, vcpu};
    return xt::event_channel_op(xen::EVTCHNOP_bind_vcpu, &b);
}
inline long send(unsigned port) {
    xen::evtchn_send s{port};
    return xt::event_channel_op(xen::EVTCHNOP_send, &s);
}
inline long close(unsigned port) {
    xen::evtchn_close c{port};
    return xt::event_channel_op(xen::EVTCHNOP_close, &c);
}
inline long unmask(unsigned port) {
    xen::evtchn_unmask u{port};
    return xt::event_channel_op(xen::EVTCHNOP_unmask, &u);
}
inline long status(unsigned port, xen::evtchn_status* st, xen::domid_t dom = xen::DOMID_SELF) {
    *st = {};
    st->dom = dom;
    st->port = port;
    return xt::event_channel_op(xen::EVTCHNOP_status, st);
}

// A loopback pair: an unbound port for oneself and the port bound to it.
inline void loopback(unsigned* unbound, unsigned* bound) {
    if (long rc = alloc_unbound(xen::DOMID_SELF, unbound))
        xt::report_error("alloc_unbound: %ld", rc);
    if (long rc = bind_interdomain(xen::DOMID_SELF, *unbound, bound))
        xt::report_error("bind_interdomain: %ld", rc);
}

inline bool bit(const volatile uint64_t* words, unsigned n) {
    return (__atomic_load_n(&words[n / 64], __ATOMIC_SEQ_CST) >> (n % 64)) & 1;
}
inline bool pending(unsigned port) {
    return bit(xt::shared->evtchn_pending, port);
}
inline bool masked(unsigned port) {
    return bit(xt::shared->evtchn_mask, port);
}
// Polls until the port is pending, for at most ns of system time.
inline bool wait_pending(unsigned port, uint64_t ns) {
    uint64_t end = xt::system_time_ns() + ns;
    while (xt::system_time_ns() < end)
        if (pending(port))
            return true;
    return false;
}
inline void clear_pending(unsigned port) {
    __atomic_fetch_and(&xt::shared->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}
inline void set_mask(unsigned port) {
    __atomic_fetch_or(&xt::shared->evtchn_mask[port / 64], 1ull << (port % 64), __ATOMIC_SEQ_CST);
}

// Another vCPU's vcpu_info (in shared_info: no vCPU here registers its own).
inline xen::vcpu_info* vcpu_info(unsigned id) {
    return &xt::shared->vcpu_info[id];
}
inline bool selected(unsigned id, unsigned port) {
    return (__atomic_load_n(&vcpu_info(id)->evtchn_pending_sel, __ATOMIC_SEQ_CST) >> (port / 64)) &
           1;
}
// Forgets what was raised towards vCPU `id` (its selector word and upcall flag).
inline void clear_vcpu(unsigned id) {
    __atomic_store_n(&vcpu_info(id)->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vcpu_info(id)->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
}

// These tests need a second vCPU that exists but is down (dom0 gets one per CPU, and the
// runners give QEMU two).
inline void need_vcpu1_down() {
    long rc = xt::vcpu_op(xen::VCPUOP_is_up, 1);
    if (rc != 0)
        xt::report_error("VCPUOP_is_up(1) = %ld: need a second vCPU, down", rc);
}

} // namespace ev
