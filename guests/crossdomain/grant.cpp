// Grants between dom0 and a domU. The peer grants dom0 one page writable (REF_RW), one
// read-only (REF_RO) and one as a copy target (REF_COPY). dom0 maps REF_RW writable and
// both sides see each other's writes through the one frame, while the peer's entry shows
// GTF_reading|GTF_writing; REF_RO maps read-only (writes fault) but not writable
// (GNTST_general_error). GNTTABOP_copy moves bytes between the peer's grants and dom0's
// own frames, and gref to gref: a copy past the page is GNTST_bad_copy_arg and one into
// the read-only grant GNTST_general_error. After dom0 unmaps, the peer's flags are clear.
#include "crossdomain.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static volatile uint8_t rw_page[4096];
alignas(4096) static uint8_t ro_page[4096];
alignas(4096) static uint8_t copy_page[4096];
alignas(4096) static volatile uint8_t win[4096];
alignas(4096) static volatile uint8_t ro_win[4096];
alignas(4096) static uint8_t local[4096];

static uint8_t peer_byte(unsigned i) {
    return static_cast<uint8_t>(i * 5 + 1);
}
static uint8_t dom0_byte(unsigned i) {
    return static_cast<uint8_t>(i * 3 + 7);
}

void peer_main() {
    using namespace xen;
    grant_entry_v1* gt = gnt::map_table(table_window);
    for (unsigned i = 0; i < 4096; i++) {
        rw_page[i] = peer_byte(i);
        ro_page[i] = static_cast<uint8_t>(~peer_byte(i));
    }
    gnt::grant(gt, xd::REF_RW, xd::kDom0, xt::mfn_of(rw_page));
    gnt::grant(gt, xd::REF_RO, xd::kDom0, xt::mfn_of(ro_page), GTF_readonly);
    gnt::grant(gt, xd::REF_COPY, xd::kDom0, xt::mfn_of(copy_page));
    unsigned port;
    XT_CHECK_RC(ev::alloc_unbound(xd::kDom0, &port), 0);
    xd::listen(port);

    // Step 1: dom0 has mapped both and written the upper half of REF_RW, and copied.
    xd::wait_events(port, 1);
    for (unsigned i = 2048; i < 4096; i++)
        XT_CHECK_EQ(rw_page[i], dom0_byte(i));
    XT_CHECK_EQ(gnt::flags(gt, xd::REF_RW), GTF_permit_access | GTF_reading | GTF_writing);
    XT_CHECK_EQ(gnt::flags(gt, xd::REF_RO), GTF_permit_access | GTF_readonly | GTF_reading);
    XT_CHECK_EQ(gnt::flags(gt, xd::REF_COPY), GTF_permit_access);
    for (unsigned i = 0; i < 96; i++)
        XT_CHECK_EQ(copy_page[4000 + i], dom0_byte(i));
    for (unsigned i = 0; i < 8; i++)
        XT_CHECK_EQ(copy_page[i], peer_byte(16 + i));
    rw_page[0] = 0xab;
    XT_CHECK_RC(ev::send(port), 0);

    // Step 2: dom0 has unmapped.
    xd::wait_events(port, 2);
    XT_CHECK_EQ(gnt::flags(gt, xd::REF_RW), GTF_permit_access);
    XT_CHECK_EQ(gnt::flags(gt, xd::REF_RO), GTF_permit_access | GTF_readonly);
    xd::peer_success(port);
}

static xen::gnttab_map_grant_ref map(xen::domid_t peer, uint32_t ref, uint32_t flags,
                                     const volatile void* at) {
    xen::gnttab_map_grant_ref m{};
    m.host_addr = reinterpret_cast<uint64_t>(at);
    m.flags = flags;
    m.ref = ref;
    m.dom = peer;
    m.status = 99;
    if (long rc = gnt::op(xen::GNTTABOP_map_grant_ref, &m))
        xt::report_failure("map_grant_ref returned %ld", rc);
    if (m.status == xen::GNTST_okay)
        gnt::invlpg(at);
    return m;
}

