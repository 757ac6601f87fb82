// Grant tables v2 across two domains: transitive grants, which a single domain cannot
// use (one naming its own granter is refused). Both run version 2. The peer grants dom0
// a full page (ref 8), a sub-page [1024, 2048) of it (ref 10), and a transitive entry
// back to dom0's ref 20 (ref 9). dom0 grants the peer transitive entries: ref 20 -> the
// peer's ref 8, ref 21 -> the peer's ref 9 (itself transitive: a loop back to ref 20),
// ref 22 -> the peer's ref 10. As Xen 4.17's acquire_grant_for_copy: a transitive grant
// is followed one level, to a grant of the named domain made out to the transitive
// grant's own granter (so the peer copies its own page through dom0's ref 20); a second
// transitive level is GNTST_general_error (no loop is ever walked); the sub-page window
// of the grant at the end applies; transitive grants never map; every status is clear
// once the copies are done.
#include "crossdomain.h"

namespace {

alignas(4096) uint8_t table_window[4096];
alignas(4096) uint8_t status_window[4096];
alignas(4096) uint8_t page[4096];
alignas(4096) uint8_t local[4096];
alignas(4096) volatile uint8_t win[4096];

uint8_t byte(unsigned i) {
    return uint8_t(i * 11 + 5);
}

// Version 2, the shared frame at table_window and the status frame at status_window.
volatile xen::grant_entry_v2* v2_table(volatile xen::grant_status_t** status) {
    xen::gnttab_set_version sv{2};
    XT_CHECK_RC(gnt::op(xen::GNTTABOP_set_version, &sv), 0);
    auto* gt = reinterpret_cast<volatile xen::grant_entry_v2*>(gnt::map_table(table_window));
    uint64_t frame = 0;
    xen::gnttab_get_status_frames gs{};
    gs.nr_frames = 1;
    gs.dom = xen::DOMID_SELF;
    gs.frame_list.p = xt::arg(&frame);
    XT_CHECK_RC(gnt::op(xen::GNTTABOP_get_status_frames, &gs), 0);
    XT_CHECK_EQ(gs.status, xen::GNTST_okay);
    XT_CHECK_RC(
        xt::update_va_mapping(reinterpret_cast<uint64_t>(status_window),
                              (frame << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D,
                              xen::UVMF_INVLPG),
        0);
    *status = reinterpret_cast<volatile xen::grant_status_t*>(status_window);
    return gt;
}

void full(volatile xen::grant_entry_v2* gt, uint32_t ref, xen::domid_t to, uint64_t frame) {
    gt[ref].full_page.hdr.domid = to;
    gt[ref].full_page.frame = frame;
    __atomic_store_n(&gt[ref].hdr.flags, xen::GTF_permit_access, __ATOMIC_RELEASE);
}

void transitive(volatile xen::grant_entry_v2* gt, uint32_t ref, xen::domid_t to, xen::domid_t via,
                uint32_t via_ref) {
    gt[ref].transitive.hdr.domid = to;
    gt[ref].transitive.trans_domid = via;
    gt[ref].transitive.gref = via_ref;
    __atomic_store_n(&gt[ref].hdr.flags, xen::GTF_transitive, __ATOMIC_RELEASE);
}

// A copy from (dom, ref) at offset into `local` at 0.
int16_t copy_from(xen::domid_t dom, uint32_t ref, uint16_t offset, uint16_t len) {
    xen::gnttab_copy c{};
    c.source.u.ref = ref;
    c.source.domid = dom;
    c.source.offset = offset;
    c.dest.u.gmfn = xt::mfn_of(local);
    c.dest.domid = xen::DOMID_SELF;
    c.len = len;
    c.flags = xen::GNTCOPY_source_gref;
    c.status = 99;
    XT_CHECK_RC(gnt::op(xen::GNTTABOP_copy, &c), 0);
    return c.status;
}

} // namespace

void peer_main() {
    using namespace xen;
    volatile grant_status_t* st;
    auto* gt = v2_table(&st);
    for (unsigned i = 0; i < 4096; i++)
        page[i] = byte(i);
    full(gt, 8, xd::kDom0, xt::mfn_of(page));
    gt[10].sub_page.hdr.domid = xd::kDom0;
    gt[10].sub_page.frame = xt::mfn_of(page);
    gt[10].sub_page.page_off = 1024;
    gt[10].sub_page.length = 1024;
    __atomic_store_n(&gt[10].hdr.flags, uint16_t(GTF_permit_access | GTF_sub_page),
                     __ATOMIC_RELEASE);
    transitive(gt, 9, xd::kDom0, xd::kDom0, 20);
    unsigned port;
    XT_CHECK_RC(ev::alloc_unbound(xd::kDom0, &port), 0);
    xd::listen(port);

    // dom0's transitive grants are in place.
    xd::wait_events(port, 1);
    XT_CHECK_EQ(copy_from(xd::kDom0, 20, 100, 200), GNTST_okay);
    for (unsigned i = 0; i < 200; i++)
        XT_CHECK_EQ(local[i], byte(100 + i));
    XT_CHECK_EQ(copy_from(xd::kDom0, 21, 0, 8), GNTST_general_error); // two levels
    XT_CHECK_EQ(copy_from(xd::kDom0, 22, 1024, 1024), GNTST_okay);
    XT_CHECK_EQ(local[1023], byte(2047));
    XT_CHECK_EQ(copy_from(xd::kDom0, 22, 1000, 8), GNTST_general_error);
    XT_CHECK_EQ(copy_from(xd::kDom0, 22, 2000, 100), GNTST_general_error);
    gnttab_map_grant_ref m{};
    m.host_addr = reinterpret_cast<uint64_t>(win);
    m.flags = GNTMAP_host_map | GNTMAP_readonly;
    m.ref = 20;
    m.dom = xd::kDom0;
    XT_CHECK_RC(gnt::op(GNTTABOP_map_grant_ref, &m), 0);
    XT_CHECK_EQ(m.status, GNTST_general_error);
    for (unsigned ref : {8u, 9u, 10u})
        XT_CHECK_EQ(st[ref], 0);
    xd::peer_success(port);
}

void dom0_main() {
    using namespace xen;
    const domid_t peer = xd::find_peer();
    const unsigned ready = xd::wait_peer_port(peer);
    volatile grant_status_t* st;
    auto* gt = v2_table(&st);
    transitive(gt, 20, peer, peer, 8);
    transitive(gt, 21, peer, peer, 9);
    transitive(gt, 22, peer, peer, 10);
    const unsigned port = xd::connect(peer, ready);

    // dom0's own view: the full page directly; the peer's ref 9 leads to a transitive one.
    XT_CHECK_EQ(copy_from(peer, 8, 4000, 96), GNTST_okay);
    XT_CHECK_EQ(local[0], byte(4000));
    XT_CHECK_EQ(copy_from(peer, 9, 0, 8), GNTST_general_error);
    XT_CHECK_EQ(copy_from(peer, 10, 1536, 512), GNTST_okay);
    XT_CHECK_EQ(copy_from(peer, 10, 0, 1), GNTST_general_error);

    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, 2); // the peer's verdict is out
    for (unsigned ref : {20u, 21u, 22u})
        XT_CHECK_EQ(st[ref], 0);
    xt::report_success();
}
