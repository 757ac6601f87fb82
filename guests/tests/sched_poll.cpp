// SCHEDOP_poll on a port that stays quiet returns 0 once the timeout (absolute system
// time) passes, not before; on a port that is already pending it returns 0 at once.
#include "public/event_channel.h"
#include "public/sched.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    evtchn_bind_ipi ipi{0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
    evtchn_port_t port = ipi.port;
    uint64_t start = xt::system_time_ns();
    sched_poll poll{make_guest_handle(&port), 1, start + 5000000};
    XT_CHECK_RC(xt::sched_op(SCHEDOP_poll, &poll), 0);
    uint64_t waited = xt::system_time_ns() - start;
    xt::printf("quiet port: returned after %lu ns\n", waited);
    XT_CHECK(waited >= 5000000);

    evtchn_send s{port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0); // events masked: stays pending
    start = xt::system_time_ns();
    poll.timeout = start + 1000000000;
    XT_CHECK_RC(xt::sched_op(SCHEDOP_poll, &poll), 0);
    waited = xt::system_time_ns() - start;
    xt::printf("pending port: returned after %lu ns\n", waited);
    XT_CHECK(waited < 500000000);
    xt::report_success();
}
