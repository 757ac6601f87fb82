// selftest_crash=<kind>: deliberately breaks xenon once it is ready, so the boot tests can
// check that every kind of fatal error gives a clear dump and a clean, reported stop.
#include "arch/crash_selftest.h"

#include "arch/percpu.h"
#include "arch/smp.h"
#include "common/cmdline.h"
#include "common/console.h"
#include "common/panic.h"
#include "lib/string.h"

namespace arch {
namespace {

constinit char crash_kind[32] = "";
XENON_PARAM_STRING("selftest_crash", crash_kind);

[[gnu::noinline]] void touch_unmapped() {
    // The low 1:1 map is gone once the machine is ready: address 0x10 is unmapped.
    asm volatile("movq $1, 0x10" ::: "memory");
}

void crash(const char* kind) {
    if (!strcmp(kind, "pagefault"))
        touch_unmapped();
    else if (!strcmp(kind, "ud"))
        asm volatile("ud2");
    else if (!strcmp(kind, "panic"))
        panic("selftest_crash=panic on CPU %u", this_cpu_id());
    else if (!strcmp(kind, "assert"))
        ASSERT(this_cpu_id() == 12345);
}

} // namespace

void crash_selftest() {
    if (!crash_kind[0])
        return;
    log_warn("selftest_crash=%s: crashing on purpose", crash_kind);
    if (!strcmp(crash_kind, "ap-pagefault")) {
        if (cpus_online() < 2)
            panic("selftest_crash=ap-pagefault needs a second CPU");
        smp_call_others([](void*) { touch_unmapped(); }, nullptr);
    }
    crash(crash_kind);
    log_error("selftest_crash=%s: unknown kind (pagefault, ud, panic, assert, ap-pagefault)",
              crash_kind);
}

} // namespace arch
