// sched_op with an unknown command returns -ENOSYS; SCHEDOP_shutdown with an unreadable
// argument returns -EFAULT (and the domain keeps running).
#include "public/sched.h"
#include "runtime.h"

void test_main() {
    for (unsigned cmd : {8u, 99u, 0xffffffffu})
        if (long rc = xt::sched_op(cmd); rc != -xen::XEN_ENOSYS)
            xt::report_failure("sched_op cmd %u returned %ld, expected -ENOSYS", cmd, rc);
    XT_CHECK_RC(xt::sched_op(xen::SCHEDOP_shutdown, reinterpret_cast<void *>(0x1000)),
                -xen::XEN_EFAULT);
    xt::report_success();
}
