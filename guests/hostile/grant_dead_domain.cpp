// Grant operations naming a domain that does not exist (12345), as a domain would after
// granting to a peer that died: GNTTABOP_setup_table and query_size for it report
// GNTST_bad_domain; mapping from it is GNTST_bad_domain; grant copies from it or to it
// are GNTST_bad_domain; transferring one of the caller's (mapped) pages to it is
// GNTST_bad_page (the page is refused before the domain is looked at). The caller's own
// entry granting a page to 12345 stays untouched, and the page keeps its contents.
#include "hostile.h"

alignas(4096) static uint8_t table_va[4096];
alignas(4096) static uint8_t page[4096];

void test_main() {
    using namespace xen;
    auto *g = hostile::map_own_grant_table(table_va);
    page[0] = 0x77;
    g[9].domid = 12345;
    g[9].frame = uint32_t(xt::mfn_of(page));
    g[9].flags = GTF_permit_access;

    static uint64_t frames[4];
    gnttab_setup_table st{12345, 1, 77, {reinterpret_cast<uint64_t>(frames)}};
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    XT_CHECK_EQ(st.status, GNTST_bad_domain);
    gnttab_query_size q{12345, 0, 0, 77};
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_query_size, &q, 1), 0);
    XT_CHECK_EQ(q.status, GNTST_bad_domain);
    XT_CHECK_EQ(hostile::map_grant(reinterpret_cast<uint64_t>(page), GNTMAP_host_map, 9, 12345),
                GNTST_bad_domain);

    gnttab_copy cp{};
    cp.source.domid = 12345;
    cp.source.u.ref = 9;
    cp.dest.domid = DOMID_SELF;
    cp.dest.u.gmfn = xt::mfn_of(page);
    cp.len = 8;
    cp.flags = GNTCOPY_source_gref;
    cp.status = 77;
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_copy, &cp, 1), 0);
    XT_CHECK_EQ(cp.status, GNTST_bad_domain);
    cp = {};
    cp.source.domid = DOMID_SELF;
    cp.source.u.gmfn = xt::mfn_of(page);
    cp.dest.domid = 12345;
    cp.dest.u.ref = 9;
    cp.len = 8;
    cp.flags = GNTCOPY_dest_gref;
    cp.status = 77;
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_copy, &cp, 1), 0);
    XT_CHECK_EQ(cp.status, GNTST_bad_domain);

    gnttab_transfer tr{xt::mfn_of(page), 12345, 9, 77};
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_transfer, &tr, 1), 0);
    XT_CHECK_EQ(tr.status, GNTST_bad_page);

    XT_CHECK_EQ(g[9].flags, GTF_permit_access);
    XT_CHECK_EQ(g[9].domid, 12345);
    XT_CHECK_EQ(page[0], 0x77);
    page[1] = 1;
    hostile::pass();
}
