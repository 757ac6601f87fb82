// The scheduler as `xl info`, `xl cpupool-list` and `xl sched-credit2 -s` see it under
// Xen 4.17's defaults, dom0 alone on 2 CPUs: XEN_SYSCTL_sched_id is credit2; one pool,
// Pool-0 (id 0), running credit2, with one domain and both CPUs (asking for the pool at
// or after id 1 is -ENOENT); no CPU free; adding a CPU: -ENODEV (past nr_cpu_ids:
// -EINVAL), to no pool: -ENOENT; moving a domain: itself -EPERM, nobody -ESRCH; unknown
// pool op -ENOSYS. The pool's credit2 rate limit: 1000 us, settable within 100..500000
// (or 0) and read back; another pool -ESRCH, another scheduler or command -EINVAL.
#include "toolstack_util.h"

static uint8_t map[8];

static xen::xen_sysctl_cpupool_op& pool_op(uint32_t op, uint32_t pool) {
    auto& p = ts::sysctl_init(xen::XEN_SYSCTL_cpupool_op).u.cpupool_op;
    p.op = op;
    p.cpupool_id = pool;
    memset(map, 0xee, sizeof map);
    p.cpumap = ts::bitmap(map, 8 * sizeof map);
    return p;
}

static long ratelimit(uint32_t cmd, uint32_t us, uint32_t pool = 0,
                      uint32_t sched = xen::XEN_SCHEDULER_CREDIT2) {
    auto& s = ts::sysctl_init(xen::XEN_SYSCTL_scheduler_op).u.scheduler_op;
    s.cpupool_id = pool;
    s.sched_id = sched;
    s.cmd = cmd;
    s.u.sched_credit2.ratelimit_us = us;
    return ts::sysctl();
}

void test_main() {
    using namespace xen;
    ts::sysctl_init(XEN_SYSCTL_sched_id);
    XT_CHECK_RC(ts::sysctl(), 0);
    XT_CHECK_EQ(ts::sc.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT2);

    pool_op(XEN_SYSCTL_CPUPOOL_OP_INFO, 0);
    XT_CHECK_RC(ts::sysctl(), 0);
    const xen_sysctl_cpupool_op& info = ts::sc.u.cpupool_op;
    xt::printf("pool %u sched %u n_dom %u cpus %#x %#x\n", info.cpupool_id, info.sched_id,
               info.n_dom, map[0], map[1]);
    XT_CHECK_EQ(info.cpupool_id, 0);
    XT_CHECK_EQ(info.sched_id, XEN_SCHEDULER_CREDIT2);
    XT_CHECK_EQ(info.n_dom, 1);
    XT_CHECK_EQ(map[0], 0x03);
    for (unsigned i = 1; i < sizeof map; i++)
        XT_CHECK_EQ(map[i], 0); // the guest's bytes past Xen's CPUs are zeroed
    pool_op(XEN_SYSCTL_CPUPOOL_OP_INFO, 1);
    XT_CHECK_RC(ts::sysctl(), -XEN_ENOENT);
    pool_op(XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0);
    XT_CHECK_RC(ts::sysctl(), 0);
    for (uint8_t b : map)
        XT_CHECK_EQ(b, 0);
    pool_op(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0).cpu = XEN_SYSCTL_CPUPOOL_PAR_ANY;
    XT_CHECK_RC(ts::sysctl(), -XEN_ENODEV);
    pool_op(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0).cpu = 1;
    XT_CHECK_RC(ts::sysctl(), -XEN_ENODEV);
    pool_op(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0).cpu = 64;
    XT_CHECK_RC(ts::sysctl(), -XEN_EINVAL);
    pool_op(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 5).cpu = 1;
    XT_CHECK_RC(ts::sysctl(), -XEN_ENOENT);
    pool_op(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0).domid = 0;
    XT_CHECK_RC(ts::sysctl(), -XEN_EPERM);
    pool_op(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0).domid = 7;
    XT_CHECK_RC(ts::sysctl(), -XEN_ESRCH);
    pool_op(XEN_SYSCTL_CPUPOOL_OP_DESTROY, 5);
    XT_CHECK_RC(ts::sysctl(), -XEN_ENOENT);
    pool_op(99, 0);
    XT_CHECK_RC(ts::sysctl(), -XEN_ENOSYS);
    auto& bad = pool_op(XEN_SYSCTL_CPUPOOL_OP_INFO, 0);
    bad.cpumap.bitmap.p = ts::kBadVa;
    XT_CHECK_RC(ts::sysctl(), -XEN_EFAULT);

    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_getinfo, 0), 0);
    XT_CHECK_EQ(ts::sc.u.scheduler_op.u.sched_credit2.ratelimit_us, 1000);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_putinfo, 99), -XEN_EINVAL);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_putinfo, 500001), -XEN_EINVAL);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_putinfo, 2000), 0);
    XT_CHECK_EQ(ts::sc.u.scheduler_op.u.sched_credit2.ratelimit_us, 2000);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_getinfo, 0), 0);
    XT_CHECK_EQ(ts::sc.u.scheduler_op.u.sched_credit2.ratelimit_us, 2000);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_putinfo, 0), 0);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_getinfo, 7), 0);
    XT_CHECK_EQ(ts::sc.u.scheduler_op.u.sched_credit2.ratelimit_us, 0);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_putinfo, 1000), 0);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_getinfo, 0, 1), -XEN_ESRCH);
    XT_CHECK_RC(ratelimit(XEN_SYSCTL_SCHEDOP_getinfo, 0, 0, XEN_SCHEDULER_CREDIT), -XEN_EINVAL);
    XT_CHECK_RC(ratelimit(2, 0), -XEN_EINVAL);
    xt::report_success();
}
