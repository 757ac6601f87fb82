// The heartbeat: a PV guest that prints "heartbeat <n>" every ~20 ms, forever.
//
// It runs as an unprivileged domain (d1) beside a hostile or fuzzing guest: as long as
// its lines keep coming, the hypervisor is alive, still schedules other domains, still
// delivers their timer interrupts and still serves their hypercalls. The hostile-test
// runner (tests/hostile/run-hostile) counts its lines after the hostile guest's verdict.
//
// Command line (words after "--" in the domU module): period=MS changes the period
// (default 20), quiet=N prints only every Nth beat (default 1: every beat).
#include "runtime.h"

namespace {

unsigned long arg_value(const char *name, unsigned long dflt) {
    size_t n = xt::strlen(name);
    for (const char *p = xt::cmdline; p && *p;) {
        while (*p == ' ')
            p++;
        if (!xt::strncmp(p, name, n) && p[n] == '=') {
            unsigned long v = 0;
            for (p += n + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + unsigned(*p - '0');
            return v;
        }
        while (*p && *p != ' ')
            p++;
    }
    return dflt;
}

} // namespace

void test_main() {
    uint64_t period_ns = arg_value("period", 20) * 1'000'000ull;
    unsigned long every = arg_value("quiet", 1);
    if (period_ns == 0)
        period_ns = 20'000'000ull;
    if (every == 0)
        every = 1;
    xt::printf("heartbeat: domain up, period %lu ms\n", (unsigned long)(period_ns / 1'000'000));
    for (unsigned long n = 1;; n++) {
        xt::sleep_ns(period_ns);
        if (n % every == 0)
            xt::printf("heartbeat %lu\n", n);
    }
}
