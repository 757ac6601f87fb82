// Log-dirty mode of a PV domain (XEN_DOMCTL_shadow_op), driven by dom0 as libxc's save
// drives it, on xenon (Debian's Xen 4.17 has no shadow paging: ENABLE_LOGDIRTY of a PV
// domain is -EOPNOTSUPP there; conformance domctl_shadow_op pins that).
//   - dom0: Xen's refusals (on itself, bad CLEAN modes, unknown ops, non-log-dirty
//     ENABLEs: -EINVAL), PEEK with log-dirty off gives zeros; ENABLE twice -EINVAL;
//     bitmaps in xenon's range or in a read-only grant of the peer, and a page count far
//     beyond the buffer: -EFAULT with the peer's page untouched; a null bitmap with 2^50
//     pages: 0 and pages 2^42.
//   - six rounds: the peer writes a known set of its pages (through its own mappings, a
//     fresh mapping without Accessed/Dirty, and around a copy-on-write-like read-only
//     spell), dom0 copies into one of its grants in odd rounds and holds a writable map
//     of another across rounds 2-3; after each round dom0's CLEAN must show exactly those
//     of the watched pages dirty. The peer checks its own entries read back as it wrote
//     them (RW kept, Accessed and Dirty set only where the CPU would set them, nothing
//     changed by dom0's CLEANs).
//   - OFF, PEEK gives zeros again; three more enable/disable cycles leak no memory; a peer
//   destroyed
//     with log-dirty on: shadow_op on it while dying is 0, once gone -ESRCH.
//   - the peer's own shadow_op (on dom0, on itself): -EPERM.
// crossdomain: timeout=90
#include "crossdomain.h"
#include "free_memory.h"
#include "pv_mmu.h"

namespace {

using namespace xen;

constexpr unsigned kPages = 8, kRounds = 6;
constexpr uint64_t kBitmapPages = 8 * 4096; // bits: the peer's 16 MiB four times over

alignas(4096) volatile uint8_t data[kPages][4096];
alignas(4096) volatile uint8_t never_page[4096]; // the peer never writes it
alignas(4096) volatile uint8_t alias[4096];      // a VA the peer remaps
alignas(4096) uint8_t table_window[4096];
alignas(4096) volatile uint8_t rw_page[4096];   // REF_RW: dom0 maps it writable
alignas(4096) volatile uint8_t ro_page[4096];   // REF_RO
alignas(4096) volatile uint8_t copy_page[4096]; // REF_COPY: dom0 copies into it
alignas(4096) uint8_t bitmap[kBitmapPages / 8];
alignas(4096) volatile uint8_t win[4096];
alignas(4096) volatile uint8_t ro_win[4096];
alignas(4096) uint8_t local[4096];
alignas(4096) uint8_t pair[2][4096]; // a bitmap page with nothing mapped after it

xen_domctl dc;

uint64_t pfn_of(const volatile void* p) {
    return (reinterpret_cast<uint64_t>(p) - xt::VIRT_BASE) >> 12;
}

// Pages the peer writes in round r; the alias target is always one of them.
unsigned alias_target(unsigned r) {
    return (r + 3) % kPages;
}
bool written(unsigned r, unsigned i) {
    return (r + i) % 3 == 0 || i == alias_target(r);
}

long shadow(domid_t dom, uint32_t op, uint64_t bm = 0, uint64_t pages = 0, uint32_t mode = 0,
            uint32_t mb = 0) {
    memset(&dc, 0, sizeof dc);
    dc.cmd = XEN_DOMCTL_shadow_op;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    dc.u.shadow_op.op = op;
    dc.u.shadow_op.mode = mode;
    dc.u.shadow_op.mb = mb;
    dc.u.shadow_op.dirty_bitmap.p = bm;
    dc.u.shadow_op.pages = pages;
    return xt::hypercall(HYPERVISOR_domctl, xt::arg(&dc));
}

bool dirty(uint64_t pfn) {
    return bitmap[pfn / 8] >> (pfn % 8) & 1;
}

uint64_t pte_bits(const volatile void* p) {
    return mmu::entry(mmu::va_of(p), 1) & (xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D);
}

// --- the peer -----------------------------------------------------------------------------

uint64_t recorded[kPages];
volatile uint8_t* cow_target;

void check_pfns() {
    const volatile void* pages[] = {never_page, alias, rw_page, copy_page};
    for (const volatile void* p : pages)
        if (mmu::m2p(xt::mfn_of(p)) != pfn_of(p))
            xt::report_error("pfn of %p: %lu, not the start-of-day %lu", p, mmu::m2p(xt::mfn_of(p)),
                             pfn_of(p));
    for (unsigned i = 0; i < kPages; i++)
        if (mmu::m2p(xt::mfn_of(data[i])) != pfn_of(data[i]))
            xt::report_error("pfn of data[%u] is not the start-of-day one", i);
}

// A fresh mapping of data[t] at `alias` without Accessed or Dirty: both appear as the
// CPU would set them, by a read and then a write, and RW stays.
void fresh_mapping(unsigned r) {
    const uint64_t frame = xt::mfn_of(data[alias_target(r)]) << 12;
    XT_CHECK_RC(
        xt::update_va_mapping(mmu::va_of(alias), frame | xt::PTE_P | xt::PTE_RW, UVMF_INVLPG), 0);
    XT_CHECK_EQ(pte_bits(alias), xt::PTE_P | xt::PTE_RW);
    (void)alias[100];
    XT_CHECK_EQ(pte_bits(alias), xt::PTE_P | xt::PTE_RW | xt::PTE_A);
    alias[200] = static_cast<uint8_t>(r);
    XT_CHECK_EQ(pte_bits(alias), xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D);
    XT_CHECK_EQ(data[alias_target(r)][200], r);
    // Back to its own frame, as it was (never written through).
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(alias),
                                      (xt::mfn_of(never_page) << 12) | xt::PTE_P | xt::PTE_A,
                                      UVMF_INVLPG),
                0);
}

