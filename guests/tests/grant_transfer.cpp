// GNTTABOP_transfer as Xen 4.17 answers it, within one domain (a PV domain may transfer a
// frame to itself, into an accept-transfer entry it made out to itself; the cross-domain
// case is crossdomain/grant_transfer):
//   - frames that cannot be stolen are GNTST_bad_page and stay the caller's: no such
//     frame, one still mapped, the pinned L4, the grant-table frame, shared_info;
//   - version 1: a page of the image, filled and unmapped, goes into entry 12
//     (GTF_accept_transfer, frame = the pfn wanted): GNTST_okay, the entry reads
//     accept|committed|completed with the frame's mfn, M2P says the pfn, the page reads
//     back through a new mapping, the reservation is unchanged;
//   - refusals once the frame is stolen lose it (the reservation drops by one each):
//     no such domain and DOMID_SELF GNTST_bad_domain; a ref past the table, an entry that
//     is a permit-access grant, one with GTF_readonly beside accept, one for another
//     domain, the completed entry 12: GNTST_general_error, the entries unchanged;
//   - version 2: the same into entry 13's full_page.frame;
//   - an empty batch is 0, a batch of two answers each, an unreadable batch -EFAULT.
#include "grant_transfer_util.h"
#include "memop_util.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static volatile uint8_t mapped[4096];
alignas(4096) static volatile uint8_t gift1[4096];
alignas(4096) static volatile uint8_t gift2[4096];
alignas(4096) static volatile uint8_t lost[7][4096];

static void check_transfer_v1(xen::grant_entry_v1* gt) {
    using namespace xen;
    const long pages = memop::current_pages();
    gt[12].domid = gnt::kSelf;
    gt[12].frame = static_cast<uint32_t>(xt::pfn_of(gift1));
    __atomic_store_n(&gt[12].flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    uint64_t mfn = gxfer::prepare(gift1, 1);
    gxfer::forget(gift1);
    XT_CHECK_EQ(gxfer::transfer(mfn, gnt::kSelf, 12), GNTST_okay);
    XT_CHECK_EQ(gnt::flags(gt, 12),
                GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
    XT_CHECK_EQ(gt[12].domid, gnt::kSelf);
    const uint64_t got = gt[12].frame;
    XT_CHECK_EQ(got, mfn); // within one domain the frame comes back as itself
    gxfer::take(gift1, got, 1);
    XT_CHECK_EQ(memop::current_pages(), pages);
}

// Each refusal after the steal costs the caller the frame.
static void check_losses(xen::grant_entry_v1* gt) {
    using namespace xen;
    gnt::grant(gt, 14, gnt::kSelf, xt::mfn_of(mapped)); // permit access
    gt[15].domid = gnt::kSelf;
    __atomic_store_n(&gt[15].flags, uint16_t(GTF_accept_transfer | GTF_readonly), __ATOMIC_RELEASE);
    gt[16].domid = 77;
    __atomic_store_n(&gt[16].flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    struct {
        domid_t to;
        uint32_t ref;
        int16_t status;
    } const cases[] = {
        {77, 16, GNTST_bad_domain},
        {DOMID_SELF, 16, GNTST_bad_domain},
        {gnt::kSelf, 100000, GNTST_general_error},
        {gnt::kSelf, 14, GNTST_general_error},
        {gnt::kSelf, 15, GNTST_general_error},
        {gnt::kSelf, 16, GNTST_general_error},
        {gnt::kSelf, 12, GNTST_general_error},
    };
    static_assert(sizeof(cases) / sizeof(cases[0]) == sizeof(lost) / sizeof(lost[0]));
    long pages = memop::current_pages();
    for (unsigned i = 0; i < 7; i++) {
        uint64_t mfn = gxfer::prepare(lost[i], uint8_t(i));
        gxfer::forget(lost[i]);
        int16_t st = gxfer::transfer(mfn, cases[i].to, cases[i].ref);
        if (st != cases[i].status)
            xt::report_failure("case %u: to d%u ref %u: status %d, expected %d", i, cases[i].to,
                               cases[i].ref, st, cases[i].status);
        XT_CHECK_EQ(memop::current_pages(), --pages);
        // The frame is nobody's now: giving it again is a bad page.
        XT_CHECK_EQ(gxfer::transfer(mfn, gnt::kSelf, 12), GNTST_bad_page);
    }
    XT_CHECK_EQ(gnt::flags(gt, 14), GTF_permit_access);
    XT_CHECK_EQ(gnt::flags(gt, 15), GTF_accept_transfer | GTF_readonly);
    XT_CHECK_EQ(gnt::flags(gt, 16), GTF_accept_transfer);
    XT_CHECK_EQ(gnt::flags(gt, 12),
                GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
}

static void check_transfer_v2() {
    using namespace xen;
    gnttab_set_version sv{2};
    XT_CHECK_RC(gnt::op(GNTTABOP_set_version, &sv), 0);
    auto* gt = reinterpret_cast<volatile grant_entry_v2*>(gnt::map_table(table_window));
    const long pages = memop::current_pages();
    gt[13].full_page.hdr.domid = gnt::kSelf;
    gt[13].full_page.frame = xt::pfn_of(gift2);
    __atomic_store_n(&gt[13].hdr.flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    uint64_t mfn = gxfer::prepare(gift2, 2);
    gxfer::forget(gift2);
    XT_CHECK_EQ(gxfer::transfer(mfn, gnt::kSelf, 13), GNTST_okay);
    XT_CHECK_EQ(gt[13].hdr.flags,
                GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
    XT_CHECK_EQ(gt[13].full_page.pad0, 0u);
    const uint64_t got = gt[13].full_page.frame;
    XT_CHECK_EQ(got, mfn);
    gxfer::take(gift2, got, 2);
    XT_CHECK_EQ(memop::current_pages(), pages);
}

void test_main() {
    using namespace xen;
    grant_entry_v1* gt = gnt::map_table(table_window);
    uint64_t table_mfn = (gnt::pte(table_window) & gnt::ADDR) >> 12;
    uint64_t l4 = xt::mfn_of(reinterpret_cast<void*>(xt::start_info->pt_base));
    mapped[0] = 1;

    // Nothing is stolen: the frames stay the caller's.
    XT_CHECK_RC(gnt::op(GNTTABOP_transfer, nullptr, 0), 0);
    XT_CHECK_EQ(gxfer::transfer(0x7fffffff, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(gxfer::transfer(~0ull, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(gxfer::transfer(xt::mfn_of(mapped), gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(gxfer::transfer(l4, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(gxfer::transfer(table_mfn, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(gxfer::transfer(xt::start_info->shared_info >> 12, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(mapped[0], 1);

    gnttab_transfer batch[2] = {};
    batch[0].mfn = 0x7fffffff;
    batch[0].status = 99;
    batch[1].mfn = xt::mfn_of(mapped);
    batch[1].status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_transfer, batch, 2), 0);
    XT_CHECK_EQ(batch[0].status, GNTST_bad_page);
    XT_CHECK_EQ(batch[1].status, GNTST_bad_page);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_transfer, 0x1000, 1),
                -XEN_EFAULT);

    check_transfer_v1(gt);
    check_losses(gt);
    check_transfer_v2();
    xt::report_success();
}
