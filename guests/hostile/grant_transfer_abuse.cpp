// GNTTABOP_transfer abused, with Xen 4.17's answers (the guest runs as dom0; domain 77
// does not exist on either hypervisor):
//   - frames the caller does not own: frame 0, a frame just given back, a hypervisor
//     page table (under L4 slot 256), frames past RAM -> GNTST_bad_page;
//   - frames it owns but that something else holds: mapped (twice), grant-mapped by
//     itself, a pinned L1, the pinned L4, its grant-table frame -> GNTST_bad_page, the
//     frames untouched; the L1 once unpinned transfers to itself (GNTST_okay);
//   - no such receiver (77, DOMID_SELF, DOMID_IO, DOMID_XEN, 0xffff) -> GNTST_bad_domain;
//     refs past any table, an entry without GTF_accept_transfer, one accepting from
//     someone else -> GNTST_general_error; each of these loses the frame (the reservation
//     drops by one), the entries stay as they were;
//   - counts: 0x80000000 -> -EINVAL, 0x7fffffff -> -EFAULT; a batch of three whose third
//     element lies in an unmapped page -> -EFAULT after two statuses written;
//   - pointers: NULL, the hypervisor's direct map, a non-canonical address -> -EFAULT; a
//     status in a read-only page -> -EFAULT;
// then the caller's other pages still read as they did and the hypervisor still answers.
#include "../tests/grant_transfer_util.h"
#include "../tests/memop_util.h"
#include "hostile.h"

alignas(4096) static uint8_t table_va[4096];
alignas(4096) static volatile uint8_t canary[4096];
alignas(4096) static volatile uint8_t alias[4096];
alignas(4096) static volatile uint8_t granted[4096];
alignas(4096) static volatile uint8_t pinned[4096];
alignas(4096) static volatile uint8_t given_back[4096];
alignas(4096) static volatile uint8_t lost[10][4096];
alignas(4096) static uint8_t batch_pages[2][4096];
alignas(4096) static xen::gnttab_transfer readonly_ops[4096 / sizeof(xen::gnttab_transfer)];

using gxfer::transfer;

