// In-guest microbenchmarks of the PV paths, run as dom0 on xenon and on Xen 4.17 with the
// same binary (scripts/bench-pv). Each figure is the median TSC delta of many iterations,
// so one slow iteration (an interrupt, an emulator hiccup) does not move it.
//
// Output: one line per benchmark, `bench: <name> median=<cycles> iterations=<n>`, then
// the usual verdict line.
#include "bench.h"
#include "public/version.h"
#include "public/xen.h"
#include "runtime.h"
#include "user.h"

namespace {

uint64_t user_samples[bench::kSamples];

// In guest user mode: a system call to the guest kernel and back, per iteration.
void user_syscall_loop() {
    for (unsigned i = 0; i < bench::kWarmup; i++)
        xt::user_syscall(i);
    for (unsigned i = 0; i < bench::kSamples; i++) {
        uint64_t start = xt::rdtsc();
        xt::user_syscall(i);
        user_samples[i] = xt::rdtsc() - start;
    }
    xt::user_exit(0);
}

template <typename Fn> void run(const char* name, Fn body) {
    bench::run(
        name, [&](unsigned) { body(); }, [](unsigned) {});
}

bool skip_ud2(xt::trap_frame* f) {
    f->rip += 2;
    return true;
}

bool skip_int3(xt::trap_frame*) {
    return true;
} // rip is already past the int3

xen::multicall_entry calls[32];

} // namespace

void test_main() {
    run("null_hypercall", [] { xt::xen_version(xen::XENVER_version); });
    // Through the hypercall page's stub (which saves rcx and r11 around its SYSCALL).
    run("null_hypercall_page",
        [] { xt::page_hypercall(xen::HYPERVISOR_xen_version, xen::XENVER_version); });

    xt::set_trap_hook(xt::VEC_UD, skip_ud2);
    run("trap_bounce_ud", [] { asm volatile("ud2" ::: "memory"); });

    xt::set_trap_hook(xt::VEC_BP, skip_int3);
    run("trap_bounce_int3", [] { asm volatile("int3" ::: "memory"); });

    for (auto& c : calls) {
        c.op = xen::HYPERVISOR_xen_version;
        c.args[0] = xen::XENVER_version;
    }
    run("multicall_32", [] {
        if (xt::multicall(calls, 32) != 0)
            xt::report_error("multicall failed");
    });
    if (long rc = xt::user_mode_init())
        xt::report_error("user mode set-up failed: %ld", rc);
    xt::run_in_user_mode(user_syscall_loop);
    xt::printf("bench: syscall_user_to_kernel median=%lu iterations=%u\n",
               bench::select_kth(user_samples, bench::kSamples, bench::kSamples / 2),
               bench::kSamples);
    xt::report_success();
}
