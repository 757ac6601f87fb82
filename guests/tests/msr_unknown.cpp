// rdmsr and wrmsr of an MSR that does not exist, and wrmsr of MSRs a PV kernel may not
// write (SYSENTER_CS, LSTAR), are bounced as #GP(0) at the instruction.
#include "runtime.h"

static uint32_t msr;

static void check(const char *what, void (*fn)()) {
    xt::fault_info fi;
    if (!xt::try_fault(fn, &fi))
        xt::report_failure("%s of MSR %#x did not fault", what, msr);
    if (fi.vector != xt::VEC_GP || fi.error_code != 0 || fi.rip != xt::site)
        xt::report_failure("%s of MSR %#x: %s error %#lx at rip %#lx, expected #GP(0) at %#lx",
                           what, msr, xt::vector_name(fi.vector), fi.error_code, fi.rip,
                           xt::site);
}

void test_main() {
    for (uint32_t m : {0x12345678u, 0x40001234u, 0xc0011234u}) {
        msr = m;
        check("rdmsr", [] { XT_SITE_AFTER("mov %[m], %%ecx", "rdmsr", [m] "m"(msr)); });
        check("wrmsr", [] {
            XT_SITE_AFTER("mov %[m], %%ecx\n\txor %%eax, %%eax\n\txor %%edx, %%edx", "wrmsr",
                          [m] "m"(msr));
        });
    }
    for (uint32_t m : {0x174u, 0xc0000082u}) { // SYSENTER_CS, LSTAR
        msr = m;
        check("wrmsr", [] {
            XT_SITE_AFTER("mov %[m], %%ecx\n\txor %%eax, %%eax\n\txor %%edx, %%edx", "wrmsr",
                          [m] "m"(msr));
        });
    }
    xt::report_success();
}
