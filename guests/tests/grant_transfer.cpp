// GNTTABOP_transfer refusals (Xen 4.17's answers): the frame must exist and be the
// caller's, not a hypervisor page shared with it (grant-table frame, shared_info), and
// held by nothing but its allocation (a frame still mapped is GNTST_bad_page); then the
// receiver must exist (GNTST_bad_domain) and accept (a grant that is no accept_transfer
// entry: GNTST_general_error). An empty batch is 0, an unreadable one -EFAULT. (A
// transfer that goes through is not tried: xenon cannot move a frame between domains yet
// and answers GNTST_general_error; on Xen a refused transfer of a stealable frame also
// loses the frame, which this test never touches again.)
#include "grant_util.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static uint8_t mapped[4096];
alignas(4096) static uint8_t loose1[4096];
alignas(4096) static uint8_t loose2[4096];

static int16_t transfer(uint64_t mfn, xen::domid_t to, uint32_t ref) {
    xen::gnttab_transfer t{};
    t.mfn = mfn;
    t.domid = to;
    t.ref = ref;
    t.status = 99;
    long rc = gnt::op(xen::GNTTABOP_transfer, &t);
    if (rc)
        xt::report_failure("transfer returned %ld", rc);
    return t.status;
}

void test_main() {
    using namespace xen;
    grant_entry_v1 *gt = gnt::map_table(table_window);
    gnt::grant(gt, 10, gnt::kSelf, xt::mfn_of(mapped));
    uint64_t table_mfn = (gnt::pte(table_window) & gnt::ADDR) >> 12;
    mapped[0] = 1;

    XT_CHECK_RC(gnt::op(GNTTABOP_transfer, nullptr, 0), 0);
    XT_CHECK_EQ(transfer(0x7fffffff, gnt::kSelf, 10), GNTST_bad_page);
    XT_CHECK_EQ(transfer(xt::mfn_of(mapped), gnt::kSelf, 10), GNTST_bad_page);
    XT_CHECK_EQ(transfer(table_mfn, gnt::kSelf, 10), GNTST_bad_page);
    XT_CHECK_EQ(transfer(xt::start_info->shared_info >> 12, gnt::kSelf, 10), GNTST_bad_page);
    XT_CHECK_EQ(mapped[0], 1);

    // Frames mapped nowhere: to nobody, and to a grant that accepts no transfer.
    uint64_t l1 = xt::mfn_of(loose1), l2 = xt::mfn_of(loose2);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(loose1), 0, UVMF_INVLPG), 0);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(loose2), 0, UVMF_INVLPG), 0);
    XT_CHECK_EQ(transfer(l1, 5, 10), GNTST_bad_domain);
    XT_CHECK_EQ(transfer(l2, gnt::kSelf, 10), GNTST_general_error);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);

    gnttab_transfer batch[2] = {};
    batch[0].mfn = 0x7fffffff;
    batch[0].status = 99;
    batch[1].mfn = xt::mfn_of(mapped);
    batch[1].status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_transfer, batch, 2), 0);
    XT_CHECK_EQ(batch[0].status, GNTST_bad_page);
    XT_CHECK_EQ(batch[1].status, GNTST_bad_page);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_transfer, 0x1000, 1),
                -XEN_EFAULT);
    xt::report_success();
}
