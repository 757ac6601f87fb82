// VCPUOP_set_singleshot_timer is only for the calling vCPU (another one: -EINVAL); an
// unreadable argument is -EFAULT; a deadline in the past is accepted (Xen 4.17 returns 0
// even with VCPU_SSHOTTMR_future) and fires at once; stop returns 0.
#include "public/sched.h"
#include "public/vcpu.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    vcpu_set_singleshot_timer t{xt::system_time_ns() + 1000000000, 0};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_singleshot_timer, 1, &t), -XEN_EINVAL);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_singleshot_timer, 0, reinterpret_cast<void *>(0x1000)),
                -XEN_EFAULT);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_stop_singleshot_timer, 0), 0);
    xt::timer_init();
    unsigned before = xt::event_count[xt::timer_port];
    t = {1000, VCPU_SSHOTTMR_future};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    for (int i = 0; i < 1000 && xt::event_count[xt::timer_port] == before; i++)
        xt::sched_op(SCHEDOP_block);
    XT_CHECK(xt::event_count[xt::timer_port] > before);
    xt::report_success();
}