static int16_t copy(uint16_t flags, uint64_t s, xen::domid_t sdom, uint16_t soff, uint64_t d,
                    xen::domid_t ddom, uint16_t doff, uint16_t len) {
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
    if (long rc = gnt::op(xen::GNTTABOP_copy, &c))
        xt::report_failure("copy returned %ld", rc);
    return c.status;
}

void dom0_main() {
    using namespace xen;
    constexpr uint16_t SG = GNTCOPY_source_gref, DG = GNTCOPY_dest_gref;
    const domid_t peer = xd::find_peer();
    const unsigned port = xd::connect(peer, xd::wait_peer_port(peer));
    const uint64_t win_pte = gnt::pte(win), ro_win_pte = gnt::pte(ro_win);

    auto rw = map(peer, xd::REF_RW, GNTMAP_host_map, win);
    XT_CHECK_EQ(rw.status, GNTST_okay);
    for (unsigned i = 0; i < 2048; i++)
        XT_CHECK_EQ(win[i], peer_byte(i));
    for (unsigned i = 2048; i < 4096; i++)
        win[i] = dom0_byte(i);
    XT_CHECK_EQ(map(peer, xd::REF_RO, GNTMAP_host_map, ro_win).status, GNTST_general_error);
    auto ro = map(peer, xd::REF_RO, GNTMAP_host_map | GNTMAP_readonly, ro_win);
    XT_CHECK_EQ(ro.status, GNTST_okay);
    XT_CHECK_EQ(ro_win[5], static_cast<uint8_t>(~peer_byte(5)));
    xt::expect_fault(xt::VEC_PF, [] { ro_win[5] = 0; });
    XT_CHECK_EQ(map(peer, 600, GNTMAP_host_map, ro_win).status, GNTST_bad_gntref);

    // Copies: peer gref -> own frame, own frame -> peer gref, gref -> gref, and refusals.
    for (unsigned i = 0; i < 4096; i++)
        local[i] = dom0_byte(i);
    const uint64_t lmfn = xt::mfn_of(local);
    XT_CHECK_EQ(copy(DG, lmfn, DOMID_SELF, 0, xd::REF_COPY, peer, 4000, 96), GNTST_okay);
    XT_CHECK_EQ(copy(DG, lmfn, DOMID_SELF, 0, xd::REF_COPY, peer, 4000, 97), GNTST_bad_copy_arg);
    XT_CHECK_EQ(copy(SG | DG, xd::REF_RW, peer, 16, xd::REF_COPY, peer, 0, 8), GNTST_okay);
    XT_CHECK_EQ(copy(SG, xd::REF_RO, peer, 100, lmfn, DOMID_SELF, 200, 50), GNTST_okay);
    for (unsigned i = 0; i < 50; i++)
        XT_CHECK_EQ(local[200 + i], static_cast<uint8_t>(~peer_byte(100 + i)));
    XT_CHECK_EQ(copy(SG, xd::REF_RO, peer, 4095, lmfn, DOMID_SELF, 0, 2), GNTST_bad_copy_arg);
    XT_CHECK_EQ(copy(DG, lmfn, DOMID_SELF, 0, xd::REF_RO, peer, 0, 8), GNTST_general_error);
    XT_CHECK_EQ(copy(DG, lmfn, DOMID_SELF, 0, 600, peer, 0, 8), GNTST_bad_gntref);

    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, 2);
    XT_CHECK_EQ(win[0], 0xab); // the peer's write, seen through the map

    xen::gnttab_unmap_grant_ref u[2] = {{reinterpret_cast<uint64_t>(win), 0, rw.handle, 99},
                                        {reinterpret_cast<uint64_t>(ro_win), 0, ro.handle, 99}};
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_grant_ref, u, 2), 0);
    XT_CHECK_EQ(u[0].status, GNTST_okay);
    XT_CHECK_EQ(u[1].status, GNTST_okay);
    XT_CHECK_EQ(gnt::pte(win), 0);
    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, 3); // the peer's verdict is out

    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(win), win_pte, UVMF_INVLPG), 0);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(ro_win), ro_win_pte, UVMF_INVLPG),
                0);
    xt::report_success();
}