static void not_owned() {
    using namespace xen;
    XT_CHECK_EQ(transfer(0, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(transfer(0x7fffffff, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(transfer(1ull << 40, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(transfer(~0ull, gnt::kSelf, 12), GNTST_bad_page);
    uint64_t l4e = hostile::l4_table()[256];
    if (l4e & xt::PTE_P)
        XT_CHECK_EQ(transfer(hostile::mfn_of_pte(l4e), gnt::kSelf, 12), GNTST_bad_page);
    const uint64_t mfn = xt::mfn_of(given_back);
    gxfer::make_room(given_back);
    XT_CHECK_EQ(transfer(mfn, gnt::kSelf, 12), GNTST_bad_page);
}

static void held(volatile xen::grant_entry_v1* g) {
    using namespace xen;
    // Mapped, and mapped twice.
    canary[0] = 0xc3;
    XT_CHECK_EQ(transfer(xt::mfn_of(canary), gnt::kSelf, 12), GNTST_bad_page);
    const uint64_t alias_pte = hostile::pte_of(alias);
    XT_CHECK_RC(
        xt::update_va_mapping(mmu::va_of(alias), hostile::pte(xt::mfn_of(canary), 0), UVMF_INVLPG),
        0);
    XT_CHECK_EQ(transfer(xt::mfn_of(canary), gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_RC(hostile::remap(alias, alias_pte), 0);
    // Grant-mapped by the caller itself (its own mapping gone: only the grant's holds it).
    const uint64_t granted_mfn = xt::mfn_of(granted);
    const uint64_t granted_pte = hostile::pte_of(granted);
    g[20].domid = gnt::kSelf;
    g[20].frame = uint32_t(granted_mfn);
    __atomic_store_n(&g[20].flags, GTF_permit_access, __ATOMIC_RELEASE);
    XT_CHECK_RC(hostile::unmap(granted), 0);
    uint32_t handle;
    XT_CHECK_EQ(hostile::map_grant(mmu::va_of(alias), GNTMAP_host_map, 20, gnt::kSelf, &handle),
                GNTST_okay);
    XT_CHECK_EQ(transfer(granted_mfn, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(hostile::unmap_grant(mmu::va_of(alias), handle), GNTST_okay);
    XT_CHECK_RC(hostile::remap(alias, alias_pte), 0);
    XT_CHECK_RC(hostile::remap(granted, granted_pte), 0);
    // Page tables: a pinned L1 of our own, the L4 we run on; the grant-table frame.
    const uint64_t l1 = xt::mfn_of(pinned);
    for (unsigned i = 0; i < 4096; i++)
        pinned[i] = 0;
    XT_CHECK_RC(hostile::unmap(pinned), 0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L1_TABLE, l1), 0);
    XT_CHECK_EQ(transfer(l1, gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(transfer(hostile::l4_mfn(), gnt::kSelf, 12), GNTST_bad_page);
    XT_CHECK_EQ(transfer(hostile::mfn_of_pte(hostile::pte_of(table_va)), gnt::kSelf, 12),
                GNTST_bad_page);
    XT_CHECK_EQ(g[12].flags, GTF_accept_transfer);
    // Unpinned, nothing holds it but its allocation: it goes (to ourselves).
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_UNPIN_TABLE, l1), 0);
    XT_CHECK_EQ(transfer(l1, gnt::kSelf, 12), GNTST_okay);
    XT_CHECK_EQ(g[12].frame, l1);
    XT_CHECK_RC(mmu::update(l1 << 12, xt::pfn_of(pinned), MMU_MACHPHYS_UPDATE), 0);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(pinned), hostile::pte(l1, xt::PTE_RW | xt::PTE_D),
                                      UVMF_INVLPG),
                0);
    pinned[100] = 0x42;
    XT_CHECK_EQ(pinned[100], 0x42);
}

// Each of these steals the frame, then refuses: the frame is gone.
static void refused_after_the_steal(volatile xen::grant_entry_v1* g) {
    using namespace xen;
    g[21].domid = gnt::kSelf;
    g[21].frame = 1;
    __atomic_store_n(&g[21].flags, GTF_permit_access, __ATOMIC_RELEASE);
    g[22].domid = 77;
    __atomic_store_n(&g[22].flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    g[23].domid = gnt::kSelf;
    __atomic_store_n(&g[23].flags, uint16_t(GTF_accept_transfer | GTF_transfer_completed),
                     __ATOMIC_RELEASE);
    struct {
        domid_t to;
        uint32_t ref;
        int16_t status;
    } const cases[] = {
        {77, 22, GNTST_bad_domain},
        {DOMID_SELF, 22, GNTST_bad_domain},
        {DOMID_IO, 22, GNTST_bad_domain},
        {DOMID_XEN, 22, GNTST_bad_domain},
        {0xffff, 22, GNTST_bad_domain},
        {gnt::kSelf, 0xffffffff, GNTST_general_error},
        {gnt::kSelf, 1u << 16, GNTST_general_error},
        {gnt::kSelf, 21, GNTST_general_error},
        {gnt::kSelf, 22, GNTST_general_error},
        {gnt::kSelf, 23, GNTST_general_error},
    };
    static_assert(sizeof(cases) / sizeof(cases[0]) == sizeof(lost) / sizeof(lost[0]));
    long pages = memop::current_pages();
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t mfn = gxfer::prepare(lost[i], uint8_t(i));
        gxfer::forget(lost[i]);
        int16_t st = transfer(mfn, cases[i].to, cases[i].ref);
        if (st != cases[i].status)
            xt::report_failure("case %u (d%#x ref %#x): status %d, expected %d", i, cases[i].to,
                               cases[i].ref, st, cases[i].status);
        XT_CHECK_EQ(memop::current_pages(), --pages);
    }
    XT_CHECK_EQ(g[21].flags, GTF_permit_access);
    XT_CHECK_EQ(g[22].flags, GTF_accept_transfer);
    XT_CHECK_EQ(g[23].flags, GTF_accept_transfer | GTF_transfer_completed);
}

static void bad_arguments() {
    using namespace xen;
    // Three elements, the third in an unmapped page; the first two fail early (nothing
    // is stolen) and their statuses come back.
    auto* ops = reinterpret_cast<gnttab_transfer*>(batch_pages[1]) - 2;
    ops[0] = {0, 77, 1, 99};
    ops[1] = {0x7fffffff, 77, 1, 99};
    const uint64_t hole_pte = hostile::pte_of(batch_pages[1]);
    XT_CHECK_RC(hostile::unmap(batch_pages[1]), 0);
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_transfer, ops, 3), -XEN_EFAULT);
    XT_CHECK_EQ(ops[0].status, GNTST_bad_page);
    XT_CHECK_EQ(ops[1].status, GNTST_bad_page);
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_transfer, ops, 0x80000000ul), -XEN_EINVAL);
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_transfer, ops, 0x7fffffff), -XEN_EFAULT);
    XT_CHECK_RC(hostile::remap(batch_pages[1], hole_pte), 0);
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_transfer, nullptr, 1), -XEN_EFAULT);
    XT_CHECK_RC(
        xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_transfer, hostile::XEN_DIRECTMAP, 1),
        -XEN_EFAULT);
    XT_CHECK_RC(
        xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_transfer, hostile::NONCANON_MID, 1),
        -XEN_EFAULT);
    // Readable but not writable: the status cannot be written back.
    readonly_ops[0] = {0, 77, 1, 99};
    const uint64_t ro_pte = hostile::pte_of(readonly_ops);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(readonly_ops), ro_pte & ~xt::PTE_RW, UVMF_INVLPG),
                0);
    XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_transfer, readonly_ops, 1), -XEN_EFAULT);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(readonly_ops), ro_pte, UVMF_INVLPG), 0);
    XT_CHECK_EQ(readonly_ops[0].status, 99);
}

void test_main() {
    using namespace xen;
    auto* g = hostile::map_own_grant_table(table_va);
    g[12].domid = gnt::kSelf;
    g[12].frame = uint32_t(xt::pfn_of(pinned));
    __atomic_store_n(&g[12].flags, GTF_accept_transfer, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < 4096; i++)
        canary[i] = uint8_t(i ^ 0x3c);

    not_owned();
    held(g);
    refused_after_the_steal(g);
    bad_arguments();

    for (unsigned i = 1; i < 4096; i++)
        if (canary[i] != uint8_t(i ^ 0x3c))
            xt::report_failure("canary byte %u changed", i);
    XT_CHECK_EQ(canary[0], 0xc3);
    XT_CHECK_EQ(alias[0], 0);
    gnttab_get_version gv{DOMID_SELF, 0, 0};
    XT_CHECK_RC(gnt::op(GNTTABOP_get_version, &gv), 0);
    XT_CHECK_EQ(gv.version, 1u);
    hostile::pass();
}
