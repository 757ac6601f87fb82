// HYPERVISOR_event_channel_op: each sub-op copies its argument in (-EFAULT if it cannot),
// acts, and copies the argument back only on success.
#include "common/domain.h"
#include "common/event_channel.h"
#include "common/event_channel_fifo_hv.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/pirq.h"
#include "public/errno.h"
#include "public/event_channel.h"

namespace {

// Xen's continuation of a preempted EVTCHNOP_reset, reachable by guests too. xenon's reset
// is never preempted, so none is ever under way: Xen's answer then is -EBUSY.
constexpr int kEvtchnopResetCont = 14;

// The common shape: in, act, out on success.
template <typename T, typename Fn> long in_out(uint64_t arg, Fn fn) {
    T op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    long rc = fn(op);
    if (rc == 0 && arch::copy_to_guest(arg, &op, sizeof(op)))
        rc = -xen::XEN_EFAULT;
    return rc;
}

template <typename T, typename Fn> long in_only(uint64_t arg, Fn fn) {
    T op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    return fn(op);
}

} // namespace

long do_event_channel_op(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const int cmd = static_cast<int>(a1);
    const uint64_t arg = a2;
    Domain& self = *current_vcpu()->domain;

    switch (cmd) {
    case xen::EVTCHNOP_alloc_unbound:
        return in_out<xen::evtchn_alloc_unbound>(
            arg, [](auto& op) { return evtchn::alloc_unbound(op); });
    case xen::EVTCHNOP_bind_interdomain:
        return in_out<xen::evtchn_bind_interdomain>(
            arg, [](auto& op) { return evtchn::bind_interdomain(op); });
    case xen::EVTCHNOP_bind_virq:
        return in_out<xen::evtchn_bind_virq>(arg, [](auto& op) { return evtchn::bind_virq(op); });
    case xen::EVTCHNOP_bind_ipi:
        return in_out<xen::evtchn_bind_ipi>(arg, [](auto& op) { return evtchn::bind_ipi(op); });
    case xen::EVTCHNOP_bind_pirq:
        return in_out<xen::evtchn_bind_pirq>(arg, [&](auto& op) -> long {
            if (op.pirq >= nr_pirqs(self))
                return -xen::XEN_EINVAL;
            // Only the hardware domain is permitted physical interrupts.
            if (!self.privileged)
                return -xen::XEN_EPERM;
            return evtchn::bind_pirq(op);
        });
    case xen::EVTCHNOP_close:
        return in_only<xen::evtchn_close>(arg,
                                          [&](auto& op) { return evtchn::close(self, op.port); });
    case xen::EVTCHNOP_send:
        return in_only<xen::evtchn_send>(arg,
                                         [&](auto& op) { return evtchn::send(self, op.port); });
    case xen::EVTCHNOP_status:
        return in_out<xen::evtchn_status>(arg, [](auto& op) { return evtchn::status(op); });
    case xen::EVTCHNOP_bind_vcpu:
        return in_only<xen::evtchn_bind_vcpu>(
            arg, [](auto& op) { return evtchn::bind_vcpu(op.port, op.vcpu); });
    case xen::EVTCHNOP_unmask:
        return in_only<xen::evtchn_unmask>(arg, [](auto& op) { return evtchn::unmask(op.port); });
    case xen::EVTCHNOP_reset:
    case kEvtchnopResetCont:
        return in_only<xen::evtchn_reset>(arg, [&](auto& op) -> long {
            Domain* d = hc::domain_by_any_id(op.dom, self);
            if (!d)
                return -xen::XEN_ESRCH;
            if (d != &self && !self.privileged)
                return -xen::XEN_EPERM;
            return evtchn::reset(*d, cmd == kEvtchnopResetCont);
        });
    case xen::EVTCHNOP_init_control:
        return in_out<xen::evtchn_init_control>(
            arg, [&](auto& op) { return evtchn::init_control(self, op); });
    case xen::EVTCHNOP_expand_array:
        return in_only<xen::evtchn_expand_array>(
            arg, [&](auto& op) { return evtchn::expand_array(self, op.array_gfn); });
    case xen::EVTCHNOP_set_priority:
        return in_only<xen::evtchn_set_priority>(
            arg, [](auto& op) { return evtchn::set_priority(op.port, op.priority); });
    default:
        return -xen::XEN_ENOSYS;
    }
}
