// sched_op with targets that do not exist or arguments out of range:
//   SCHEDOP_remote_shutdown of domain 12345, DOMID_SELF, DOMID_XEN, DOMID_IDLE, 0xffff
//       -> -ESRCH (the caller is not shut down: DOMID_SELF is not a domain id here)
//   SCHEDOP_watchdog destroying a watchdog that does not exist (id 12345) -> -EINVAL
//   SCHEDOP_poll with more ports than allowed (1000) -> -EINVAL; a port that does not
//       exist (5000, 0xffffffff) -> -EINVAL; the port list unreadable -> -EFAULT
//   an unknown sub-op (99) -> -ENOSYS
#include "hostile.h"

void test_main() {
    using namespace xen;
    for (uint16_t dom : {uint16_t(12345), DOMID_SELF, DOMID_XEN, DOMID_IDLE, uint16_t(0xffff)}) {
        sched_remote_shutdown rs{dom, SHUTDOWN_poweroff};
        if (long rc = xt::sched_op(SCHEDOP_remote_shutdown, &rs); rc != -XEN_ESRCH)
            xt::report_failure("remote_shutdown(%u) = %ld, expected -ESRCH", dom, rc);
        rs = {dom, SHUTDOWN_crash};
        if (long rc = xt::sched_op(SCHEDOP_remote_shutdown, &rs); rc != -XEN_ESRCH)
            xt::report_failure("remote_shutdown(%u, crash) = %ld, expected -ESRCH", dom, rc);
    }
    sched_watchdog wd{12345, 0};
    XT_CHECK_RC(xt::sched_op(SCHEDOP_watchdog, &wd), -XEN_EINVAL);
    static uint32_t ports[4] = {1, 2, 3, 4};
    sched_poll p{{reinterpret_cast<uint64_t>(ports)}, 1000, 1};
    XT_CHECK_RC(xt::sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
    ports[0] = 5000;
    p = {{reinterpret_cast<uint64_t>(ports)}, 1, 1};
    XT_CHECK_RC(xt::sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
    ports[0] = 0xffffffff;
    XT_CHECK_RC(xt::sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::XEN_DIRECTMAP, hostile::NONCANON_LOW}) {
        p = {{bad}, 1, 1};
        XT_CHECK_RC(xt::sched_op(SCHEDOP_poll, &p), -XEN_EFAULT);
    }
    XT_CHECK_RC(xt::sched_op(99), -XEN_ENOSYS);
    XT_CHECK_RC(xt::sched_op(0xffffffff), -XEN_ENOSYS);
    XT_CHECK_RC(xt::sched_op(SCHEDOP_yield), 0);
    hostile::pass();
}