// As fork does to a private page: read-only for a while (a write faults), then writable
// again with Dirty, and the write goes through.
void cow_spell(unsigned r) {
    cow_target = data[alias_target(r)];
    const uint64_t frame = xt::mfn_of(cow_target) << 12;
    XT_CHECK_RC(
        xt::update_va_mapping(mmu::va_of(cow_target), frame | xt::PTE_P | xt::PTE_A, UVMF_INVLPG),
        0);
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] { cow_target[300] = 1; });
    XT_CHECK_EQ(fi.cr2, mmu::va_of(cow_target) + 300);
    XT_CHECK_EQ(fi.error_code & 3, 3); // present, write
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(cow_target),
                                      frame | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D,
                                      UVMF_INVLPG),
                0);
    cow_target[300] = static_cast<uint8_t>(r + 1);
}

void peer_round(unsigned r) {
    for (unsigned i = 0; r > 1 && i < kPages; i++)
        if (pte_bits(data[i]) != recorded[i])
            xt::report_failure("round %u: data[%u]'s entry %#lx became %#lx", r, i, recorded[i],
                               pte_bits(data[i]));
    for (unsigned i = 0; i < kPages; i++)
        if (written(r, i) && i != alias_target(r))
            data[i][r * 8] = static_cast<uint8_t>(r * 16 + i);
    if (r % 2 == 0)
        fresh_mapping(r);
    else
        cow_spell(r);
    for (unsigned i = 0; i < kPages; i++) {
        recorded[i] = pte_bits(data[i]);
        if ((recorded[i] & (xt::PTE_P | xt::PTE_RW)) != (xt::PTE_P | xt::PTE_RW))
            xt::report_failure("round %u: data[%u] no longer writable (%#lx)", r, i, recorded[i]);
        if (written(r, i) && i != alias_target(r) && !(recorded[i] & xt::PTE_D))
            xt::report_failure("round %u: data[%u] written, entry not Dirty (%#lx)", r, i,
                               recorded[i]);
    }
}

} // namespace

void peer_main() {
    grant_entry_v1* gt = gnt::map_table(table_window);
    check_pfns();
    for (unsigned i = 0; i < 4096; i++)
        ro_page[i] = static_cast<uint8_t>(i * 7);
    gnt::grant(gt, xd::REF_RW, xd::kDom0, xt::mfn_of(rw_page));
    gnt::grant(gt, xd::REF_RO, xd::kDom0, xt::mfn_of(ro_page), GTF_readonly);
    gnt::grant(gt, xd::REF_COPY, xd::kDom0, xt::mfn_of(copy_page));
    // Not the toolstack: no log-dirty for us, on anyone.
    XT_CHECK_RC(shadow(xd::kDom0, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), -XEN_EPERM);
    XT_CHECK_RC(shadow(DOMID_SELF, XEN_DOMCTL_SHADOW_OP_PEEK), -XEN_ESRCH); // ids are exact
    unsigned port;
    XT_CHECK_RC(ev::alloc_unbound(xd::kDom0, &port), 0);
    xd::listen(port);
    for (unsigned r = 1; r <= kRounds; r++) {
        xd::wait_events(port, r);
        peer_round(r);
        XT_CHECK_RC(ev::send(port), 0);
    }
    xd::wait_events(port, kRounds + 1);
    for (unsigned i = 0; i < 4096; i++)
        XT_CHECK_EQ(ro_page[i], static_cast<uint8_t>(i * 7)); // no bitmap landed in it
    xd::peer_success(port);
}

