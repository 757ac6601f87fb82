// A frame mapped writable through a grant holds a writable type reference, as its own
// writable mappings would: while the grant map lasts it cannot be pinned as a page table
// (MMUEXT_PIN_L1_TABLE: -EINVAL), and once the map is gone it can. While it is pinned, a
// writable grant map of it is refused (GNTST_general_error) and a read-only one is fine;
// unpinned, the writable map works again. The frame's own mapping is read-only all along,
// so the grant map is the only thing in the way.
#include "grant_util.h"
#include "pv_mmu.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static uint8_t frame[4096]; // zero: a valid (empty) L1 table
alignas(4096) static volatile uint8_t win[4096];

static xen::gnttab_map_grant_ref map(uint32_t flags) {
    xen::gnttab_map_grant_ref m{};
    m.host_addr = reinterpret_cast<uint64_t>(win);
    m.flags = flags;
    m.ref = 10;
    m.dom = gnt::kSelf;
    if (long rc = gnt::op(xen::GNTTABOP_map_grant_ref, &m))
        xt::report_failure("map_grant_ref returned %ld", rc);
    if (m.status == xen::GNTST_okay)
        gnt::invlpg(win);
    return m;
}

static void unmap(const xen::gnttab_map_grant_ref& m) {
    xen::gnttab_unmap_grant_ref u{m.host_addr, 0, m.handle, 99};
    XT_CHECK_RC(gnt::op(xen::GNTTABOP_unmap_grant_ref, &u), 0);
    XT_CHECK_EQ(u.status, xen::GNTST_okay);
}

void test_main() {
    using namespace xen;
    grant_entry_v1* gt = gnt::map_table(table_window);
    const uint64_t mfn = xt::mfn_of(frame);
    const uint64_t win_before = gnt::pte(win);
    gnt::grant(gt, 10, gnt::kSelf, mfn);
    mmu::make_readonly(frame);

    auto m = map(GNTMAP_host_map);
    XT_CHECK_EQ(m.status, GNTST_okay);
    win[8] = 1; // the grant map is writable
    XT_CHECK_RC(mmu::ext(MMUEXT_PIN_L1_TABLE, mfn), -XEN_EINVAL);
    win[8] = 0;
    unmap(m);
    XT_CHECK_RC(mmu::ext(MMUEXT_PIN_L1_TABLE, mfn), 0);

    XT_CHECK_EQ(map(GNTMAP_host_map).status, GNTST_general_error);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);
    auto ro = map(GNTMAP_host_map | GNTMAP_readonly);
    XT_CHECK_EQ(ro.status, GNTST_okay);
    XT_CHECK_EQ(win[8], 0);
    unmap(ro);
    XT_CHECK_RC(mmu::ext(MMUEXT_UNPIN_TABLE, mfn), 0);

    m = map(GNTMAP_host_map);
    XT_CHECK_EQ(m.status, GNTST_okay);
    unmap(m);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);
    mmu::make_writable(frame);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(win), win_before, UVMF_INVLPG), 0);
    xt::report_success();
}
