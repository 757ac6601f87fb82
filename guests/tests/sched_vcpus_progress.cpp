// Four vCPUs of one domain on two CPUs all make progress (dom0_max_vcpus=4): vCPUs 1-3
// spin counting while vCPU 0 spins reading the clock for 10 s of system time; each of the
// four runs at least 30 % of it (50 % is the fair share), together no more than the two
// CPUs, and every count grows.
// conformance: timeout=120
// conformance: hv-args=dom0_max_vcpus=4
#include "sched_util.h"

void test_main() {
    ts::domctl_init(xen::XEN_DOMCTL_getdomaininfo, 0);
    XT_CHECK_RC(ts::domctl(), 0);
    if (ts::dc.u.getdomaininfo.max_vcpu_id + 1 != 4)
        xt::report_error("dom0 has %u vCPUs, needs dom0_max_vcpus=4",
                         ts::dc.u.getdomaininfo.max_vcpu_id + 1);
    for (unsigned id = 1; id < 4; id++)
        sch::start_spinner(id);

    uint64_t r0[4], c0[4], t0 = xt::system_time_ns();
    for (unsigned id = 0; id < 4; id++) {
        r0[id] = sch::running_ns(id);
        c0[id] = sch::spins[id];
    }
    while (xt::system_time_ns() - t0 < 10'000'000'000)
        asm volatile("pause");
    uint64_t elapsed = xt::system_time_ns() - t0, total = 0;
    for (unsigned id = 0; id < 4; id++) {
        uint64_t share = sch::permille(sch::running_ns(id) - r0[id], elapsed);
        total += share;
        xt::printf("vCPU %u ran %lu per mille of %lu ms\n", id, share, elapsed / 1'000'000);
        if (share < 300)
            xt::report_failure("vCPU %u ran only %lu per mille", id, share);
        if (id && sch::spins[id] == c0[id])
            xt::report_failure("vCPU %u counted nothing", id);
    }
    __atomic_store_n(&sch::stop_spinning, 1, __ATOMIC_RELEASE);
    XT_CHECK(total <= 2020);
    xt::report_success();
}