// --- dom0 -------------------------------------------------------------------------------

namespace {

gnttab_map_grant_ref map_grant(domid_t peer, uint32_t ref, uint32_t flags,
                               const volatile void* at) {
    gnttab_map_grant_ref m{};
    m.host_addr = mmu::va_of(at);
    m.flags = flags;
    m.ref = ref;
    m.dom = peer;
    m.status = 99;
    if (long rc = gnt::op(GNTTABOP_map_grant_ref, &m))
        xt::report_failure("map_grant_ref returned %ld", rc);
    if (m.status != GNTST_okay)
        xt::report_failure("map_grant_ref of ref %u: status %d", ref, m.status);
    gnt::invlpg(at);
    return m;
}

void unmap_grant(const gnttab_map_grant_ref& m) {
    gnttab_unmap_grant_ref u{m.host_addr, 0, m.handle, 99};
    XT_CHECK_RC(gnt::op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    XT_CHECK_EQ(u.status, GNTST_okay);
}

void copy_into_peer(domid_t peer, unsigned r) {
    gnttab_copy c{};
    c.source.u.gmfn = xt::mfn_of(local);
    c.source.domid = DOMID_SELF;
    c.dest.u.ref = xd::REF_COPY;
    c.dest.domid = peer;
    c.dest.offset = static_cast<uint16_t>(r * 16);
    c.len = 16;
    c.flags = GNTCOPY_dest_gref;
    c.status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_copy, &c), 0);
    XT_CHECK_EQ(c.status, GNTST_okay);
}

uint64_t clean(domid_t peer) {
    memset(bitmap, 0xa5, sizeof bitmap);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_CLEAN, xt::arg(bitmap), kBitmapPages), 0);
    XT_CHECK_EQ(dc.u.shadow_op.pages, kBitmapPages);
    return dc.u.shadow_op.stats.dirty_count;
}

void expect_zero_bitmap(domid_t peer) {
    memset(bitmap, 0xff, sizeof bitmap);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_PEEK, xt::arg(bitmap), kBitmapPages), 0);
    XT_CHECK_EQ(dc.u.shadow_op.pages, kBitmapPages);
    XT_CHECK_EQ(dc.u.shadow_op.stats.dirty_count, 0);
    for (unsigned i = 0; i < sizeof bitmap; i++)
        if (bitmap[i])
            xt::report_failure("log-dirty off: bitmap byte %u is %#x", i, bitmap[i]);
}

void refusals(domid_t peer) {
    XT_CHECK_RC(shadow(0, XEN_DOMCTL_SHADOW_OP_PEEK, xt::arg(bitmap), 64), -XEN_EINVAL);
    XT_CHECK_RC(shadow(0, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), -XEN_EINVAL); // itself
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_CLEAN, xt::arg(bitmap), 64, 2), -XEN_EINVAL);
    XT_CHECK_RC(shadow(peer, 99), -XEN_EINVAL);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_ENABLE_TEST), -XEN_EINVAL);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_ENABLE, 0, 0, XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT),
                -XEN_EINVAL);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_OFF), 0); // off already: nothing to do
    expect_zero_bitmap(peer);
}

void hostile_bitmaps(domid_t peer) {
    // Into xenon's range, and into the peer's page mapped read-only here.
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_PEEK, 0xffff830000000000ull, 4096), -XEN_EFAULT);
    auto ro = map_grant(peer, xd::REF_RO, GNTMAP_host_map | GNTMAP_readonly, ro_win);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_PEEK, xt::arg(ro_win), 4096), -XEN_EFAULT);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_CLEAN, xt::arg(ro_win), 4096), -XEN_EFAULT);
    unmap_grant(ro);
    // Far more pages than the buffer holds: the copy runs off its end.
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(pair[1]), 0, UVMF_INVLPG), 0);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_PEEK, xt::arg(pair[0]), uint64_t(1) << 40),
                -XEN_EFAULT);
    // No buffer: only the stats and the clean; pages are capped as Xen's tree caps them.
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_PEEK, 0, uint64_t(1) << 50), 0);
    XT_CHECK_EQ(dc.u.shadow_op.pages, uint64_t(1) << 42);
}

} // namespace

