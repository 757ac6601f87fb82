// GNTTABOP_copy with grants the domain gives itself (Xen 4.17's answers): grant -> frame
// and frame -> grant with offsets, one grant to itself; GTF_reading/GTF_writing are set
// only while the copy runs. Status per element: a copy past the end of either page is
// GNTST_bad_copy_arg, but only once both sides are claimed (a bad grant is reported
// first); a ref past the table's end GNTST_bad_gntref; an entry that grants nothing to
// the caller (never filled, accept_transfer, a grantee of DOMID_SELF) or a read-only
// grant as destination GNTST_general_error, as is a page table as destination (reading
// one is fine); a frame the granter does not own GNTST_bad_page; frames named by number
// must be the caller's and named DOMID_SELF (its own id: GNTST_permission_denied; an
// unknown domain: GNTST_bad_domain). A batch goes on past a failed element (a long one
// completes too); an unreadable batch is -EFAULT. GNTTABOP_swap_grant_ref exchanges
// entries (a ref past the table: GNTST_bad_gntref).
#include "grant_util.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static uint8_t src[4096];
alignas(4096) static uint8_t dst[4096];

static xen::gnttab_copy make(uint16_t flags, uint64_t s, xen::domid_t sdom, uint16_t soff,
                             uint64_t d, xen::domid_t ddom, uint16_t doff, uint16_t len) {
    xen::gnttab_copy c{};
    if (flags & xen::GNTCOPY_source_gref)
        c.source.u.ref = static_cast<uint32_t>(s);
    else
        c.source.u.gmfn = s;
    if (flags & xen::GNTCOPY_dest_gref)
        c.dest.u.ref = static_cast<uint32_t>(d);
    else
        c.dest.u.gmfn = d;
    c.source.domid = sdom;
    c.source.offset = soff;
    c.dest.domid = ddom;
    c.dest.offset = doff;
    c.len = len;
    c.flags = flags;
    c.status = 99;
    return c;
}

static int16_t copy(xen::gnttab_copy c) {
    long rc = gnt::op(xen::GNTTABOP_copy, &c);
    if (rc)
        xt::report_failure("copy returned %ld", rc);
    return c.status;
}

