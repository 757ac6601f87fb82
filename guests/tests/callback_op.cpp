// callback_op: registering the event callback (also with the old set_callbacks
// hypercall) returns 0, at a non-canonical address -EINVAL; the event and failsafe
// callbacks cannot be unregistered (-EINVAL), the NMI one can (0); unknown callback types
// and commands are -ENOSYS; an unreadable argument -EFAULT. Events still arrive after.
#include "public/callback.h"
#include "public/event_channel.h"
#include "runtime.h"

extern "C" void xt_event_entry();
extern "C" void xt_failsafe_entry();

void test_main() {
    using namespace xen;
    uint64_t entry = reinterpret_cast<uint64_t>(xt_event_entry);
    callback_register r{CALLBACKTYPE_event, CALLBACKF_mask_events, entry};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, &r), 0);
    r.address = 0x8000000000000000;
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, &r), -XEN_EINVAL);
    r = {99, 0, entry};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, &r), -XEN_ENOSYS);
    r = {CALLBACKTYPE_nmi, 0, entry};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, &r), 0);
    callback_unregister u{CALLBACKTYPE_nmi, 0};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_unregister, &u), 0);
    u.type = CALLBACKTYPE_event;
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_unregister, &u), -XEN_EINVAL);
    u.type = CALLBACKTYPE_failsafe;
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_unregister, &u), -XEN_EINVAL);
    u.type = 99;
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_unregister, &u), -XEN_ENOSYS);
    XT_CHECK_RC(xt::callback_op(2, &u), -XEN_ENOSYS);
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, reinterpret_cast<void *>(0x1000)), -XEN_EFAULT);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_callbacks, entry,
                              reinterpret_cast<uint64_t>(xt_failsafe_entry), 0), 0);

    evtchn_bind_ipi ipi{0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
    xt::unmask_port(ipi.port);
    xt::unmask_events();
    evtchn_send s{ipi.port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK_EQ(xt::event_count[ipi.port], 1);
    xt::report_success();
}
