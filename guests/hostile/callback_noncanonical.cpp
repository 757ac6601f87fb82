// CALLBACKOP_register with a non-canonical address is -EINVAL for every callback type
// (event, failsafe, syscall, NMI); an unknown type or sub-op is -ENOSYS; the event
// callback cannot be unregistered (-EINVAL). The old set_callbacks hypercall answers 0
// even for non-canonical addresses but installs none of them. Throughout, events still
// reach the runtime's callback (a loopback channel is signalled at the end).
#include "hostile.h"
#include "public/callback.h"

void test_main() {
    using namespace xen;
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::NONCANON_LOW, hostile::NONCANON_HIGH,
                                                        hostile::NONCANON_MID}) {
        for (uint16_t type : {CALLBACKTYPE_event, CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall,
                              CALLBACKTYPE_nmi}) {
            callback_register cb{type, CALLBACKF_mask_events, bad};
            long rc = xt::callback_op(CALLBACKOP_register, &cb);
            if (rc != -XEN_EINVAL)
                xt::report_failure("callback type %u at %#lx: %ld, expected -EINVAL", type, bad, rc);
        }
    }
    callback_register cb{99, 0, reinterpret_cast<uint64_t>(&test_main)};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, &cb), -XEN_ENOSYS);
    XT_CHECK_RC(xt::callback_op(99, &cb), -XEN_ENOSYS);
    callback_unregister un{CALLBACKTYPE_event};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_unregister, &un), -XEN_EINVAL);
    un = {99};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_unregister, &un), -XEN_ENOSYS);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_callbacks, hostile::NONCANON_LOW, hostile::NONCANON_MID,
                              hostile::NONCANON_HIGH),
                0);

    evtchn_alloc_unbound au{DOMID_SELF, DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    evtchn_bind_interdomain bi{DOMID_SELF, au.port, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    xt::unmask_port(au.port);
    xt::unmask_events();
    evtchn_send s{bi.local_port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK_EQ(xt::event_count[au.port], 1);
    hostile::pass();
}
