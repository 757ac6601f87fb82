// GNTTABOP_get_version / set_version / get_status_frames on a version 1 table, and the
// hypercall's argument checks (Xen 4.17's answers): version 1 is in force; setting 1
// again is 0, anything but 1 or 2 -EINVAL (the version in force written back either
// way); another domain's version: -ESRCH if there is none. A version 1 table has no
// status frames (asking for one is GNTST_general_error). Sub-op numbers with bits above
// the 12-bit command, and counts with bit 31, are -EINVAL; dump_table (gone from Xen),
// unknown sub-ops: -ENOSYS. (Version 2 itself: grant_table_v2.)
#include "grant_util.h"

void test_main() {
    using namespace xen;
    gnttab_get_version gv{DOMID_SELF, 0, 77};
    XT_CHECK_RC(gnt::op(GNTTABOP_get_version, &gv), 0);
    XT_CHECK_EQ(gv.version, 1);
    gv = {gnt::kSelf, 0, 77};
    XT_CHECK_RC(gnt::op(GNTTABOP_get_version, &gv, 0), 0); // the count is not looked at
    XT_CHECK_EQ(gv.version, 1);
    gv = {9, 0, 77};
    XT_CHECK_RC(gnt::op(GNTTABOP_get_version, &gv), -XEN_ESRCH);
    XT_CHECK_EQ(gv.version, 77);

    for (uint32_t v : {0u, 3u, 0xffffffffu}) {
        gnttab_set_version sv{v};
        XT_CHECK_RC(gnt::op(GNTTABOP_set_version, &sv), -XEN_EINVAL);
        XT_CHECK_EQ(sv.version, 1);
    }
    gnttab_set_version sv{1};
    XT_CHECK_RC(gnt::op(GNTTABOP_set_version, &sv), 0);
    XT_CHECK_EQ(sv.version, 1);
    XT_CHECK_RC(gnt::op(GNTTABOP_set_version, &sv, 0), 0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_set_version, 0x1000, 1),
                -XEN_EFAULT);

    uint64_t frame = 0;
    gnttab_get_status_frames gs{};
    gs.dom = DOMID_SELF;
    gs.status = 99;
    gs.frame_list.p = xt::arg(&frame);
    XT_CHECK_RC(gnt::op(GNTTABOP_get_status_frames, &gs), 0);
    XT_CHECK_EQ(gs.status, GNTST_okay);
    gs.nr_frames = 1;
    gs.status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_get_status_frames, &gs), 0);
    XT_CHECK_EQ(gs.status, GNTST_general_error);
    XT_CHECK_EQ(frame, 0);
    gs.dom = 9;
    gs.status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_get_status_frames, &gs), 0);
    XT_CHECK_EQ(gs.status, GNTST_bad_domain);
    XT_CHECK_RC(gnt::op(GNTTABOP_get_status_frames, &gs, 2), -XEN_EINVAL);

    gnttab_query_size q{DOMID_SELF, 0, 0, -1};
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_query_size | (1u << 12),
                              xt::arg(&q), 1),
                -XEN_EINVAL);
    // Only the low 32 bits of cmd and count count.
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_query_size | (1ul << 32),
                              xt::arg(&q), 1),
                0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_query_size, xt::arg(&q),
                              0x100000001ul),
                0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_copy, xt::arg(&q),
                              0x80000000u),
                -XEN_EINVAL);
    XT_CHECK_RC(gnt::op(GNTTABOP_dump_table, &q), -XEN_ENOSYS);
    XT_CHECK_RC(gnt::op(13, &q), -XEN_ENOSYS);
    XT_CHECK_RC(gnt::op(0xfff, &q), -XEN_ENOSYS);
    xt::report_success();
}
