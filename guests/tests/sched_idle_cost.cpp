// An idle domain costs next to nothing: dom0, alone, sleeps 10 s in one single-shot timer
// (no periodic tick); XEN_SYSCTL_getcpuinfo says each of the two CPUs was idle at least
// 99 % of that time (whatever the hypervisor itself did on them counts against it), and
// vCPU 0's runstate shows it ran under 1 % of it.
// conformance: timeout=120
#include "sched_util.h"

namespace {

xen::xen_sysctl_cpuinfo cpus[2];

void idle_times(uint64_t out[2]) {
    auto& g = ts::sysctl_init(xen::XEN_SYSCTL_getcpuinfo).u.getcpuinfo;
    g.max_cpus = 2;
    g.info.p = reinterpret_cast<uint64_t>(cpus);
    XT_CHECK_RC(ts::sysctl(), 0);
    XT_CHECK_EQ(ts::sc.u.getcpuinfo.nr_cpus, 2);
    out[0] = cpus[0].idletime;
    out[1] = cpus[1].idletime;
}

} // namespace

void test_main() {
    vc::need_vcpu1_down();
    xt::sleep_ns(100'000'000); // binds the timer, stops the periodic tick
    uint64_t i0[2], i1[2];
    idle_times(i0);
    uint64_t r0 = sch::running_ns(0), t0 = xt::system_time_ns();
    xt::sleep_ns(10'000'000'000);
    uint64_t r1 = sch::running_ns(0), t1 = xt::system_time_ns();
    idle_times(i1);
    uint64_t elapsed = t1 - t0;
    for (unsigned cpu = 0; cpu < 2; cpu++) {
        uint64_t idle = sch::permille(i1[cpu] - i0[cpu], elapsed);
        xt::printf("CPU %u idle %lu per mille of %lu ms\n", cpu, idle, elapsed / 1'000'000);
        if (idle < 990)
            xt::report_failure("CPU %u idle only %lu per mille", cpu, idle);
    }
    uint64_t ran_us = (r1 - r0) / 1000;
    xt::printf("dom0 ran %lu us of %lu ms\n", ran_us, elapsed / 1'000'000);
    XT_CHECK(sch::permille(r1 - r0, elapsed) < 10);
    xt::report_success();
}
