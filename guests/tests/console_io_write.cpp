// CONSOLEIO_write returns 0 (not a byte count); a zero-length write never touches the
// buffer, so even an unmapped pointer gives 0.
#include "runtime.h"

void test_main() {
    static const char msg[] = "console_io_write: hello from the guest\n";
    XT_CHECK_RC(xt::console_io(xen::CONSOLEIO_write, sizeof msg - 1, msg), 0);
    XT_CHECK_RC(xt::console_io(xen::CONSOLEIO_write, 0, reinterpret_cast<void *>(0x1000)), 0);
    xt::report_success();
}
