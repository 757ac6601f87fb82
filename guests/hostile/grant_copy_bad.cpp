// GNTTABOP_copy between frames named directly (no grant reference) where one side is
// not the caller's to touch: a hypervisor frame as source or destination is
// GNTST_bad_page; the caller's own L4 as destination (a page table, not writable) is
// GNTST_general_error; a copy crossing the end of a page on either side is
// GNTST_bad_copy_arg. Nothing is written anywhere: the L4 and the pages read as before.
#include "hostile.h"

alignas(4096) static uint8_t a[4096];
alignas(4096) static uint8_t b[4096];

static int16_t copy(uint64_t src_mfn, uint16_t src_off, uint64_t dst_mfn, uint16_t dst_off,
                    uint16_t len) {
    using namespace xen;
    gnttab_copy cp{};
    cp.source.domid = DOMID_SELF;
    cp.source.u.gmfn = src_mfn;
    cp.source.offset = src_off;
    cp.dest.domid = DOMID_SELF;
    cp.dest.u.gmfn = dst_mfn;
    cp.dest.offset = dst_off;
    cp.len = len;
    cp.flags = 0;
    cp.status = 77;
    long rc = hostile::grant_table_op(GNTTABOP_copy, &cp, 1);
    if (rc)
        xt::report_failure("GNTTABOP_copy returned %ld", rc);
    return cp.status;
}

void test_main() {
    using namespace xen;
    const uint64_t *l4 = hostile::l4_table();
    static uint64_t l4_before[512];
    for (int i = 0; i < 512; i++)
        l4_before[i] = l4[i];
    uint64_t xen_frame = 0;
    for (int s = 256; s < 272 && !xen_frame; s++)
        if ((l4[s] & xt::PTE_P) && hostile::mfn_of_pte(l4[s]) != hostile::l4_mfn())
            xen_frame = hostile::mfn_of_pte(l4[s]);
    XT_CHECK(xen_frame != 0);
    memset(a, 0xaa, sizeof a);
    memset(b, 0xbb, sizeof b);
    uint64_t ma = xt::mfn_of(a), mb = xt::mfn_of(b);
    XT_CHECK_EQ(copy(xen_frame, 0, mb, 0, 64), GNTST_bad_page);
    XT_CHECK_EQ(copy(ma, 0, xen_frame, 0, 64), GNTST_bad_page);
    XT_CHECK_EQ(copy(ma, 0, hostile::l4_mfn(), 0, 64), GNTST_general_error);
    XT_CHECK_EQ(copy(ma, 0, mb, 4090, 64), GNTST_bad_copy_arg);
    XT_CHECK_EQ(copy(ma, 4090, mb, 0, 64), GNTST_bad_copy_arg);
    XT_CHECK_EQ(copy(ma, 0, mb, 0, 4097 & 0xffff), GNTST_bad_copy_arg);
    for (int i = 0; i < 512; i++)
        if (l4[i] != l4_before[i])
            xt::report_failure("L4[%d] changed", i);
    for (unsigned i = 0; i < sizeof b; i++)
        if (b[i] != 0xbb || a[i] != 0xaa)
            xt::report_failure("byte %u of the pages changed", i);
    // A good copy still works.
    XT_CHECK_EQ(copy(ma, 0, mb, 0, 64), GNTST_okay);
    XT_CHECK_EQ(b[63], 0xaa);
    XT_CHECK_EQ(b[64], 0xbb);
    hostile::pass();
}
