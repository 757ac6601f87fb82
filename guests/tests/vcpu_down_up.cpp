// VCPUOP_down on a running secondary vCPU stops it where it is (is_up 0, runstate
// offline, its counter stops); VCPUOP_up resumes it there: the counter goes on from the
// same value and its entry function is not entered again. Its context stays: a second
// VCPUOP_initialise is -EEXIST.
#include "vcpu_util.h"

namespace {

volatile unsigned entries;
volatile uint64_t counter;

void secondary(void*) {
    entries = entries + 1;
    for (;;)
        counter = counter + 1;
}

uint64_t advancing(const char* what) {
    uint64_t before = counter, end = xt::system_time_ns() + 5000000000ull;
    while (counter == before)
        if (xt::system_time_ns() > end)
            xt::report_failure("%s: vCPU 1's counter does not move", what);
    return counter;
}

void spin_ns(uint64_t ns) {
    uint64_t end = xt::system_time_ns() + ns;
    while (xt::system_time_ns() < end)
        asm volatile("pause");
}

} // namespace

void test_main() {
    vc::need_vcpu1_down();
    XT_CHECK_RC(xt::start_vcpu(1, secondary, nullptr), 0);
    advancing("after up");

    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_down, 1), 0);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_is_up, 1), 0);
    vc::wait_runstate(1, xen::RUNSTATE_offline, 5000000000ull, "after down");
    uint64_t stopped = counter;
    spin_ns(50000000);
    XT_CHECK_EQ(counter, stopped);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_down, 1), 0); // already down: nothing changes

    static xen::vcpu_guest_context ctxt;
    xt::vcpu_context(&ctxt, 1, secondary, nullptr, nullptr);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 1, &ctxt), -xen::XEN_EEXIST);

    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_up, 1), 0);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_is_up, 1), 1);
    uint64_t resumed = advancing("after up again");
    xt::printf("stopped at %lu, resumed to %lu\n", stopped, resumed);
    XT_CHECK(resumed > stopped);
    XT_CHECK_EQ(entries, 1u);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_up, 1), 0); // already up
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_down, 1), 0);
    xt::report_success();
}
