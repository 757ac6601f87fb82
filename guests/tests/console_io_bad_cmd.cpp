// console_io with a command other than CONSOLEIO_write (0) / CONSOLEIO_read (1) returns
// -ENOSYS.
#include "runtime.h"

void test_main() {
    static const char msg[] = "x\n";
    for (unsigned cmd : {2u, 3u, 99u, 0x80000000u})
        if (long rc = xt::console_io(cmd, 2, msg); rc != -xen::XEN_ENOSYS)
            xt::report_failure("console_io cmd %u returned %ld, expected -ENOSYS", cmd, rc);
    xt::report_success();
}
