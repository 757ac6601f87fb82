// FIFO priorities: EVTCHNOP_set_priority takes 0 (highest) to 15 for a port in use
// (-EINVAL above 15 or for a port that does not exist, -EACCES for a reserved or free
// one). Each priority has its own queue: sent from 15 down to 0, every HEAD is its port
// and READY has all 16 bits; the walk hands them on from 0 to 15. Within a priority the
// order is the order sent; an event of a higher priority raised while a lower queue is
// being walked comes next. A new priority applies from the port's next link: a port
// linked at 7 stays on queue 7.
#include "evtchn_fifo_util.h"

namespace {

unsigned a[16], b[16];
unsigned urgent_a, urgent_b;

// The first event of queue 9 raises one at priority 0.
void send_urgent(unsigned port) {
    fq::record(port);
    if (port == a[9])
        XT_CHECK_RC(ev::send(urgent_b), 0);
}

} // namespace

void test_main() {
    using namespace xen;
    using namespace xt::fifo;
    XT_CHECK_RC(init(), 0);
    for (unsigned i = 0; i < 16; i++) {
        fq::loopback(&a[i], &b[i]);
        unmask(a[i]);
        XT_CHECK_RC(set_priority(a[i], i), 0);
    }
    XT_CHECK_RC(set_priority(a[0], 16), -XEN_EINVAL);
    XT_CHECK_RC(set_priority(a[0], ~0u), -XEN_EINVAL);
    XT_CHECK_RC(set_priority(0, 3), -XEN_EACCES);
    XT_CHECK_RC(set_priority(63, 3), -XEN_EACCES);
    XT_CHECK_RC(set_priority(5000, 3), -XEN_EINVAL);

    for (unsigned i = 16; i-- > 0;)
        XT_CHECK_RC(ev::send(b[i]), 0);
    XT_CHECK_EQ(fq::ready(), 0xffffu);
    for (unsigned i = 0; i < 16; i++) {
        XT_CHECK_EQ(fq::head(i), a[i]);
        XT_CHECK_EQ(load(a[i]), PENDING | LINKED);
    }
    fq::start_recording();
    consume(0);
    FQ_CHECK_SEEN(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12],
                  a[13], a[14], a[15]);

    // Same priority in the order sent, whatever the port numbers.
    XT_CHECK_RC(set_priority(a[5], 3), 0);
    XT_CHECK_RC(set_priority(a[1], 3), 0);
    XT_CHECK_RC(ev::send(b[15]), 0);
    XT_CHECK_RC(ev::send(b[5]), 0);
    XT_CHECK_RC(ev::send(b[3]), 0);
    XT_CHECK_RC(ev::send(b[1]), 0);
    XT_CHECK_EQ(fq::ready(), (1u << 3) | (1u << 15));
    XT_CHECK_EQ(load(a[5]), PENDING | LINKED | a[3]);
    fq::start_recording();
    consume(0);
    FQ_CHECK_SEEN(a[5], a[3], a[1], a[15]);

    // Priority 0 raised while queue 9 is walked comes before the rest of queue 9.
    fq::loopback(&urgent_a, &urgent_b);
    unmask(urgent_a);
    XT_CHECK_RC(set_priority(urgent_a, 0), 0);
    XT_CHECK_RC(set_priority(a[10], 9), 0);
    XT_CHECK_RC(ev::send(b[9]), 0);
    XT_CHECK_RC(ev::send(b[10]), 0);
    fq::start_recording();
    xt::set_event_hook(send_urgent);
    consume(0);
    FQ_CHECK_SEEN(a[9], urgent_a, a[10]);

    // A linked port keeps its queue; the new priority is used from its next link.
    XT_CHECK_RC(ev::send(b[7]), 0);
    XT_CHECK_RC(set_priority(a[7], 2), 0);
    XT_CHECK_EQ(fq::ready(), 1u << 7);
    XT_CHECK_EQ(fq::head(7), a[7]);
    fq::start_recording();
    consume(0);
    FQ_CHECK_SEEN(a[7]);
    XT_CHECK_RC(ev::send(b[7]), 0);
    XT_CHECK_EQ(fq::ready(), 1u << 2);
    XT_CHECK_EQ(fq::head(2), a[7]);
    consume(0);
    FQ_CHECK_SEEN(a[7], a[7]);
    XT_CHECK_RC(reset(), 0);
    xt::report_success();
}
