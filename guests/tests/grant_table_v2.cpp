// Grant tables version 2 as Xen 4.17 runs them for a PV domain (grants it gives itself).
// GNTTABOP_set_version 2: the shared frame holds 16-byte v2 entries and one status frame
// (GNTTABOP_get_status_frames: 1 frame, asking for 2 is GNTST_general_error) holds each
// entry's GTF_reading/GTF_writing while the header's flags stay as the guest wrote them.
// A full-page entry maps (writable, or read-only when GTF_readonly) and copies like v1. A
// sub-page entry (GTF_sub_page, page_off/length) copies inside its window only (outside:
// GNTST_general_error) and never maps; a transitive entry naming the granter itself or an
// unknown domain is refused for copy and map. Back to version 1: -EBUSY while a grant is
// mapped or the status frame is still mapped by the guest, -ERANGE while a reserved entry
// (0-7) holds a frame v1 cannot hold; then the reserved entries are carried over (their
// status folded into the flags) and the others cleared, and there are no status frames.
#include "grant_util.h"

namespace {

alignas(4096) uint8_t table_window[4096];
alignas(4096) uint8_t status_window[4096];
alignas(4096) volatile uint8_t data[4096];
alignas(4096) uint8_t dst[4096];
alignas(4096) volatile uint8_t win[4096];

long set_version(uint32_t v, uint32_t* now) {
    xen::gnttab_set_version sv{v};
    long rc = gnt::op(xen::GNTTABOP_set_version, &sv);
    *now = sv.version;
    return rc;
}

int16_t status_frames(uint32_t nr, uint64_t* frames) {
    xen::gnttab_get_status_frames gs{};
    gs.nr_frames = nr;
    gs.dom = xen::DOMID_SELF;
    gs.status = 99;
    gs.frame_list.p = xt::arg(frames);
    XT_CHECK_RC(gnt::op(xen::GNTTABOP_get_status_frames, &gs), 0);
    return gs.status;
}

void map_at(void* window, uint64_t frame) {
    XT_CHECK_RC(
        xt::update_va_mapping(reinterpret_cast<uint64_t>(window),
                              (frame << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D,
                              xen::UVMF_INVLPG),
        0);
}

xen::gnttab_map_grant_ref map(uint32_t ref, uint32_t flags) {
    xen::gnttab_map_grant_ref m{};
    m.host_addr = reinterpret_cast<uint64_t>(win);
    m.flags = flags;
    m.ref = ref;
    m.dom = gnt::kSelf;
    m.status = 99;
    XT_CHECK_RC(gnt::op(xen::GNTTABOP_map_grant_ref, &m), 0);
    if (m.status == xen::GNTST_okay)
        gnt::invlpg(win);
    return m;
}

void unmap(uint32_t handle) {
    xen::gnttab_unmap_grant_ref u{};
    u.host_addr = reinterpret_cast<uint64_t>(win);
    u.handle = handle;
    u.status = 99;
    XT_CHECK_RC(gnt::op(xen::GNTTABOP_unmap_grant_ref, &u), 0);
    XT_CHECK_EQ(u.status, xen::GNTST_okay);
}

// One copy between a grant (source or destination, as flags say) and a frame of ours.
int16_t copy(uint16_t flags, uint32_t ref, uint16_t ref_off, uint16_t frame_off, uint16_t len) {
    xen::gnttab_copy c{};
    bool src_gref = flags & xen::GNTCOPY_source_gref;
    (src_gref ? c.source : c.dest).u.ref = ref;
    (src_gref ? c.source : c.dest).offset = ref_off;
    (src_gref ? c.dest : c.source).u.gmfn = xt::mfn_of(dst);
    (src_gref ? c.dest : c.source).offset = frame_off;
    c.source.domid = xen::DOMID_SELF;
    c.dest.domid = xen::DOMID_SELF;
    c.len = len;
    c.flags = flags;
    c.status = 99;
    XT_CHECK_RC(gnt::op(xen::GNTTABOP_copy, &c), 0);
    return c.status;
}

} // namespace

void test_main() {
    using namespace xen;
    constexpr uint16_t SG = GNTCOPY_source_gref, DG = GNTCOPY_dest_gref;
    uint32_t version;
    XT_CHECK_RC(set_version(2, &version), 0);
    XT_CHECK_EQ(version, 2u);
    gnttab_get_version gv{DOMID_SELF, 0, 77};
    XT_CHECK_RC(gnt::op(GNTTABOP_get_version, &gv), 0);
    XT_CHECK_EQ(gv.version, 2);

    auto* gt = reinterpret_cast<volatile grant_entry_v2*>(gnt::map_table(table_window));
    uint64_t frames[2] = {0, 0};
    XT_CHECK_EQ(status_frames(2, frames), GNTST_general_error);
    XT_CHECK_EQ(status_frames(1, frames), GNTST_okay);
    XT_CHECK(frames[0] != 0);
    map_at(status_window, frames[0]);
    auto* st = reinterpret_cast<volatile grant_status_t*>(status_window);

    for (unsigned i = 0; i < 4096; i++)
        data[i] = uint8_t(i * 5 + 3);
    const uint64_t mfn = xt::mfn_of(data);
    auto full = [&](uint32_t ref, uint16_t extra) {
        gt[ref].full_page.hdr.domid = gnt::kSelf;
        gt[ref].full_page.frame = mfn;
        __atomic_store_n(&gt[ref].hdr.flags, uint16_t(GTF_permit_access | extra), __ATOMIC_RELEASE);
    };
    full(10, 0);
    full(11, GTF_readonly);

    // Full-page maps: the status lives in the status frame.
    auto m = map(10, GNTMAP_host_map);
    XT_CHECK_EQ(m.status, GNTST_okay);
    XT_CHECK_EQ(st[10], GTF_reading | GTF_writing);
    XT_CHECK_EQ(gt[10].hdr.flags, GTF_permit_access);
    win[7] = 0x5a;
    XT_CHECK_EQ(data[7], 0x5a);
    XT_CHECK_RC(set_version(1, &version), -XEN_EBUSY); // a grant is mapped
    XT_CHECK_EQ(version, 2u);
    unmap(m.handle);
    XT_CHECK_EQ(st[10], 0);
    XT_CHECK_EQ(map(11, GNTMAP_host_map).status, GNTST_general_error);
    m = map(11, GNTMAP_host_map | GNTMAP_readonly);
    XT_CHECK_EQ(m.status, GNTST_okay);
    XT_CHECK_EQ(st[11], GTF_reading);
    unmap(m.handle);
    XT_CHECK_EQ(st[11], 0);

    // Copies: full page, then a sub-page window [512, 1536).
    XT_CHECK_EQ(copy(SG, 10, 100, 300, 200), GNTST_okay);
    for (unsigned i = 0; i < 200; i++)
        XT_CHECK_EQ(dst[300 + i], data[100 + i]);
    XT_CHECK_EQ(st[10], 0);
    gt[12].sub_page.hdr.domid = gnt::kSelf;
    gt[12].sub_page.frame = mfn;
    gt[12].sub_page.page_off = 512;
    gt[12].sub_page.length = 1024;
    __atomic_store_n(&gt[12].hdr.flags, uint16_t(GTF_permit_access | GTF_sub_page),
                     __ATOMIC_RELEASE);
    XT_CHECK_EQ(copy(SG, 12, 512, 0, 1024), GNTST_okay);
    XT_CHECK_EQ(dst[0], data[512]);
    XT_CHECK_EQ(dst[1023], data[1535]);
    XT_CHECK_EQ(copy(SG, 12, 1000, 0, 536), GNTST_okay);
    XT_CHECK_EQ(copy(SG, 12, 500, 0, 100), GNTST_general_error);
    XT_CHECK_EQ(copy(SG, 12, 1000, 0, 537), GNTST_general_error);
    dst[0] = 0xa7;
    XT_CHECK_EQ(copy(DG, 12, 600, 0, 1), GNTST_okay);
    XT_CHECK_EQ(data[600], 0xa7);
    XT_CHECK_EQ(copy(DG, 12, 2000, 0, 1), GNTST_general_error);
    XT_CHECK_EQ(map(12, GNTMAP_host_map).status, GNTST_general_error);
    XT_CHECK_EQ(st[12], 0);

    // Transitive: to the granter itself or to nobody.
    for (domid_t to : {domid_t(gnt::kSelf), domid_t(12345)}) {
        gt[13].transitive.hdr.domid = gnt::kSelf;
        gt[13].transitive.trans_domid = to;
        gt[13].transitive.gref = 10;
        __atomic_store_n(&gt[13].hdr.flags, GTF_transitive, __ATOMIC_RELEASE);
        XT_CHECK_EQ(copy(SG, 13, 0, 0, 8), GNTST_general_error);
        XT_CHECK_EQ(map(13, GNTMAP_host_map).status, GNTST_general_error);
        XT_CHECK_EQ(st[13], 0);
    }

    // Back to version 1.
    gt[3].full_page.hdr.domid = 7;
    gt[3].full_page.frame = 0x1234;
    __atomic_store_n(&gt[3].hdr.flags, GTF_permit_access, __ATOMIC_RELEASE);
    gt[4].full_page.hdr.domid = 7;
    gt[4].full_page.frame = 1ull << 32;
    __atomic_store_n(&gt[4].hdr.flags, GTF_permit_access, __ATOMIC_RELEASE);
    XT_CHECK_RC(set_version(1, &version), -XEN_ERANGE);
    XT_CHECK_EQ(version, 2u);
    gt[4].hdr.flags = 0;
    XT_CHECK_RC(set_version(1, &version), -XEN_EBUSY); // the status frame is mapped here
    XT_CHECK_EQ(version, 2u);
    map_at(status_window, xt::mfn_of(status_window));
    XT_CHECK_RC(set_version(1, &version), 0);
    XT_CHECK_EQ(version, 1u);
    auto* gt1 = reinterpret_cast<volatile grant_entry_v1*>(table_window);
    XT_CHECK_EQ(gt1[3].flags, GTF_permit_access);
    XT_CHECK_EQ(gt1[3].domid, 7);
    XT_CHECK_EQ(gt1[3].frame, 0x1234u);
    for (unsigned ref : {4u, 10u, 11u, 12u, 13u})
        XT_CHECK_EQ(gt1[ref].flags, 0);
    XT_CHECK_EQ(status_frames(1, frames), GNTST_general_error);
    XT_CHECK_EQ(status_frames(0, frames), GNTST_okay);

    // And to 2 again: the reserved entry comes along.
    XT_CHECK_RC(set_version(2, &version), 0);
    XT_CHECK_EQ(gt[3].hdr.flags, GTF_permit_access);
    XT_CHECK_EQ(gt[3].full_page.frame, 0x1234u);
    XT_CHECK_EQ(status_frames(1, frames), GNTST_okay);
    XT_CHECK_RC(set_version(1, &version), 0);
    xt::report_success();
}
