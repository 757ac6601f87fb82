// XENVER_commandline (privileged, dom0 may): 0 and the hypervisor's command line, which
// the harness always gives "dom0_mem=64M".
#include "public/version.h"
#include "runtime.h"

void test_main() {
    static xen::xen_commandline_t cmd;
    memset(cmd, 0x55, sizeof cmd);
    XT_CHECK_RC(xt::xen_version(xen::XENVER_commandline, cmd), 0);
    XT_CHECK(xt::strnlen(cmd, sizeof cmd) < sizeof cmd);
    xt::printf("command line '%s'\n", cmd);
    XT_CHECK(xt::strstr(cmd, "dom0_mem=64M") != nullptr);
    xt::report_success();
}
