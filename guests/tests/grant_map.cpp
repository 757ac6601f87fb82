// GNTTABOP_map_grant_ref / unmap_grant_ref of grants the domain gives itself (Xen 4.17's
// answers). A host mapping replaces the L1 entry at host_addr with one for the granted
// frame: present, accessed, dirty, no-execute, a kernel mapping, writable unless
// GNTMAP_readonly (GNTMAP_contains_pte: host_addr is the entry's machine address); the
// grant shows GTF_reading (and GTF_writing) while mapped. Handles count up from 0 (and a
// failed map still uses one up). dev_bus_addr is the frame's machine address. Unmapping
// needs the handle and an entry that still maps the frame with the grant's rights
// (otherwise GNTST_general_error; an unknown handle GNTST_bad_handle) and leaves the
// entry empty. Refused maps: no host or device flag (GNTST_bad_gntref), DOMID_SELF or an
// unknown domain (GNTST_bad_domain), a ref past the table (GNTST_bad_gntref), an entry
// that grants nothing, a writable map of a read-only grant or of a page table, an address
// without an L1 table (GNTST_general_error), a frame not the granter's (GNTST_bad_page).
// Batches of many maps and unmaps; unmap_and_replace moves another entry into the
// grant's place.
#include "grant_util.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static volatile uint8_t data[4096];
alignas(4096) static uint8_t other[4096];
alignas(4096) static volatile uint8_t win[4096];
alignas(4096) static volatile uint8_t win2[4096];
alignas(4096) static volatile uint8_t spare[4096];

static xen::gnttab_map_grant_ref map(uint32_t ref, uint32_t flags, const volatile void *at,
                                     xen::domid_t dom = gnt::kSelf) {
    xen::gnttab_map_grant_ref m{};
    m.host_addr = reinterpret_cast<uint64_t>(at);
    m.flags = flags;
    m.ref = ref;
    m.dom = dom;
    m.status = 99;
    m.handle = 0xdead;
    m.dev_bus_addr = 0x1234;
    long rc = gnt::op(xen::GNTTABOP_map_grant_ref, &m);
    if (rc)
        xt::report_failure("map_grant_ref returned %ld", rc);
    if (m.status == xen::GNTST_okay && at && !(flags & xen::GNTMAP_contains_pte))
        gnt::invlpg(at); // the old translation may still be cached
    return m;
}

static int16_t unmap(uint32_t handle, uint64_t addr, uint64_t dev = 0) {
    xen::gnttab_unmap_grant_ref u{};
    u.host_addr = addr;
    u.dev_bus_addr = dev;
    u.handle = handle;
    u.status = 99;
    long rc = gnt::op(xen::GNTTABOP_unmap_grant_ref, &u);
    if (rc)
        xt::report_failure("unmap_grant_ref returned %ld", rc);
    return u.status;
}
static uint64_t va(const volatile void *p) { return reinterpret_cast<uint64_t>(p); }

