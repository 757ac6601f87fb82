// Hard affinity is obeyed (`xl vcpu-pin`), on dom0's two vCPUs and two CPUs: vCPU 1 spins
// counting; pinned to CPU 1 (vCPU 0 to CPU 0), XEN_DOMCTL_getvcpuinfo shows it on CPU 1
// in every one of 400 samples over at least 0.4 s and its count grows; pinned to CPU 0
// beside vCPU 0, it shows on CPU 0 only and still makes progress (the two share CPU 0).
#include "toolstack_util.h"
#include "vcpu_util.h"

namespace {

volatile uint64_t count;
volatile unsigned stop;

void spinner(void*) {
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
        __atomic_store_n(&count, count + 1, __ATOMIC_RELEASE);
}

uint8_t hard[8], soft[8];

void pin(uint32_t vcpu, uint8_t cpus) {
    memset(hard, 0, sizeof hard);
    hard[0] = cpus;
    auto& a = ts::domctl_init(xen::XEN_DOMCTL_setvcpuaffinity, 0).u.vcpuaffinity;
    a.vcpu = vcpu;
    a.flags = xen::XEN_VCPUAFFINITY_HARD;
    a.cpumap_hard = ts::bitmap(hard, 64);
    a.cpumap_soft = ts::bitmap(soft, 64);
    XT_CHECK_RC(ts::domctl(), 0);
}

xen::xen_domctl_getvcpuinfo info(uint32_t vcpu) {
    ts::domctl_init(xen::XEN_DOMCTL_getvcpuinfo, 0).u.getvcpuinfo.vcpu = vcpu;
    XT_CHECK_RC(ts::domctl(), 0);
    return ts::dc.u.getvcpuinfo;
}

void spin_ns(uint64_t ns) {
    uint64_t end = xt::system_time_ns() + ns;
    while (xt::system_time_ns() < end)
        asm volatile("pause");
}

// 400 samples at least 1 ms apart: vCPU 1 is always on `cpu`, and counts on.
void expect_only_on(uint32_t cpu) {
    spin_ns(20'000'000); // a running vCPU moves at its CPU's next decision
    uint64_t before = count;
    for (unsigned i = 0; i < 400; i++) {
        xen::xen_domctl_getvcpuinfo vi = info(1);
        if (vi.cpu != cpu)
            xt::report_failure("sample %u: vCPU 1 on CPU %u, pinned to %u", i, vi.cpu, cpu);
        XT_CHECK_EQ(vi.online, 1);
        spin_ns(1'000'000);
    }
    XT_CHECK(count > before);
}

} // namespace

void test_main() {
    vc::need_vcpu1_down();
    XT_CHECK_RC(xt::start_vcpu(1, spinner, nullptr), 0);
    vc::wait_runstate(1, xen::RUNSTATE_running, 5'000'000'000, "vCPU 1 started");
    pin(0, 0x01);
    pin(1, 0x02);
    expect_only_on(1);
    XT_CHECK_EQ(info(0).cpu, 0);
    pin(1, 0x01);
    expect_only_on(0);
    pin(0, 0x03);
    pin(1, 0x03);
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    vc::wait_runstate(1, xen::RUNSTATE_offline, 5'000'000'000, "after its entry returned");
    xt::report_success();
}
