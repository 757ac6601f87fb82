// GNTTABOP_get_status_frames and version switches abused, with Xen 4.17's answers. Under
// version 1 there are no status frames (nr 1: GNTST_general_error). Under version 2: more
// frames than the table has is GNTST_general_error, a list at an unmapped address
// GNTST_bad_virt_addr, a list in the hypervisor's range -EFAULT, ~0 frames
// GNTST_general_error, count 2 -EINVAL, domain 12345 GNTST_bad_domain. A reserved entry (0-7) may
// stay mapped across a switch to version 1 and back: its status moves between the status frame and
// the entry's flags, the mapping keeps working and unmaps cleanly afterwards.
#include "hostile.h"
#include "public/grant_table.h"

namespace {

alignas(4096) uint8_t table_window[4096];
alignas(4096) uint8_t status_window[4096];
alignas(4096) volatile uint8_t data[4096];
alignas(4096) volatile uint8_t win[4096];

long status_frames(uint32_t nr, uint64_t list, int16_t* status, xen::domid_t dom = xen::DOMID_SELF,
                   unsigned count = 1) {
    xen::gnttab_get_status_frames gs{};
    gs.nr_frames = nr;
    gs.dom = dom;
    gs.status = 99;
    gs.frame_list.p = list;
    long rc = hostile::grant_table_op(xen::GNTTABOP_get_status_frames, &gs, count);
    *status = gs.status;
    return rc;
}

long set_version(uint32_t v) {
    xen::gnttab_set_version sv{v};
    return hostile::grant_table_op(xen::GNTTABOP_set_version, &sv, 1);
}

} // namespace

void test_main() {
    using namespace xen;
    uint64_t frames[2] = {};
    const uint64_t list = xt::arg(frames);
    int16_t status;
    auto* gt1 =
        reinterpret_cast<volatile grant_entry_v1*>(hostile::map_own_grant_table(table_window));
    XT_CHECK_RC(status_frames(1, list, &status), 0);
    XT_CHECK_EQ(status, GNTST_general_error);

    XT_CHECK_RC(set_version(2), 0);
    XT_CHECK_RC(status_frames(2, list, &status), 0);
    XT_CHECK_EQ(status, GNTST_general_error);
    XT_CHECK_RC(status_frames(1, 0x1000, &status), 0);
    XT_CHECK_EQ(status, GNTST_bad_virt_addr);
    XT_CHECK_RC(status_frames(1, hostile::XEN_DIRECTMAP, &status), -XEN_EFAULT);
    XT_CHECK_RC(status_frames(~0u, list, &status), 0);
    XT_CHECK_EQ(status, GNTST_general_error);
    XT_CHECK_RC(status_frames(1, list, &status, 12345), 0);
    XT_CHECK_EQ(status, GNTST_bad_domain);
    XT_CHECK_RC(status_frames(1, list, &status, DOMID_SELF, 2), -XEN_EINVAL);
    XT_CHECK_RC(status_frames(1, list, &status), 0);
    XT_CHECK_EQ(status, GNTST_okay);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(status_window),
                                      hostile::pte(frames[0], xt::PTE_RW | xt::PTE_D), UVMF_INVLPG),
                0);
    auto* st = reinterpret_cast<volatile grant_status_t*>(status_window);

    // Reserved entry 2, mapped across 2 -> 1 -> 2.
    auto* gt2 = reinterpret_cast<volatile grant_entry_v2*>(table_window);
    gt2[2].full_page.hdr.domid = 0;
    gt2[2].full_page.frame = xt::mfn_of(data);
    __atomic_store_n(&gt2[2].hdr.flags, GTF_permit_access, __ATOMIC_RELEASE);
    uint32_t handle;
    XT_CHECK_EQ(hostile::map_grant(reinterpret_cast<uint64_t>(win), GNTMAP_host_map, 2, 0, &handle),
                GNTST_okay);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_INVLPG_LOCAL, reinterpret_cast<uint64_t>(win)), 0);
    XT_CHECK_EQ(st[2], GTF_reading | GTF_writing);
    const uint64_t own = xt::mfn_of(status_window);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(status_window),
                                      hostile::pte(own, xt::PTE_RW | xt::PTE_D), UVMF_INVLPG),
                0);
    XT_CHECK_RC(set_version(1), 0);
    XT_CHECK_EQ(gt1[2].flags, GTF_permit_access | GTF_reading | GTF_writing);
    win[5] = 0x3c;
    XT_CHECK_EQ(data[5], 0x3c);
    XT_CHECK_RC(set_version(2), 0);
    XT_CHECK_EQ(gt2[2].hdr.flags, GTF_permit_access);
    XT_CHECK_RC(status_frames(1, list, &status), 0);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(status_window),
                                      hostile::pte(frames[0], xt::PTE_RW | xt::PTE_D), UVMF_INVLPG),
                0);
    XT_CHECK_EQ(st[2], GTF_reading | GTF_writing);
    XT_CHECK_EQ(hostile::unmap_grant(reinterpret_cast<uint64_t>(win), handle), GNTST_okay);
    XT_CHECK_EQ(st[2], 0);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(status_window),
                                      hostile::pte(own, xt::PTE_RW | xt::PTE_D), UVMF_INVLPG),
                0);
    XT_CHECK_RC(set_version(1), 0);
    hostile::pass();
}
