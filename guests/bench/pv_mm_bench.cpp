// In-guest microbenchmarks of the PV memory, event-channel and grant paths, run as dom0 on
// xenon and on Xen 4.17 with the same binary (scripts/bench-pv --guest pv_mm_bench).
//
// A scratch L1 table of the image is hooked in at kFresh (an address nothing else maps)
// and every page-table row writes its entries, alternating between two frames A and B:
//   mmu_update_512     one mmu_update of 512 MMU_NORMAL_PT_UPDATEs (all entries)
//   update_va_mapping  one update_va_mapping of entry 0, flags 0 (no flush)
//   ptwr_write         one guest store to entry 1 through the table's read-only mapping,
//                      emulated by the hypervisor (n/a where it bounces as a #PF)
//   evtchn_send_self   EVTCHNOP_send on a loopback channel until the upcall has run
//   grant_copy_4k      GNTTABOP_copy of a whole page, source a grant to oneself
//   grant_map_unmap    GNTTABOP_map_grant_ref (host mapping), one read through it,
//                      GNTTABOP_unmap_grant_ref
// Every result is checked (a failing call ends the guest with ERROR, never a figure).
#include "bench.h"
#include "grant_util.h"
#include "public/event_channel.h"
#include "pv_mmu.h"

namespace {

constexpr uint64_t kFresh = 0xffffffffbfe00000; // the last 2 MiB of the image's GiB
constexpr unsigned kEntries = 512;

alignas(4096) uint64_t scratch_l1[kEntries];
alignas(4096) uint8_t frame_a[4096];
alignas(4096) uint8_t frame_b[4096];
alignas(4096) uint8_t table_window[4096];
alignas(4096) uint8_t copy_src[4096];
alignas(4096) uint8_t copy_dst[4096];
alignas(4096) uint8_t map_data[4096];
alignas(4096) volatile uint8_t map_window[4096];

const volatile uint64_t* const l1 = scratch_l1;
uint64_t pte_a, pte_b; // writable mappings of frame_a / frame_b

uint64_t pte_for(unsigned i) {
    return i & 1 ? pte_b : pte_a;
}
uint64_t frame_for(unsigned i) {
    return (i & 1 ? xt::mfn_of(frame_b) : xt::mfn_of(frame_a)) << 12;
}

void check_entry(unsigned index, unsigned i) {
    if ((l1[index] & mmu::ADDR) != frame_for(i))
        xt::report_error("iteration %u: entry %u is %#lx, expected frame %#lx", i, index, l1[index],
                         frame_for(i));
}

// Hooks scratch_l1 in as the L1 table behind kFresh (read-only to us from then on).
void hook_scratch_l1() {
    if (mmu::entry(kFresh, 2) != 0)
        xt::report_error("%#lx is already mapped", kFresh);
    mmu::make_readonly(scratch_l1);
    uint64_t table =
        (xt::mfn_of(scratch_l1) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_US | xt::PTE_A;
    if (long rc = mmu::update(mmu::entry_maddr(kFresh, 2), table))
        xt::report_error("hooking the scratch L1 table: %ld", rc);
}

xen::mmu_update to_a[kEntries], to_b[kEntries];

void bench_mmu_update() {
    uint64_t base = xt::mfn_of(scratch_l1) << 12;
    for (unsigned e = 0; e < kEntries; e++) {
        to_a[e] = {(base + e * 8) | xen::MMU_NORMAL_PT_UPDATE, pte_a};
        to_b[e] = {(base + e * 8) | xen::MMU_NORMAL_PT_UPDATE, pte_b};
    }
    bench::run(
        "mmu_update_512",
        [](unsigned i) {
            unsigned done = 0;
            long rc = mmu::mmu_update(i & 1 ? to_b : to_a, kEntries, &done);
            if (rc || done != kEntries)
                xt::report_error("mmu_update: %ld, done %u", rc, done);
        },
        [](unsigned i) {
            for (unsigned e = 0; e < kEntries; e++)
                check_entry(e, i);
        });
}

void bench_update_va_mapping() {
    bench::run(
        "update_va_mapping",
        [](unsigned i) {
            if (long rc = xt::update_va_mapping(kFresh, pte_for(i), xen::UVMF_NONE))
                xt::report_error("update_va_mapping: %ld", rc);
        },
        [](unsigned i) { check_entry(0, i); });
}

// A store to entry 1 through the read-only mapping of the table.
volatile uint64_t ptwr_value;
void ptwr_store() {
    const_cast<volatile uint64_t*>(l1)[1] = ptwr_value;
}

void bench_ptwr_write() {
    ptwr_value = pte_for(1);
    if (xt::try_fault(ptwr_store)) {
        bench::not_available("ptwr_write", "the write bounced to the guest as a #PF");
        return;
    }
    check_entry(1, 1);
    bench::run(
        "ptwr_write", [](unsigned i) { const_cast<volatile uint64_t*>(l1)[1] = pte_for(i); },
        [](unsigned i) { check_entry(1, i); });
}

unsigned send_port, recv_port;
unsigned received;

void bench_evtchn_send() {
    xen::evtchn_alloc_unbound au{xen::DOMID_SELF, xen::DOMID_SELF, 0};
    xen::evtchn_bind_interdomain bi{xen::DOMID_SELF, 0, 0};
    if (long rc = xt::event_channel_op(xen::EVTCHNOP_alloc_unbound, &au))
        xt::report_error("alloc_unbound: %ld", rc);
    bi.remote_port = au.port;
    if (long rc = xt::event_channel_op(xen::EVTCHNOP_bind_interdomain, &bi))
        xt::report_error("bind_interdomain: %ld", rc);
    send_port = bi.local_port;
    recv_port = au.port;
    xt::unmask_port(recv_port);
    xt::unmask_port(send_port); // the bind left it pending: delivered now
    xt::unmask_events();
    received = xt::event_count[recv_port];
    bench::run(
        "evtchn_send_self",
        [](unsigned) {
            xen::evtchn_send s{send_port};
            if (long rc = xt::event_channel_op(xen::EVTCHNOP_send, &s))
                xt::report_error("EVTCHNOP_send: %ld", rc);
        },
        [](unsigned i) {
            if (xt::event_count[recv_port] != ++received)
                xt::report_error("iteration %u: the upcall did not run", i);
        });
}

xen::grant_entry_v1* gt;
constexpr uint32_t kCopyRef = 10, kMapRef = 11;

void bench_grant_copy() {
    for (unsigned i = 0; i < sizeof(copy_src); i++)
        copy_src[i] = static_cast<uint8_t>(i * 7 + 1);
    gnt::grant(gt, kCopyRef, gnt::kSelf, xt::mfn_of(copy_src), xen::GTF_readonly);
    bench::run(
        "grant_copy_4k",
        [](unsigned) {
            xen::gnttab_copy c{};
            c.source.u.ref = kCopyRef;
            c.source.domid = xen::DOMID_SELF;
            c.dest.u.gmfn = xt::mfn_of(copy_dst);
            c.dest.domid = xen::DOMID_SELF;
            c.len = sizeof(copy_dst);
            c.flags = xen::GNTCOPY_source_gref;
            long rc = gnt::op(xen::GNTTABOP_copy, &c);
            if (rc || c.status != xen::GNTST_okay)
                xt::report_error("GNTTABOP_copy: %ld, status %d", rc, c.status);
        },
        [](unsigned i) {
            if (memcmp(copy_dst, copy_src, sizeof(copy_dst)) != 0)
                xt::report_error("iteration %u: the copy differs", i);
            copy_dst[i % sizeof(copy_dst)] ^= 0xff; // the next copy must put it back
        });
}

uint8_t seen;

void bench_grant_map_unmap() {
    map_data[0] = 0x5a;
    gnt::grant(gt, kMapRef, gnt::kSelf, xt::mfn_of(map_data));
    // The window starts (and each iteration ends) unmapped: unmapping a grant leaves the
    // entry empty.
    if (long rc = xt::update_va_mapping(mmu::va_of(map_window), 0, xen::UVMF_INVLPG))
        xt::report_error("unmapping the window: %ld", rc);
    bench::run(
        "grant_map_unmap",
        [](unsigned) {
            xen::gnttab_map_grant_ref m{};
            m.host_addr = mmu::va_of(map_window);
            m.flags = xen::GNTMAP_host_map;
            m.ref = kMapRef;
            m.dom = gnt::kSelf;
            long rc = gnt::op(xen::GNTTABOP_map_grant_ref, &m);
            if (rc || m.status != xen::GNTST_okay)
                xt::report_error("GNTTABOP_map_grant_ref: %ld, status %d", rc, m.status);
            seen = map_window[0];
            xen::gnttab_unmap_grant_ref u{};
            u.host_addr = m.host_addr;
            u.handle = m.handle;
            rc = gnt::op(xen::GNTTABOP_unmap_grant_ref, &u);
            if (rc || u.status != xen::GNTST_okay)
                xt::report_error("GNTTABOP_unmap_grant_ref: %ld, status %d", rc, u.status);
        },
        [](unsigned i) {
            if (seen != 0x5a || gnt::pte(map_window) != 0 ||
                gnt::flags(gt, kMapRef) != xen::GTF_permit_access)
                xt::report_error("iteration %u: read %#x, entry %#lx, grant flags %#x", i, seen,
                                 gnt::pte(map_window), gnt::flags(gt, kMapRef));
        });
}

} // namespace

void test_main() {
    frame_a[0] = 0xaa;
    frame_b[0] = 0xbb;
    constexpr uint64_t rw = xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    pte_a = (xt::mfn_of(frame_a) << 12) | rw;
    pte_b = (xt::mfn_of(frame_b) << 12) | rw;
    hook_scratch_l1();
    bench_mmu_update();
    bench_update_va_mapping();
    bench_ptwr_write();
    bench_evtchn_send();
    gt = gnt::map_table(table_window);
    bench_grant_copy();
    bench_grant_map_unmap();
    xt::report_success();
}
