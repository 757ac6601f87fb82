// start_info of a PV dom0: magic "xen-3.0-x86_64", nr_pages > 0, SIF_PRIVILEGED and
// SIF_INITDOMAIN set (Xen 4.17: flags 0x303, the power-management bits 8-9 also set), a
// page-aligned shared_info machine address, no initrd, and the command line given to
// the module ("xtest a=1 b=two" from the harness, without the image name).
#include "runtime.h"

void test_main() {
    const xen::start_info *si = xt::start_info;
    XT_CHECK(xt::strncmp(si->magic, "xen-3.0-x86_64", 14) == 0);
    XT_CHECK(si->nr_pages > 0);
    XT_CHECK(si->flags & xen::SIF_PRIVILEGED);
    XT_CHECK(si->flags & xen::SIF_INITDOMAIN);
    XT_CHECK_EQ(si->shared_info & 0xfff, 0);
    XT_CHECK_EQ(si->mod_start, 0);
    XT_CHECK_EQ(si->mod_len, 0);
    XT_CHECK(xt::strnlen(si->cmd_line, xen::MAX_GUEST_CMDLINE) < xen::MAX_GUEST_CMDLINE);
    if (xt::strcmp(si->cmd_line, "xtest a=1 b=two") != 0)
        xt::report_failure("cmd_line is '%s', expected 'xtest a=1 b=two'", si->cmd_line);
    xt::report_success();
}
