// grant_table_op with hostile counts. The argument array is one zeroed 64-byte slot at
// the end of a page whose successor is unmapped (entries are read and written back one at
// a time: a long count must run into the hole, not into the guest's other data):
//   map, unmap, copy with count 0xffffffff or 0x80000000 (negative as an int) -> -EINVAL
//   map, copy, transfer with count 0x7fffffff (arrays far too short)          -> -EFAULT
//   map with count 0                                                          -> 0
//   setup_table, query_size with a count other than 1                         -> -EINVAL
//   any command with count 0xffffffff -> -EINVAL (negative counts are refused first)
//   set_version otherwise ignores the count: version 0 or 3 -> -EINVAL; version 1 (the
//   version in force) with count 2 -> 0
//   command 99 -> -ENOSYS; a command with bit 31 set -> -EINVAL
//   the argument in the hypervisor's range -> -EFAULT
//   count and command are unsigned ints: 1 << 32 | n means n
#include "hostile.h"

alignas(4096) static uint8_t pages[2][4096];

void test_main() {
    using namespace xen;
    uint8_t *args = pages[1] - 64;
    uint64_t hole_pte = hostile::pte_of(pages[1]);
    XT_CHECK_RC(hostile::unmap(pages[1]), 0);
    for (unsigned cmd : {GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref, GNTTABOP_copy})
        for (unsigned long count : {0xfffffffful, 0x80000000ul}) {
            long rc = hostile::grant_table_op(cmd, args, count);
            if (rc != -XEN_EINVAL)
                xt::report_failure("grant op %u count %#lx = %ld, expected -EINVAL", cmd, count, rc);
        }
    for (unsigned cmd : {GNTTABOP_map_grant_ref, GNTTABOP_copy, GNTTABOP_transfer}) {
        long rc = hostile::grant_table_op(cmd, args, 0x7fffffff);
        if (rc != -XEN_EFAULT)
            xt::report_failure("grant op %u count 0x7fffffff = %ld, expected -EFAULT", cmd, rc);
    }
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_map_grant_ref, args, 0), 0);
    for (unsigned cmd : {GNTTABOP_setup_table, GNTTABOP_query_size})
        for (unsigned long count : {0ul, 2ul, 0xfffffffful}) {
            long rc = hostile::grant_table_op(cmd, args, count);
            if (rc != -XEN_EINVAL)
                xt::report_failure("grant op %u count %#lx = %ld, expected -EINVAL", cmd, count, rc);
        }
    auto *sv = reinterpret_cast<gnttab_set_version *>(args);
    sv->version = 0;
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_set_version, sv, 2), -XEN_EINVAL);
    sv->version = 3;
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_set_version, sv, 1), -XEN_EINVAL);
    sv->version = 1;
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_set_version, sv, 2), 0);
    XT_CHECK_EQ(sv->version, 1);
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_set_version, sv, 0xffffffff), -XEN_EINVAL);
    memset(args, 0, 64);
    XT_CHECK_RC(hostile::grant_table_op(99, args, 1), -XEN_ENOSYS);
    XT_CHECK_RC(hostile::grant_table_op(0x80000000u, args, 1), -XEN_EINVAL);
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_map_grant_ref,
                                        reinterpret_cast<void *>(hostile::XEN_DIRECTMAP), 1),
                -XEN_EFAULT);
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_query_size,
                                        reinterpret_cast<void *>(hostile::XEN_DIRECTMAP), 1),
                -XEN_EFAULT);
    auto *q = reinterpret_cast<gnttab_query_size *>(args);
    *q = {DOMID_SELF, 0, 0, 77};
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_query_size, xt::arg(q),
                              (1ul << 32) | 1),
                0);
    XT_CHECK_EQ(q->status, GNTST_okay);
    *q = {DOMID_SELF, 0, 0, 77};
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, (1ul << 32) | GNTTABOP_query_size,
                              xt::arg(q), 1),
                0);
    XT_CHECK_EQ(q->status, GNTST_okay);
    XT_CHECK(q->nr_frames >= 1);
    XT_CHECK_RC(hostile::remap(pages[1], hole_pte), 0);
    hostile::pass();
}
