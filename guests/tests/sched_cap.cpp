// A credit2 cap holds (`xl sched-credit2 -d 0 -c 25`): dom0's vCPU 1 spins on the two
// CPUs (nothing else wants them) while vCPU 0 sleeps; uncapped it runs all the time, with
// dom0 capped at 25 % of one CPU it runs 25 +- 5 % of 10 s of system time (its runstate's
// running time), and uncapped again all the time.
// conformance: timeout=120
#include "sched_util.h"

namespace {

// vCPU 1's share of the next `ns` of system time, in per mille.
uint64_t share_over(uint64_t ns) {
    uint64_t r0 = sch::running_ns(1), t0 = xt::system_time_ns();
    xt::sleep_ns(ns);
    uint64_t r1 = sch::running_ns(1), t1 = xt::system_time_ns();
    return sch::permille(r1 - r0, t1 - t0);
}

} // namespace

void test_main() {
    vc::need_vcpu1_down();
    sch::start_spinner(1);
    uint64_t before = share_over(1'000'000'000);
    xt::printf("uncapped: vCPU 1 ran %lu per mille\n", before);
    XT_CHECK(before >= 900 && before <= 1010);

    sch::set_credit2(0, 256, 25);
    xt::sleep_ns(100'000'000); // the cap's first period
    uint64_t capped = share_over(10'000'000'000);
    xt::printf("capped at 25 %%: vCPU 1 ran %lu per mille of 10 s\n", capped);
    sch::set_credit2(0, 256, 0);
    XT_CHECK(capped >= 200 && capped <= 300);

    uint64_t after = share_over(1'000'000'000);
    xt::printf("uncapped again: vCPU 1 ran %lu per mille\n", after);
    XT_CHECK(after >= 900 && after <= 1010);
    __atomic_store_n(&sch::stop_spinning, 1, __ATOMIC_RELEASE);
    xt::report_success();
}
