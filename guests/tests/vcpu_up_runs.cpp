// VCPUOP_initialise + VCPUOP_up start vCPU 1 at its entry on its own stack; the two vCPUs
// then run at the same time: they hand a token back and forth through shared memory
// (each spins, never yields) 2000 times, and while vCPU 0 runs it sees vCPU 1 running too.
// On a single CPU the hand-over would wait for time slices and take far longer.
#include "vcpu_util.h"

extern "C" char xt_boot_stack_top[]; // vCPU 0's stack: 64 KiB below this (head.S)

namespace {

volatile unsigned token;   // whose turn: odd for vCPU 1, even for vCPU 0
volatile unsigned written; // vCPU 1's first write
volatile uint64_t seen_rsp;
constexpr unsigned kRounds = 2000;

void secondary(void* arg) {
    uint64_t rsp;
    asm volatile("mov %%rsp, %0" : "=r"(rsp));
    seen_rsp = rsp;
    written = static_cast<unsigned>(reinterpret_cast<uint64_t>(arg));
    for (unsigned i = 0; i < kRounds; i++) {
        while (__atomic_load_n(&token, __ATOMIC_ACQUIRE) != 2 * i + 1)
            asm volatile("pause");
        __atomic_store_n(&token, 2 * i + 2, __ATOMIC_RELEASE);
    }
}

} // namespace

void test_main() {
    vc::need_vcpu1_down();
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_up, 1), -xen::XEN_EINVAL); // no context yet
    uint64_t my_rsp;
    asm volatile("mov %%rsp, %0" : "=r"(my_rsp));
    XT_CHECK_RC(xt::start_vcpu(1, secondary, reinterpret_cast<void*>(0x5eed)), 0);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_is_up, 1), 1);

    vc::wait_flag(&written, 0x5eed, 5000000000ull, "vCPU 1 never wrote its value");
    uint64_t rsp = seen_rsp;
    xt::printf("vCPU 1 ran with rsp %#lx (vCPU 0: %#lx)\n", rsp, my_rsp);
    uint64_t boot_top = reinterpret_cast<uint64_t>(xt_boot_stack_top);
    XT_CHECK(my_rsp < boot_top && my_rsp > boot_top - 65536);
    XT_CHECK(!(rsp < boot_top && rsp > boot_top - 65536)); // a stack of its own

    uint64_t start = xt::system_time_ns();
    bool both_running = false;
    for (unsigned i = 0; i < kRounds; i++) {
        __atomic_store_n(&token, 2 * i + 1, __ATOMIC_RELEASE);
        if (i == kRounds / 2)
            both_running = vc::runstate(1) == xen::RUNSTATE_running;
        uint64_t end = xt::system_time_ns() + 5000000000ull;
        while (__atomic_load_n(&token, __ATOMIC_ACQUIRE) != 2 * i + 2)
            if (xt::system_time_ns() > end)
                xt::report_failure("round %u: vCPU 1 did not answer", i);
    }
    uint64_t took = xt::system_time_ns() - start;
    xt::printf("%u hand-overs in %lu us\n", kRounds, took / 1000);
    XT_CHECK(both_running);
    // 2000 hand-overs on one CPU would need a time slice each (milliseconds apiece).
    XT_CHECK(took < 2000000000ull);
    // Its entry function returned: the runtime takes it down.
    vc::wait_runstate(1, xen::RUNSTATE_offline, 5000000000ull, "after its entry returned");
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_is_up, 1), 0);
    xt::report_success();
}
