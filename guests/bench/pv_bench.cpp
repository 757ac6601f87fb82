// In-guest microbenchmarks of the PV paths, run as dom0 on xenon and on Xen 4.17 with the
// same binary (scripts/bench-pv). Each figure is the median TSC delta of many iterations,
// so one slow iteration (an interrupt, an emulator hiccup) does not move it.
//
// Output: one line per benchmark, `bench: <name> median=<cycles> iterations=<n>`, then
// the usual verdict line.
#include "public/version.h"
#include "public/xen.h"
#include "runtime.h"
#include "user.h"

namespace {

constexpr unsigned kSamples = 2001;
uint64_t samples[kSamples];

// Quickselect: the k-th smallest of a[0..n), in place.
uint64_t select_kth(uint64_t* a, unsigned n, unsigned k) {
    unsigned lo = 0, hi = n - 1;
    while (lo < hi) {
        uint64_t pivot = a[(lo + hi) / 2];
        unsigned i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                uint64_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return a[k];
}

void report(const char* name) {
    xt::printf("bench: %s median=%lu iterations=%u\n", name,
               select_kth(samples, kSamples, kSamples / 2), kSamples);
}

// In guest user mode: a system call to the guest kernel and back, per iteration.
void user_syscall_loop() {
    for (unsigned i = 0; i < 50; i++)
        xt::user_syscall(i);
    for (unsigned i = 0; i < kSamples; i++) {
        uint64_t start = xt::rdtsc();
        xt::user_syscall(i);
        samples[i] = xt::rdtsc() - start;
    }
    xt::user_exit(0);
}

template <typename Fn> void run(const char* name, Fn body) {
    for (unsigned i = 0; i < 50; i++) // warm up caches and the emulator's translations
        body();
    for (unsigned i = 0; i < kSamples; i++) {
        uint64_t start = xt::rdtsc();
        body();
        samples[i] = xt::rdtsc() - start;
    }
    report(name);
}

bool skip_ud2(xt::trap_frame* f) {
    f->rip += 2;
    return true;
}

bool skip_int3(xt::trap_frame*) { return true; } // rip is already past the int3

xen::multicall_entry calls[32];

} // namespace

void test_main() {
    run("null_hypercall", [] { xt::xen_version(xen::XENVER_version); });

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
    report("syscall_user_to_kernel");
    xt::report_success();
}
