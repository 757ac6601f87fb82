// XEN_DOMCTL_scheduler_op as `xl sched-credit2 -d` uses it, on dom0 under Xen 4.17's
// default credit2: weight 256, no cap; putinfo sets what is nonzero of the weight and
// takes the cap as given (0: uncapped); a cap above 100 per vCPU is -EINVAL after the
// weight was already taken; per-vCPU parameters, another scheduler or an unknown command
// -EINVAL, with the argument written back all the same; no such domain -ESRCH.
#include "toolstack_util.h"

static long sched(uint32_t cmd, uint16_t weight = 0, uint16_t cap = 0,
                  uint32_t id = xen::XEN_SCHEDULER_CREDIT2) {
    auto& s = ts::domctl_init(xen::XEN_DOMCTL_scheduler_op, 0).u.scheduler_op;
    s.sched_id = id;
    s.cmd = cmd;
    s.u.credit2.weight = weight;
    s.u.credit2.cap = cap;
    return ts::domctl();
}

static void expect(uint16_t weight, uint16_t cap) {
    XT_CHECK_RC(sched(xen::XEN_DOMCTL_SCHEDOP_getinfo, 1, 1), 0);
    XT_CHECK_EQ(ts::dc.u.scheduler_op.u.credit2.weight, weight);
    XT_CHECK_EQ(ts::dc.u.scheduler_op.u.credit2.cap, cap);
}

void test_main() {
    using namespace xen;
    ts::domctl_init(XEN_DOMCTL_getdomaininfo, 0);
    XT_CHECK_RC(ts::domctl(), 0);
    const uint32_t vcpus = ts::dc.u.getdomaininfo.max_vcpu_id + 1;
    xt::printf("dom0 has %u vCPUs\n", vcpus);

    expect(256, 0);
    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_putinfo, 512, 0), 0);
    expect(512, 0);
    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_putinfo, 0, 50), 0);
    expect(512, 50);
    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_putinfo, 300, uint16_t(100 * vcpus)), 0);
    expect(300, uint16_t(100 * vcpus));
    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_putinfo, 0, 0), 0);
    expect(300, 0);
    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_putinfo, 700, uint16_t(100 * vcpus + 1)), -XEN_EINVAL);
    expect(700, 0);

    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_getinfo, 0, 0, XEN_SCHEDULER_CREDIT), -XEN_EINVAL);
    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_getvcpuinfo), -XEN_EINVAL);
    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_putvcpuinfo), -XEN_EINVAL);
    XT_CHECK_RC(sched(4, 9, 9), -XEN_EINVAL);
    XT_CHECK_EQ(ts::dc.u.scheduler_op.u.credit2.weight, 9); // copied back as it was
    auto& other = ts::domctl_init(XEN_DOMCTL_scheduler_op, 9).u.scheduler_op;
    other.sched_id = XEN_SCHEDULER_CREDIT2;
    other.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    XT_CHECK_RC(ts::domctl(), -XEN_ESRCH);

    XT_CHECK_RC(sched(XEN_DOMCTL_SCHEDOP_putinfo, 256, 0), 0);
    expect(256, 0);
    xt::report_success();
}
