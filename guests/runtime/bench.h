// In-guest microbenchmark harness (guests/bench/*.cpp, run by scripts/bench-pv): each
// figure is the median TSC delta of kSamples timed iterations after a warm-up, so one slow
// iteration (an interrupt, an emulator hiccup) does not move it.
//
// Output: one line per benchmark, `bench: <name> median=<cycles> iterations=<n>`, or
// `bench: <name> median=n/a iterations=0 (<why>)` when the path does not exist on this
// hypervisor; then the usual verdict line.
#pragma once
#include "runtime.h"

namespace bench {

inline constexpr unsigned kWarmup = 50; // caches and the emulator's translations
inline constexpr unsigned kSamples = 2001;

// Quickselect: the k-th smallest of a[0..n), in place.
inline uint64_t select_kth(uint64_t* a, unsigned n, unsigned k) {
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

// Times op(i) for i = 0 .. kWarmup + kSamples - 1; check(i) runs after each, untimed. Both
// stop the guest with report_error() on a wrong result, so a failing path can never show
// as a fast one. Iteration i may depend on i's parity (e.g. alternate between two
// frames), so that every iteration does the same work and leaves a state the next one
// expects.
template <typename Op, typename Check> void run(const char* name, Op op, Check check) {
    static uint64_t samples[kSamples];
    for (unsigned i = 0; i < kWarmup + kSamples; i++) {
        uint64_t start = xt::rdtsc();
        op(i);
        uint64_t end = xt::rdtsc();
        check(i);
        if (i >= kWarmup)
            samples[i - kWarmup] = end - start;
    }
    xt::printf("bench: %s median=%lu iterations=%u\n", name,
               select_kth(samples, kSamples, kSamples / 2), kSamples);
}

inline void not_available(const char* name, const char* why) {
    xt::printf("bench: %s median=n/a iterations=0 (%s)\n", name, why);
}

} // namespace bench
