// event_channel_op: unknown command -ENOSYS; unreadable argument -EFAULT; EVTCHNOP_send
// and EVTCHNOP_status on ports that were never allocated -EINVAL.
#include "public/event_channel.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    static evtchn_send s;
    XT_CHECK_RC(xt::event_channel_op(99, &s), -XEN_ENOSYS);
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, reinterpret_cast<void *>(0x1000)), -XEN_EFAULT);
    for (uint32_t port : {999u, 5000u, 100000u}) {
        s.port = port;
        if (long rc = xt::event_channel_op(EVTCHNOP_send, &s); rc != -XEN_EINVAL)
            xt::report_failure("send on port %u: %ld, expected -EINVAL", port, rc);
        evtchn_status st{};
        st.dom = DOMID_SELF;
        st.port = port;
        if (long rc = xt::event_channel_op(EVTCHNOP_status, &st); rc != -XEN_EINVAL)
            xt::report_failure("status of port %u: %ld, expected -EINVAL", port, rc);
    }
    xt::report_success();
}