void dom0_main() {
    const domid_t peer = xd::find_peer();
    const unsigned port = xd::connect(peer, xd::wait_peer_port(peer));
    refusals(peer);

    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION, 0, 0, 0, 4), 0);
    XT_CHECK_EQ(dc.u.shadow_op.mb, 4);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), 0);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), -XEN_EINVAL);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_ENABLE, 0, 0, XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY),
                -XEN_EINVAL);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION, 0, 0, 0, 0), -XEN_EINVAL);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION), 0);
    XT_CHECK(dc.u.shadow_op.mb >= 4);
    hostile_bitmaps(peer);
    clean(peer); // whatever ran since the enable

    gnttab_map_grant_ref rw{};
    for (unsigned r = 1; r <= kRounds; r++) {
        if (r % 2)
            copy_into_peer(peer, r);
        if (r == 2)
            rw = map_grant(peer, xd::REF_RW, GNTMAP_host_map, win); // dirty from the map on
        if (r == 3)
            unmap_grant(rw); // and what was written through it, at the unmap
        XT_CHECK_RC(ev::send(port), 0);
        xd::wait_events(port, 1 + r);
        uint64_t count = clean(peer);
        unsigned expected = 0;
        for (unsigned i = 0; i < kPages; i++) {
            expected += written(r, i);
            if (dirty(pfn_of(data[i])) != written(r, i))
                xt::report_failure("round %u: data[%u] (pfn %lu) %s, expected %s", r, i,
                                   pfn_of(data[i]), dirty(pfn_of(data[i])) ? "dirty" : "clean",
                                   written(r, i) ? "dirty" : "clean");
        }
        if (dirty(pfn_of(copy_page)) != (r % 2 == 1))
            xt::report_failure("round %u: the copy target is %s", r,
                               dirty(pfn_of(copy_page)) ? "dirty" : "clean");
        if (dirty(pfn_of(rw_page)) != (r == 2 || r == 3))
            xt::report_failure("round %u: the writably granted page is %s", r,
                               dirty(pfn_of(rw_page)) ? "dirty" : "clean");
        if (dirty(pfn_of(never_page)) || dirty(pfn_of(alias)))
            xt::report_failure("round %u: a page never written is dirty", r);
        XT_CHECK(count >= expected);
    }

    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_OFF), 0);
    expect_zero_bitmap(peer);
    const uint64_t free_before = xt::settled_free_pages(150);
    for (unsigned i = 0; i < 3; i++) {
        XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), 0);
        clean(peer);
        XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_OFF), 0);
    }
    const uint64_t free_after = xt::settled_free_pages(150);
    xt::printf("free pages: %lu after one log-dirty session, %lu after three more\n", free_before,
               free_after);
    XT_CHECK(free_after + 2 >= free_before); // the heap may keep a slab or two

    // Destroyed with log-dirty on, kept dying by a mapping of its page.
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), 0);
    rw = map_grant(peer, xd::REF_RW, GNTMAP_host_map, win);
    XT_CHECK_RC(ev::send(port), 0);
    xd::wait_events(port, kRounds + 2); // the peer's verdict is out
    XT_CHECK_RC(xd::domctl(XEN_DOMCTL_destroydomain, peer, &dc), 0);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_CLEAN, xt::arg(bitmap), kBitmapPages), 0);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), 0); // dying: ignored
    win[0] = 1;
    unmap_grant(rw);
    bool gone = false;
    for (unsigned i = 0; i < 1000 && !gone; i++) {
        gone = xd::domctl(XEN_DOMCTL_getdomaininfo, peer, &dc) != 0 ||
               dc.u.getdomaininfo.domain != peer;
        xt::sched_op(SCHEDOP_yield);
    }
    XT_CHECK(gone);
    XT_CHECK_RC(shadow(peer, XEN_DOMCTL_SHADOW_OP_PEEK), -XEN_ESRCH);
    xt::report_success();
}
