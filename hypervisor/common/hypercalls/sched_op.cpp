// HYPERVISOR_sched_op and the legacy sched_op_compat: give up the CPU, sleep until an
// event, poll ports, shut the domain down.
#include "common/domain.h"
#include "common/event_channel.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/sched/sched.h"
#include "common/vcpu_time.h"
#include "public/errno.h"
#include "public/sched.h"

namespace {

constexpr uint32_t kWatchdogs = 2; // Xen's NR_DOMAIN_WATCHDOG_TIMERS

// SCHEDOP_block: events are enabled, then the vCPU sleeps unless one is already waiting
// (checked after marking it blocked, so that a racing event wakes it).
long block() {
    Vcpu& v = *current_vcpu();
    v.vcpu_info->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    sched_block_current();
    if (evtchn::events_need_delivery(v))
        vcpu_wake(&v);
    return 0;
}

// The first reason given (SCHEDOP_shutdown_code or a shutdown) is the one that counts.
void shutdown(Domain& d, uint8_t reason) {
    if (!d.shutdown_code_set) {
        d.shutdown_code = reason;
        d.shutdown_code_set = true;
    }
    domain_shutdown(d, d.shutdown_code);
}

long poll(const xen::sched_poll& p) {
    Vcpu& v = *current_vcpu();
    Domain& d = *v.domain;
    if (p.nr_ports > 128) // Xen's limit
        return -xen::XEN_EINVAL;
    if (!hc::guest_handle_okay(p.ports.p, p.nr_ports, sizeof(uint32_t)))
        return -xen::XEN_EFAULT;

    sched_block_current();
    v.poll_port = 0;
    __atomic_store_n(&v.polling, true, __ATOMIC_SEQ_CST);
    auto abandon = [&](long rc) {
        __atomic_store_n(&v.polling, false, __ATOMIC_SEQ_CST);
        v.poll_port = 0;
        vcpu_wake(&v);
        return rc;
    };
    if (evtchn::events_need_delivery(v))
        return abandon(0);
    uint32_t port = 0;
    for (uint32_t i = 0; i < p.nr_ports; i++) {
        if (arch::get_guest(port, p.ports.p + i * sizeof(uint32_t)))
            return abandon(-xen::XEN_EFAULT);
        int rc = evtchn::port_poll(d, port);
        if (rc)
            return abandon(rc > 0 ? 0 : rc);
    }
    if (p.nr_ports == 1)
        v.poll_port = port;
    if (!__atomic_load_n(&v.polling, __ATOMIC_SEQ_CST))
        return 0; // woken already
    if (p.timeout)
        vcpu_set_poll_timeout(v, p.timeout);
    return 0;
}

} // namespace

long do_sched_op(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const int cmd = static_cast<int>(a1);
    const uint64_t arg = a2;
    Vcpu& v = *current_vcpu();
    Domain& d = *v.domain;

    switch (cmd) {
    case xen::SCHEDOP_yield:
        sched_yield_current();
        return 0;

    case xen::SCHEDOP_block:
        return block();

    case xen::SCHEDOP_shutdown: {
        xen::sched_shutdown s;
        if (arch::copy_from_guest(&s, arg, sizeof(s)))
            return -xen::XEN_EFAULT;
        shutdown(d, static_cast<uint8_t>(s.reason)); // Xen keeps the low byte
        return 0;
    }

    case xen::SCHEDOP_shutdown_code: {
        xen::sched_shutdown s;
        if (arch::copy_from_guest(&s, arg, sizeof(s)))
            return -xen::XEN_EFAULT;
        if (!d.shutdown_code_set) {
            d.shutdown_code = static_cast<uint8_t>(s.reason);
            d.shutdown_code_set = true;
        }
        return 0;
    }

    case xen::SCHEDOP_poll: {
        xen::sched_poll p;
        if (arch::copy_from_guest(&p, arg, sizeof(p)))
            return -xen::XEN_EFAULT;
        return poll(p);
    }

    case xen::SCHEDOP_remote_shutdown: {
        xen::sched_remote_shutdown r;
        if (arch::copy_from_guest(&r, arg, sizeof(r)))
            return -xen::XEN_EFAULT;
        Domain* target = hc::domain_by_id(r.domain_id); // DOMID_SELF is not accepted here
        if (!target)
            return -xen::XEN_ESRCH;
        if (!d.privileged) // a device model for the target would do too; none exist
            return -xen::XEN_EPERM;
        shutdown(*target, static_cast<uint8_t>(r.reason));
        return 0;
    }

    case xen::SCHEDOP_watchdog: {
        xen::sched_watchdog w;
        if (arch::copy_from_guest(&w, arg, sizeof(w)))
            return -xen::XEN_EFAULT;
        // Xen has two watchdogs per domain, ids 1 and 2; asking after an id that is not
        // armed is -EINVAL. Arming one (id 0) is not implemented yet: its expiry must shut
        // the domain down from timer context, which needs a deferred-work mechanism.
        if (w.id > kWatchdogs)
            return -xen::XEN_EINVAL;
        if (w.id != 0)
            return -xen::XEN_EINVAL; // none is ever armed
        return -xen::XEN_ENOSYS;
    }

    default:
        // SCHEDOP_pin_override is not implemented yet.
        return -xen::XEN_ENOSYS;
    }
}

// The pre-3.0.2 interface: the argument is the value itself, not a pointer.
long do_sched_op_compat(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const int cmd = static_cast<int>(a1);
    switch (cmd) {
    case xen::SCHEDOP_yield:
    case xen::SCHEDOP_block:
        return do_sched_op(a1, 0, 0, 0, 0);
    case xen::SCHEDOP_shutdown:
        shutdown(*current_vcpu()->domain, static_cast<uint8_t>(a2));
        return 0;
    default:
        return -xen::XEN_ENOSYS;
    }
}
