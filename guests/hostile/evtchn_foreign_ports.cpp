// Event-channel operations on ports the caller does not own (the port numbers another
// domain's channels may well have in its own table):
//   - ports 1..63 (free, inside the first bucket of 64 that every domain has): close,
//     send and bind_vcpu are -EINVAL; unmask is a no-op (0); status says closed;
//   - port 0 (reserved): the same;
//   - ports 64 and up, to 0xffffffff (never allocated): close, send, bind_vcpu, unmask
//     and status are all -EINVAL;
//   - status of a port in a domain that does not exist (12345, DOMID_XEN, DOMID_IO):
//     -ESRCH.
// Then the caller's first allocated port works normally.
#include "hostile.h"

static long op(unsigned cmd, void *a) {
    return xt::event_channel_op(cmd, a);
}

void test_main() {
    using namespace xen;
    for (uint32_t port = 0; port < 64; port++) {
        evtchn_close c{port};
        evtchn_send s{port};
        evtchn_bind_vcpu bv{port, 0};
        evtchn_unmask u{port};
        evtchn_status st{DOMID_SELF, port, 77, 77, {}};
        if (long rc = op(EVTCHNOP_close, &c); rc != -XEN_EINVAL)
            xt::report_failure("close(%u) = %ld, expected -EINVAL", port, rc);
        if (long rc = op(EVTCHNOP_send, &s); rc != -XEN_EINVAL)
            xt::report_failure("send(%u) = %ld, expected -EINVAL", port, rc);
        if (long rc = op(EVTCHNOP_bind_vcpu, &bv); rc != -XEN_EINVAL)
            xt::report_failure("bind_vcpu(%u) = %ld, expected -EINVAL", port, rc);
        if (long rc = op(EVTCHNOP_unmask, &u); rc != 0)
            xt::report_failure("unmask(%u) = %ld, expected 0", port, rc);
        if (long rc = op(EVTCHNOP_status, &st); rc != 0 || st.status != EVTCHNSTAT_closed)
            xt::report_failure("status(%u) = %ld, status %u, expected 0 and closed", port, rc,
                               st.status);
    }
    for (uint32_t port : {64u, 100u, 1000u, 1023u, 1024u, 4095u, 4096u, 65535u, 1u << 17,
                          0x7fffffffu, 0x80000000u, 0xffffffffu}) {
        evtchn_close c{port};
        evtchn_send s{port};
        evtchn_bind_vcpu bv{port, 0};
        evtchn_unmask u{port};
        evtchn_status st{DOMID_SELF, port, 77, 77, {}};
        if (long rc = op(EVTCHNOP_close, &c); rc != -XEN_EINVAL)
            xt::report_failure("close(%u) = %ld, expected -EINVAL", port, rc);
        if (long rc = op(EVTCHNOP_send, &s); rc != -XEN_EINVAL)
            xt::report_failure("send(%u) = %ld, expected -EINVAL", port, rc);
        if (long rc = op(EVTCHNOP_bind_vcpu, &bv); rc != -XEN_EINVAL)
            xt::report_failure("bind_vcpu(%u) = %ld, expected -EINVAL", port, rc);
        if (long rc = op(EVTCHNOP_unmask, &u); rc != -XEN_EINVAL)
            xt::report_failure("unmask(%u) = %ld, expected -EINVAL", port, rc);
        if (long rc = op(EVTCHNOP_status, &st); rc != -XEN_EINVAL)
            xt::report_failure("status(%u) = %ld, expected -EINVAL", port, rc);
    }
    for (uint16_t dom : {uint16_t(12345), DOMID_XEN, DOMID_IO, DOMID_INVALID}) {
        evtchn_status st{dom, 1, 77, 77, {}};
        if (long rc = op(EVTCHNOP_status, &st); rc != -XEN_ESRCH)
            xt::report_failure("status(dom %u) = %ld, expected -ESRCH", dom, rc);
    }
    evtchn_alloc_unbound au{DOMID_SELF, DOMID_SELF, 0};
    XT_CHECK_RC(op(EVTCHNOP_alloc_unbound, &au), 0);
    evtchn_status st{DOMID_SELF, au.port, 0, 0, {}};
    XT_CHECK_RC(op(EVTCHNOP_status, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    hostile::pass();
}
