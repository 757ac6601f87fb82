// Time in shared_info: vCPU 0's vcpu_time_info has an even, non-zero version and a
// non-zero tsc_to_system_mul; system time (extrapolated with the TSC) only moves forward
// and advances while the guest runs; the wall clock (wc_version even) is plausible:
// after 2020-01-01 and before 2100.
#include "runtime.h"

void test_main() {
    const volatile xen::vcpu_time_info &t = xt::vcpu->time;
    XT_CHECK(t.version != 0 && (t.version & 1) == 0);
    XT_CHECK(t.tsc_to_system_mul != 0);
    XT_CHECK(t.system_time > 0);
    uint64_t first = xt::system_time_ns(), last = first;
    for (int i = 0; i < 200; i++) {
        xt::sched_op(0);
        uint64_t now = xt::system_time_ns();
        if (now < last)
            xt::report_failure("system time went back: %lu -> %lu", last, now);
        last = now;
    }
    xt::printf("system time %lu -> %lu ns\n", first, last);
    XT_CHECK(last > first);
    XT_CHECK((xt::shared->wc_version & 1) == 0);
    uint64_t sec;
    uint32_t nsec;
    xt::wallclock(&sec, &nsec);
    uint64_t now_sec = sec + (last + nsec) / 1000000000;
    xt::printf("wall clock base %lu.%09u, now %lu\n", sec, nsec, now_sec);
    XT_CHECK(nsec < 1000000000);
    XT_CHECK(now_sec > 1577836800 && now_sec < 4102444800ull);
    xt::report_success();
}
