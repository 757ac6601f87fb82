// GNTTABOP_map_grant_ref device mappings (no page-table entry; dev_bus_addr is the
// frame's machine address): a writable one marks the grant GTF_reading|GTF_writing, a
// read-only one GTF_reading; a writable one of a read-only grant is refused
// (GNTST_general_error). A map that is host and device at once does both, and unmapping
// it with both addresses ends both. The flags drop when the last mapping goes.
#include "grant_util.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static volatile uint8_t data[4096];
alignas(4096) static uint8_t rodata[4096];
alignas(4096) static volatile uint8_t win[4096];

static xen::gnttab_map_grant_ref map(uint32_t ref, uint32_t flags, const volatile void* at) {
    xen::gnttab_map_grant_ref m{};
    m.host_addr = reinterpret_cast<uint64_t>(at);
    m.flags = flags;
    m.ref = ref;
    m.dom = gnt::kSelf;
    m.status = 99;
    if (long rc = gnt::op(xen::GNTTABOP_map_grant_ref, &m))
        xt::report_failure("map_grant_ref returned %ld", rc);
    if (m.status == xen::GNTST_okay && at)
        gnt::invlpg(at);
    return m;
}

static int16_t unmap(const xen::gnttab_map_grant_ref& m, uint64_t host, uint64_t dev) {
    xen::gnttab_unmap_grant_ref u{host, dev, m.handle, 99};
    if (long rc = gnt::op(xen::GNTTABOP_unmap_grant_ref, &u))
        xt::report_failure("unmap_grant_ref returned %ld", rc);
    return u.status;
}

void test_main() {
    using namespace xen;
    grant_entry_v1* gt = gnt::map_table(table_window);
    const uint64_t mfn = xt::mfn_of(data), romfn = xt::mfn_of(rodata);
    const uint64_t win_before = gnt::pte(win);
    gnt::grant(gt, 10, gnt::kSelf, mfn);
    gnt::grant(gt, 11, gnt::kSelf, romfn, GTF_readonly);

    auto w = map(10, GNTMAP_device_map, nullptr);
    XT_CHECK_EQ(w.status, GNTST_okay);
    XT_CHECK_EQ(w.dev_bus_addr, mfn << 12);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_reading | GTF_writing);
    auto r = map(10, GNTMAP_device_map | GNTMAP_readonly, nullptr);
    XT_CHECK_EQ(r.status, GNTST_okay);
    XT_CHECK_EQ(unmap(w, 0, w.dev_bus_addr), GNTST_okay);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_reading);
    XT_CHECK_EQ(unmap(r, 0, r.dev_bus_addr), GNTST_okay);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);

    XT_CHECK_EQ(map(11, GNTMAP_device_map, nullptr).status, GNTST_general_error);
    auto ro = map(11, GNTMAP_device_map | GNTMAP_readonly, nullptr);
    XT_CHECK_EQ(ro.status, GNTST_okay);
    XT_CHECK_EQ(ro.dev_bus_addr, romfn << 12);
    XT_CHECK_EQ(gnt::flags(gt, 11), GTF_permit_access | GTF_readonly | GTF_reading);
    XT_CHECK_EQ(unmap(ro, 0, ro.dev_bus_addr), GNTST_okay);
    XT_CHECK_EQ(gnt::flags(gt, 11), GTF_permit_access | GTF_readonly);

    // Host and device at once.
    data[3] = 0x33;
    auto hd = map(10, GNTMAP_host_map | GNTMAP_device_map, win);
    XT_CHECK_EQ(hd.status, GNTST_okay);
    XT_CHECK_EQ(hd.dev_bus_addr, mfn << 12);
    XT_CHECK_EQ(gnt::pte(win) & gnt::ADDR, mfn << 12);
    XT_CHECK_EQ(win[3], 0x33);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_reading | GTF_writing);
    XT_CHECK_EQ(unmap(hd, reinterpret_cast<uint64_t>(win), hd.dev_bus_addr), GNTST_okay);
    XT_CHECK_EQ(gnt::pte(win), 0);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);

    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(win), win_before, UVMF_INVLPG), 0);
    xt::report_success();
}
