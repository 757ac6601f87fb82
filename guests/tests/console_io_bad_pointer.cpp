// CONSOLEIO_write from an address with nothing mapped, or inside the hypervisor's area,
// returns -EFAULT.
#include "runtime.h"

void test_main() {
    XT_CHECK_RC(xt::console_io(xen::CONSOLEIO_write, 16, reinterpret_cast<void *>(0x1000)),
                -xen::XEN_EFAULT);
    XT_CHECK_RC(xt::console_io(xen::CONSOLEIO_write, 16,
                               reinterpret_cast<void *>(0xffff830000000000)),
                -xen::XEN_EFAULT);
    xt::report_success();
}
