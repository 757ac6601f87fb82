// GNTTABOP_transfer between two domains, both ways and in both table versions. dom0
// (version 1) accepts a frame from the peer in entry 20; the peer (version 2) accepts one
// from dom0 in entry 8.
//   1. The peer transfers a page while dom0 is at its max_pages (XEN_DOMCTL_max_mem on
//      itself to what it has): GNTST_general_error, the frame is lost (the peer's
//      reservation drops by one), dom0's entry unchanged.
//   2. dom0 gives a frame back to make room; the peer transfers a page with a pattern:
//      GNTST_okay, the peer's reservation drops by one, the frame is no longer the peer's
//      (transferring it again: GNTST_bad_page). dom0's entry reads accept|committed|
//      completed with the mfn; dom0's reservation is back to what it was; M2P gives the
//      pfn dom0 asked for; dom0 maps the frame and reads the pattern.
//   3. dom0 transfers a page to the peer's v2 entry 8 (an entry for someone else and a
//      ref past its table are GNTST_general_error first); the peer finds the mfn in
//      full_page.frame, maps it and reads the pattern; its reservation is back up by one.
#include "../tests/grant_transfer_util.h"
#include "../tests/memop_util.h"
#include "crossdomain.h"

namespace {

alignas(4096) uint8_t table_window[4096];
alignas(4096) volatile uint8_t gift[4096];
alignas(4096) volatile uint8_t doomed[4096];
alignas(4096) volatile uint8_t other[4096];
alignas(4096) volatile uint8_t landing[4096];

constexpr uint32_t kRefDom0 = 20, kRefPeer = 8;
constexpr uint8_t kSeedToDom0 = 0x5a, kSeedToPeer = 0xa5;

} // namespace

void peer_main() {
    using namespace xen;
    gnttab_set_version sv{2};
    XT_CHECK_RC(gnt::op(GNTTABOP_set_version, &sv), 0);
    auto* gt = reinterpret_cast<volatile grant_entry_v2*>(gnt::map_table(table_window));
    gxfer::make_room(landing);
    gt[kRefPeer].full_page.hdr.domid = xd::kDom0;
    gt[kRefPeer].full_page.frame = xt::pfn_of(landing);
    __atomic_store_n(&gt[kRefPeer].hdr.flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    gt[9].full_page.hdr.domid = 77; // accepts, but from someone else
    __atomic_store_n(&gt[9].hdr.flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    unsigned port;
    XT_CHECK_RC(ev::alloc_unbound(xd::kDom0, &port), 0);
    xd::listen(port);

    // 1: dom0 is full.
    xd::wait_events(port, 1);
    long pages = memop::current_pages();
    uint64_t mfn = gxfer::prepare(doomed, 1);
    gxfer::forget(doomed);
    XT_CHECK_EQ(gxfer::transfer(mfn, xd::kDom0, kRefDom0), GNTST_general_error);
    XT_CHECK_EQ(memop::current_pages(), --pages);
    XT_CHECK_RC(ev::send(port), 0);

    // 2: dom0 has room.
    xd::wait_events(port, 2);
    mfn = gxfer::prepare(gift, kSeedToDom0);
    gxfer::forget(gift);
    XT_CHECK_EQ(gxfer::transfer(mfn, xd::kDom0, kRefDom0), GNTST_okay);
    XT_CHECK_EQ(memop::current_pages(), --pages);
    XT_CHECK_EQ(gxfer::transfer(mfn, xd::kDom0, kRefDom0), GNTST_bad_page);
    XT_CHECK_EQ(memop::current_pages(), pages);
    XT_CHECK_RC(ev::send(port), 0);

    // 3: dom0's frame is in entry 8.
    xd::wait_events(port, 3);
    XT_CHECK_EQ(gt[kRefPeer].hdr.flags,
                GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
    XT_CHECK_EQ(gt[kRefPeer].hdr.domid, xd::kDom0);
    XT_CHECK_EQ(gt[9].hdr.flags, GTF_accept_transfer);
    gxfer::take(landing, gt[kRefPeer].full_page.frame, kSeedToPeer);
    XT_CHECK_EQ(memop::current_pages(), pages + 1);
    xd::peer_success(port);
}

void dom0_main() {
    using namespace xen;
    const domid_t peer = xd::find_peer();
    const unsigned ready = xd::wait_peer_port(peer);
    grant_entry_v1* gt = gnt::map_table(table_window);
    gt[kRefDom0].domid = peer;
    gt[kRefDom0].frame = static_cast<uint32_t>(xt::pfn_of(landing));
    __atomic_store_n(&gt[kRefDom0].flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    const long pages = memop::current_pages();
    static xen_domctl dc;
    dc.cmd = XEN_DOMCTL_max_mem;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = xd::kDom0;
    dc.u.max_mem.max_memkb = uint64_t(pages) * 4;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_domctl, xt::arg(&dc)), 0);
    const unsigned port = xd::connect(peer, ready);

    // 1: at max_pages (set to what it has), nothing comes in.
    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, 2);
    XT_CHECK_EQ(gnt::flags(gt, kRefDom0), GTF_accept_transfer);
    XT_CHECK_EQ(memop::current_pages(), pages);

    // 2: room for one.
    gxfer::make_room(landing);
    XT_CHECK_EQ(memop::current_pages(), pages - 1);
    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, 3);
    XT_CHECK_EQ(gnt::flags(gt, kRefDom0),
                GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
    XT_CHECK_EQ(gt[kRefDom0].domid, peer);
    XT_CHECK_EQ(memop::current_pages(), pages);
    gxfer::take(landing, gt[kRefDom0].frame, kSeedToDom0);

    // 3: to the peer's v2 entry.
    uint64_t mfn = gxfer::prepare(other, 0);
    gxfer::forget(other);
    XT_CHECK_EQ(gxfer::transfer(mfn, peer, 9), GNTST_general_error);
    mfn = gxfer::prepare(doomed, 0);
    gxfer::forget(doomed);
    XT_CHECK_EQ(gxfer::transfer(mfn, peer, 256), GNTST_general_error); // 256 v2 entries
    XT_CHECK_EQ(memop::current_pages(), pages - 2);
    mfn = gxfer::prepare(gift, kSeedToPeer);
    gxfer::forget(gift);
    XT_CHECK_EQ(gxfer::transfer(mfn, peer, kRefPeer), GNTST_okay);
    XT_CHECK_EQ(memop::current_pages(), pages - 3);
    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, 4); // the peer's verdict is out
    xt::report_success();
}
