// Privileged instructions Xen does not emulate for a PV kernel are bounced as #GP(0) with
// rip at the instruction: lidt, lgdt, ltr, invd, swapgs, mov from %cr8, rdpmc.
#include "runtime.h"

static uint8_t desc[10];

static void check(const char *what, void (*fn)()) {
    xt::fault_info fi;
    if (!xt::try_fault(fn, &fi))
        xt::report_failure("%s did not fault", what);
    if (fi.vector != xt::VEC_GP || fi.error_code != 0 || fi.rip != xt::site)
        xt::report_failure("%s: %s error %#lx at rip %#lx (site %#lx), expected #GP(0)", what,
                           xt::vector_name(fi.vector), fi.error_code, fi.rip, xt::site);
}

void test_main() {
    check("lidt", [] { XT_SITE_AFTER("", "lidt %[d]", [d] "m"(desc)); });
    check("lgdt", [] { XT_SITE_AFTER("", "lgdt %[d]", [d] "m"(desc)); });
    check("ltr", [] { XT_SITE_AFTER("xor %%eax, %%eax", "ltr %%ax"); });
    check("invd", [] { XT_SITE("invd"); });
    check("swapgs", [] { XT_SITE("swapgs"); });
    check("mov %cr8", [] { XT_SITE("mov %%cr8, %%rax"); });
    check("rdpmc", [] { XT_SITE_AFTER("xor %%ecx, %%ecx", "rdpmc"); });
    xt::report_success();
}