void test_main() {
    using namespace xen;
    grant_entry_v1 *gt = gnt::map_table(table_window);
    for (unsigned i = 0; i < 4096; i++)
        data[i] = static_cast<uint8_t>(i * 3 + 1);
    const uint64_t mfn = xt::mfn_of(data);
    const uint64_t pt = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
    const uint64_t kernel = uint64_t(1) << 52; // Xen's mark of a 64-bit PV kernel mapping
    gnt::grant(gt, 10, gnt::kSelf, mfn);
    gnt::grant(gt, 12, gnt::kSelf, xt::mfn_of(other), GTF_readonly);
    gnt::grant(gt, 13, DOMID_SELF, mfn);
    gnt::grant(gt, 14, gnt::kSelf, pt);
    gnt::grant(gt, 15, gnt::kSelf, 0x7fffffff);
    const uint64_t win_before = gnt::pte(win);

    // A writable host mapping.
    auto m = map(10, GNTMAP_host_map, win);
    XT_CHECK_EQ(m.status, GNTST_okay);
    XT_CHECK_EQ(m.handle, 0);
    XT_CHECK_EQ(m.dev_bus_addr, mfn << 12);
    XT_CHECK_EQ(gnt::pte(win), xt::PTE_NX | kernel | (mfn << 12) | xt::PTE_P | xt::PTE_RW |
                                   xt::PTE_US | xt::PTE_A | xt::PTE_D);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_reading | GTF_writing);
    XT_CHECK_EQ(win[5], data[5]);
    win[6] = 0x77;
    XT_CHECK_EQ(data[6], 0x77);

    // A read-only one of the same grant: writing through it faults.
    auto r = map(10, GNTMAP_host_map | GNTMAP_readonly, win2);
    XT_CHECK_EQ(r.status, GNTST_okay);
    XT_CHECK_EQ(r.handle, 1);
    XT_CHECK_EQ(gnt::pte(win2), xt::PTE_NX | kernel | (mfn << 12) | xt::PTE_P | xt::PTE_US |
                                    xt::PTE_A | xt::PTE_D);
    XT_CHECK_EQ(win2[6], 0x77);
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] { win2[7] = 1; });
    XT_CHECK_EQ(fi.cr2, va(win2) + 7);

    // Unmapping: the handle, and an entry that still maps the frame as the grant did.
    XT_CHECK_EQ(unmap(r.handle, va(win2) + 4096), GNTST_general_error);
    XT_CHECK_EQ(unmap(r.handle, va(win)), GNTST_general_error); // writable: not this one
    XT_CHECK_EQ(unmap(999, va(win2)), GNTST_bad_handle);
    XT_CHECK_EQ(unmap(100000, va(win2)), GNTST_bad_handle);
    XT_CHECK_EQ(unmap(r.handle, va(win2)), GNTST_okay);
    XT_CHECK_EQ(gnt::pte(win2), 0);
    XT_CHECK_EQ(unmap(r.handle, va(win2)), GNTST_bad_handle);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_reading | GTF_writing);
    XT_CHECK_EQ(unmap(m.handle, 0), GNTST_okay); // no address: nothing happens
    XT_CHECK_EQ(gnt::pte(win) & gnt::ADDR, mfn << 12);
    XT_CHECK_EQ(unmap(m.handle, va(win)), GNTST_okay);
    XT_CHECK_EQ(gnt::pte(win), 0);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);

    // Refusals; each one still takes a handle and gives it back.
    XT_CHECK_EQ(map(10, 0, win).status, GNTST_bad_gntref);
    XT_CHECK_EQ(map(10, GNTMAP_host_map, win, DOMID_SELF).status, GNTST_bad_domain);
    XT_CHECK_EQ(map(10, GNTMAP_host_map, win, 5).status, GNTST_bad_domain);
    XT_CHECK_EQ(map(600, GNTMAP_host_map, win).status, GNTST_bad_gntref);
    XT_CHECK_EQ(map(20, GNTMAP_host_map, win).status, GNTST_general_error);
    XT_CHECK_EQ(map(13, GNTMAP_host_map, win).status, GNTST_general_error);
    XT_CHECK_EQ(map(12, GNTMAP_host_map, win).status, GNTST_general_error);
    XT_CHECK_EQ(map(14, GNTMAP_host_map, win).status, GNTST_general_error);
    XT_CHECK_EQ(map(15, GNTMAP_host_map, win).status, GNTST_bad_page);
    XT_CHECK_EQ(map(10, GNTMAP_host_map, reinterpret_cast<void *>(0x1000)).status,
                GNTST_general_error);
    XT_CHECK_EQ(map(10, GNTMAP_host_map, reinterpret_cast<void *>(0xffff830000000000ul)).status,
                GNTST_general_error);
    XT_CHECK_EQ(map(10, GNTMAP_host_map | GNTMAP_contains_pte,
                    reinterpret_cast<void *>(gnt::pte_maddr(win) + 1)).status,
                GNTST_general_error);
    XT_CHECK_EQ(gnt::pte(win), 0);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);
    XT_CHECK_EQ(gnt::flags(gt, 12), GTF_permit_access | GTF_readonly);
    XT_CHECK_EQ(gnt::flags(gt, 14), GTF_permit_access);

    // Read-only maps of a read-only grant and of a page table are fine.
    auto ro = map(12, GNTMAP_host_map | GNTMAP_readonly, win);
    XT_CHECK_EQ(ro.status, GNTST_okay);
    XT_CHECK_EQ(ro.handle, 11); // 2..10 went to the refusals that got as far as a handle
    XT_CHECK_EQ(gnt::flags(gt, 12), GTF_permit_access | GTF_readonly | GTF_reading);
    XT_CHECK_EQ(unmap(ro.handle, va(win)), GNTST_okay);
    XT_CHECK_EQ(gnt::flags(gt, 12), GTF_permit_access | GTF_readonly);
    auto ptm = map(14, GNTMAP_host_map | GNTMAP_readonly, win);
    XT_CHECK_EQ(ptm.status, GNTST_okay);
    XT_CHECK_EQ(*reinterpret_cast<const volatile uint64_t *>(win + 8 * 511),
                reinterpret_cast<const uint64_t *>(xt::start_info->pt_base)[511]);
    XT_CHECK_EQ(unmap(ptm.handle, va(win)), GNTST_okay);

    // Naming the entry by its machine address.
    auto c = map(10, GNTMAP_host_map | GNTMAP_contains_pte,
                 reinterpret_cast<void *>(gnt::pte_maddr(win)));
    XT_CHECK_EQ(c.status, GNTST_okay);
    gnt::invlpg(win);
    XT_CHECK_EQ(gnt::pte(win) & gnt::ADDR, mfn << 12);
    XT_CHECK_EQ(win[9], data[9]);
    XT_CHECK_EQ(unmap(c.handle, va(win)), GNTST_general_error); // not an entry's address
    XT_CHECK_EQ(unmap(c.handle, gnt::pte_maddr(win)), GNTST_okay);
    XT_CHECK_EQ(gnt::pte(win), 0);

    // A device mapping: the frame's machine address, no page-table entry.
    auto d = map(10, GNTMAP_device_map | GNTMAP_readonly, nullptr);
    XT_CHECK_EQ(d.status, GNTST_okay);
    XT_CHECK_EQ(d.dev_bus_addr, mfn << 12);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_reading);
    XT_CHECK_EQ(unmap(d.handle, 0, 0x1000), GNTST_bad_dev_addr);
    XT_CHECK_EQ(unmap(d.handle, 0, 0), GNTST_okay); // nothing to do
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_reading);
    XT_CHECK_EQ(unmap(d.handle, 0, d.dev_bus_addr), GNTST_okay);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);

    // A batch: each element gets its own status.
    gnttab_map_grant_ref mm[2] = {};
    mm[0] = {va(win), GNTMAP_host_map, 600, gnt::kSelf, 99, 0, 0};
    mm[1] = {va(win), GNTMAP_host_map, 10, gnt::kSelf, 99, 0, 0};
    XT_CHECK_RC(gnt::op(GNTTABOP_map_grant_ref, mm, 2), 0);
    XT_CHECK_EQ(mm[0].status, GNTST_bad_gntref);
    XT_CHECK_EQ(mm[1].status, GNTST_okay);
    gnttab_unmap_grant_ref um[2] = {{va(win), 0, mm[1].handle, 99}, {va(win), 0, 0xffff, 99}};
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_grant_ref, um, 2), 0);
    XT_CHECK_EQ(um[0].status, GNTST_okay);
    XT_CHECK_EQ(um[1].status, GNTST_bad_handle);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, 0x1000, 1),
                -XEN_EFAULT);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, 0x1000, 1),
                -XEN_EFAULT);

    // Long batches: 40 device mappings, unmapped in one go (xenon unmaps in groups of 32).
    static gnttab_map_grant_ref maps[40];
    static gnttab_unmap_grant_ref unmaps[40];
    for (auto &e : maps)
        e = {0, GNTMAP_device_map | GNTMAP_readonly, 10, gnt::kSelf, 99, 0, 0};
    XT_CHECK_RC(gnt::op(GNTTABOP_map_grant_ref, maps, 40), 0);
    for (unsigned i = 0; i < 40; i++) {
        XT_CHECK_EQ(maps[i].status, GNTST_okay);
        unmaps[i] = {0, maps[i].dev_bus_addr, maps[i].handle, 99};
    }
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access | GTF_reading);
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_grant_ref, unmaps, 40), 0);
    for (unsigned i = 0; i < 40; i++)
        XT_CHECK_EQ(unmaps[i].status, GNTST_okay);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);

    // GNTTABOP_unmap_and_replace: the entry at new_addr moves into the grant's place
    // (new_addr is left unmapped); with new_addr 0 the grant's entry is just cleared.
    spare[0] = 0x5a;
    const uint64_t spare_pte = gnt::pte(spare);
    auto u = map(10, GNTMAP_host_map, win);
    XT_CHECK_EQ(u.status, GNTST_okay);
    gnttab_unmap_and_replace ur{va(win), va(spare), u.handle, 99};
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_and_replace, &ur), 0);
    XT_CHECK_EQ(ur.status, GNTST_okay);
    XT_CHECK_EQ(gnt::pte(spare), 0);
    XT_CHECK_EQ(gnt::pte(win), spare_pte);
    gnt::invlpg(win);
    XT_CHECK_EQ(win[0], 0x5a);
    XT_CHECK_EQ(gnt::flags(gt, 10), GTF_permit_access);
    XT_CHECK_RC(xt::update_va_mapping(va(spare), spare_pte, UVMF_INVLPG), 0);
    u = map(10, GNTMAP_host_map, win2);
    XT_CHECK_EQ(u.status, GNTST_okay);
    ur = {va(win2), 0, u.handle, 99};
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_and_replace, &ur), 0);
    XT_CHECK_EQ(ur.status, GNTST_okay);
    XT_CHECK_EQ(gnt::pte(win2), 0);
    ur.status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_and_replace, &ur), 0);
    XT_CHECK_EQ(ur.status, GNTST_bad_handle);

    // The window's own page, put back where it was.
    XT_CHECK_RC(xt::update_va_mapping(va(win), win_before, UVMF_INVLPG), 0);
    win[0] = 1;
    xt::report_success();
}
