// GNTTABOP_query_size for DOMID_SELF: 0, status GNTST_okay, at least one frame in use and
// no more than the maximum (Xen 4.17 defaults: 1 of 64). Unknown grant ops: -ENOSYS.
#include "public/grant_table.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    gnttab_query_size q{DOMID_SELF, 0, 0, -1};
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_query_size, xt::arg(&q), 1), 0);
    xt::printf("nr_frames %u max_nr_frames %u\n", q.nr_frames, q.max_nr_frames);
    XT_CHECK_EQ(q.status, 0);
    XT_CHECK(q.nr_frames >= 1);
    XT_CHECK(q.max_nr_frames >= q.nr_frames);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, 99, xt::arg(&q), 1), -XEN_ENOSYS);
    xt::report_success();
}
