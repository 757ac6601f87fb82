// dom0 maps a page of the domU with mmu_update, naming the domU as the page owner (a
// foreign mapping, as privcmd makes them), writes a pattern through it, and destroys the
// domU while still mapping the page. As on Xen, the mapping's reference keeps the frame
// the dead domain's: getdomaininfo shows it dying with that one page, the mapping still
// reads the pattern (the frame was neither scrubbed nor handed to anyone), and every
// other page has come back. Once dom0 unmaps it, the domain is gone (-ESRCH) and the
// hypervisor's free memory has grown by all the pages the domU held.
#include "crossdomain.h"
#include "free_memory.h"
#include "pv_mmu.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static volatile uint8_t page[4096];
alignas(4096) static volatile uint8_t win[4096];

static uint8_t pattern(unsigned i) {
    return static_cast<uint8_t>(i * 7 ^ 0xa5);
}

void peer_main() {
    using namespace xen;
    grant_entry_v1* gt = gnt::map_table(table_window);
    gnt::grant(gt, xd::REF_RW, xd::kDom0, xt::mfn_of(page)); // how dom0 learns its mfn
    unsigned port;
    XT_CHECK_RC(ev::alloc_unbound(xd::kDom0, &port), 0);
    xd::listen(port);
    xd::wait_events(port, 1); // dom0 has written the pattern through its mapping
    for (unsigned i = 0; i < 4096; i++)
        XT_CHECK_EQ(page[i], pattern(i));
    xd::peer_success(port); // dom0 destroys this domain next
}

// The peer's granted frame, from a device mapping of the grant, unmapped again.
static uint64_t peer_frame(xen::domid_t peer) {
    using namespace xen;
    gnttab_map_grant_ref d{0, GNTMAP_device_map, xd::REF_RW, peer, 99, 0, 0};
    XT_CHECK_RC(gnt::op(GNTTABOP_map_grant_ref, &d), 0);
    XT_CHECK_EQ(d.status, GNTST_okay);
    gnttab_unmap_grant_ref u{0, d.dev_bus_addr, d.handle, 99};
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_grant_ref, &u), 0);
    XT_CHECK_EQ(u.status, GNTST_okay);
    return d.dev_bus_addr >> 12;
}

void dom0_main() {
    using namespace xen;
    const domid_t peer = xd::find_peer();
    const unsigned remote = xd::wait_peer_port(peer);
    const unsigned port = xd::connect(peer, remote);
    const uint64_t win_pte = gnt::pte(win);
    const uint64_t mfn = peer_frame(peer);

    mmu_update req{gnt::pte_maddr(win) | MMU_NORMAL_PT_UPDATE,
                   mfn << 12 | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D};
    XT_CHECK_RC(mmu::mmu_update(&req, 1, nullptr, peer), 0);
    gnt::invlpg(win);
    for (unsigned i = 0; i < 4096; i++)
        win[i] = pattern(i);
    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, 2); // the peer saw the pattern; its verdict is out

    static xen_domctl dc;
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_getdomaininfo, peer, &dc), 0);
    const uint64_t peer_pages = dc.u.getdomaininfo.tot_pages;
    const uint64_t free_before = xt::free_pages();
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_destroydomain, peer, &dc), 0);
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_getdomaininfo, peer, &dc), 0);
    xt::printf("dom0: dying d%u: flags %#x, %lu pages\n", peer, dc.u.getdomaininfo.flags,
               dc.u.getdomaininfo.tot_pages);
    XT_CHECK(dc.u.getdomaininfo.flags & XEN_DOMINF_dying);
    XT_CHECK_EQ(dc.u.getdomaininfo.tot_pages, 1u); // the page dom0 maps, as Xen counts it
    const uint64_t free_dying = xt::free_pages();
    XT_CHECK(free_dying >= free_before + peer_pages - 1);

    for (unsigned i = 0; i < 4096; i++)
        XT_CHECK_EQ(win[i], pattern(i));

    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(win), win_pte, UVMF_INVLPG), 0);
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_getdomaininfo, peer, &dc), -XEN_ESRCH);
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_destroydomain, peer, &dc), -XEN_ESRCH);
    XT_CHECK_RC(ev::close(port), 0);

    uint64_t slept = xt::sleep_ns(10000000); // the domain's structures: after a grace period
    XT_CHECK(slept >= 10000000);
    const uint64_t free_after = xt::free_pages();
    xt::printf("dom0: free pages %lu before, %lu dying, %lu after; d%u held %lu\n", free_before,
               free_dying, free_after, peer, peer_pages);
    XT_CHECK(free_after >= free_before + peer_pages);
    xt::report_success();
}
