// SCHEDOP_yield returns 0 (also through the old sched_op_compat, hypercall 6).
#include "public/sched.h"
#include "runtime.h"

void test_main() {
    for (int i = 0; i < 10; i++)
        XT_CHECK_RC(xt::sched_op(xen::SCHEDOP_yield), 0);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_sched_op_compat, xen::SCHEDOP_yield, 0), 0);
    xt::report_success();
}