void test_main() {
    using namespace xen;
    constexpr uint16_t SG = GNTCOPY_source_gref, DG = GNTCOPY_dest_gref;
    grant_entry_v1 *gt = gnt::map_table(table_window);
    for (unsigned i = 0; i < 4096; i++)
        src[i] = static_cast<uint8_t>(i * 7 + 1);
    uint64_t smfn = xt::mfn_of(src), dmfn = xt::mfn_of(dst);
    uint64_t pt = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
    gnt::grant(gt, 10, gnt::kSelf, smfn);
    gnt::grant(gt, 11, gnt::kSelf, dmfn);
    gnt::grant(gt, 12, gnt::kSelf, dmfn, GTF_readonly);
    gnt::grant(gt, 13, DOMID_SELF, smfn);
    gnt::grant(gt, 14, gnt::kSelf, pt);
    gnt::grant(gt, 15, gnt::kSelf, 0x7fffffff); // no such frame
    gt[16].domid = gnt::kSelf;
    gt[16].frame = static_cast<uint32_t>(dmfn);
    gt[16].flags = GTF_accept_transfer;

    // Grant -> frame, named as DOMID_SELF and by the domain's own id.
    XT_CHECK_EQ(copy(make(SG, 10, DOMID_SELF, 100, dmfn, DOMID_SELF, 200, 50)), GNTST_okay);
    XT_CHECK(memcmp(dst + 200, src + 100, 50) == 0);
    XT_CHECK_EQ(dst[199], 0);
    XT_CHECK_EQ(dst[250], 0);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);
    XT_CHECK_EQ(copy(make(SG, 10, gnt::kSelf, 0, dmfn, DOMID_SELF, 0, 16)), GNTST_okay);
    XT_CHECK(memcmp(dst, src, 16) == 0);
    // Frame -> grant, up to the last byte.
    XT_CHECK_EQ(copy(make(DG, smfn, DOMID_SELF, 4000, 11, gnt::kSelf, 4000, 96)), GNTST_okay);
    XT_CHECK(memcmp(dst + 4000, src + 4000, 96) == 0);
    XT_CHECK_EQ(gnt::flags(gt, 11), GTF_permit_access);
    // Grant -> grant, and within one page.
    memset(dst, 0, sizeof(dst));
    XT_CHECK_EQ(copy(make(SG | DG, 10, DOMID_SELF, 1, 11, DOMID_SELF, 2, 3)), GNTST_okay);
    XT_CHECK(dst[1] == 0 && dst[2] == src[1] && dst[4] == src[3] && dst[5] == 0);
    XT_CHECK_EQ(copy(make(SG | DG, 11, DOMID_SELF, 2, 11, DOMID_SELF, 0x800, 3)), GNTST_okay);
    XT_CHECK(dst[0x800] == src[1] && dst[0x802] == src[3]);
    // Frame -> frame.
    XT_CHECK_EQ(copy(make(0, smfn, DOMID_SELF, 8, dmfn, DOMID_SELF, 16, 8)), GNTST_okay);
    XT_CHECK(memcmp(dst + 16, src + 8, 8) == 0);
    XT_CHECK_EQ(copy(make(0, smfn, DOMID_SELF, 8, dmfn, DOMID_SELF, 16, 0)), GNTST_okay);

    // Offsets and lengths.
    XT_CHECK_EQ(copy(make(DG, smfn, DOMID_SELF, 0, 11, DOMID_SELF, 4000, 97)), GNTST_bad_copy_arg);
    XT_CHECK_EQ(copy(make(SG, 10, DOMID_SELF, 4095, dmfn, DOMID_SELF, 0, 2)), GNTST_bad_copy_arg);
    XT_CHECK_EQ(copy(make(SG, 10, DOMID_SELF, 5000, dmfn, DOMID_SELF, 0, 0)), GNTST_bad_copy_arg);
    XT_CHECK_EQ(copy(make(0, smfn, DOMID_SELF, 0, dmfn, DOMID_SELF, 65535, 1)), GNTST_bad_copy_arg);
    XT_CHECK_EQ(copy(make(SG, 600, DOMID_SELF, 4095, dmfn, DOMID_SELF, 0, 2)), GNTST_bad_gntref);
    XT_CHECK_EQ(copy(make(SG, 20, DOMID_SELF, 4095, dmfn, DOMID_SELF, 0, 2)), GNTST_general_error);

    // Entries and frames.
    XT_CHECK_EQ(copy(make(SG, 20, DOMID_SELF, 0, dmfn, DOMID_SELF, 0, 2)), GNTST_general_error);
    XT_CHECK_EQ(copy(make(SG, 13, DOMID_SELF, 0, dmfn, DOMID_SELF, 0, 2)), GNTST_general_error);
    XT_CHECK_EQ(copy(make(SG, 16, DOMID_SELF, 0, dmfn, DOMID_SELF, 0, 2)), GNTST_general_error);
    XT_CHECK_EQ(copy(make(DG, smfn, DOMID_SELF, 0, 12, DOMID_SELF, 0, 8)), GNTST_general_error);
    XT_CHECK_EQ(gnt::flags(gt, 12), GTF_permit_access | GTF_readonly);
    XT_CHECK_EQ(copy(make(SG, 12, DOMID_SELF, 0, smfn, DOMID_SELF, 4088, 8)), GNTST_okay);
    XT_CHECK_EQ(copy(make(SG, 15, DOMID_SELF, 0, dmfn, DOMID_SELF, 0, 2)), GNTST_bad_page);
    XT_CHECK_EQ(gnt::flags(gt, 15), GTF_permit_access);
    XT_CHECK_EQ(copy(make(DG, smfn, DOMID_SELF, 0, 14, DOMID_SELF, 0, 2)), GNTST_general_error);
    XT_CHECK_EQ(copy(make(SG, 14, DOMID_SELF, 0, dmfn, DOMID_SELF, 0, 8)), GNTST_okay);
    XT_CHECK_EQ(copy(make(0, smfn, DOMID_SELF, 0, pt, DOMID_SELF, 0, 2)), GNTST_general_error);
    XT_CHECK_EQ(copy(make(0, 0x7fffffff, DOMID_SELF, 0, dmfn, DOMID_SELF, 0, 2)), GNTST_bad_page);
    XT_CHECK_EQ(copy(make(SG, 10, DOMID_SELF, 0, dmfn, gnt::kSelf, 0, 2)), GNTST_permission_denied);
    XT_CHECK_EQ(copy(make(0, smfn, gnt::kSelf, 0, dmfn, DOMID_SELF, 0, 2)), GNTST_permission_denied);
    XT_CHECK_EQ(copy(make(SG, 10, DOMID_SELF, 0, dmfn, 5, 0, 2)), GNTST_bad_domain);
    XT_CHECK_EQ(copy(make(SG, 10, 5, 0, dmfn, DOMID_SELF, 0, 2)), GNTST_bad_domain);
    XT_CHECK_EQ(copy(make(SG, 10, DOMID_SELF, 0, dmfn, DOMID_IO, 0, 2)), GNTST_bad_domain);
    // The domain's own shared_info is one of its frames too.
    XT_CHECK_EQ(copy(make(0, smfn, DOMID_SELF, 0, xt::start_info->shared_info >> 12, DOMID_SELF, 4090, 2)),
                GNTST_okay);

    // A batch: every element gets its status; the bad one in the middle stops nothing.
    gnttab_copy batch[3];
    for (auto &c : batch)
        c = make(SG, 10, DOMID_SELF, 0, dmfn, DOMID_SELF, 0, 4);
    batch[1].source.offset = 4094;
    XT_CHECK_RC(gnt::op(GNTTABOP_copy, batch, 3), 0);
    XT_CHECK_EQ(batch[0].status, GNTST_okay);
    XT_CHECK_EQ(batch[1].status, GNTST_bad_copy_arg);
    XT_CHECK_EQ(batch[2].status, GNTST_okay);
    XT_CHECK_RC(gnt::op(GNTTABOP_copy, batch, 0), 0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_copy, 0x1000, 1), -XEN_EFAULT);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_copy, 0x1000, 0), 0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_copy, 0xffff800000000000ul, 1),
                -XEN_EFAULT);

    // A long batch (one byte each, xenon continues it as a fresh hypercall part way).
    static gnttab_copy many[300];
    for (unsigned i = 0; i < 300; i++)
        many[i] = make(i % 2 ? SG : 0, i % 2 ? 10 : smfn, DOMID_SELF, i, dmfn, DOMID_SELF,
                       1000 + i, 1);
    memset(dst, 0, sizeof(dst));
    XT_CHECK_RC(gnt::op(GNTTABOP_copy, many, 300), 0);
    for (unsigned i = 0; i < 300; i++) {
        XT_CHECK_EQ(many[i].status, GNTST_okay);
        XT_CHECK_EQ(dst[1000 + i], src[i]);
    }

    // Nothing stays marked in use.
    for (uint32_t ref = 10; ref <= 15; ref++)
        XT_CHECK_EQ(gnt::flags(gt, ref) & (GTF_reading | GTF_writing), 0);

    // GNTTABOP_swap_grant_ref exchanges two entries not in use.
    gnttab_swap_grant_ref sw[3] = {{10, 12, 99}, {11, 11, 99}, {10, 600, 99}};
    XT_CHECK_RC(gnt::op(GNTTABOP_swap_grant_ref, sw, 3), 0);
    XT_CHECK_EQ(sw[0].status, GNTST_okay);
    XT_CHECK_EQ(sw[1].status, GNTST_okay);
    XT_CHECK_EQ(sw[2].status, GNTST_bad_gntref);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_readonly);
    XT_CHECK_EQ(gt[10].frame, dmfn);
    XT_CHECK_EQ(gnt::flags(gt, 12), GTF_permit_access);
    XT_CHECK_EQ(gt[12].frame, smfn);
    xt::report_success();
}
