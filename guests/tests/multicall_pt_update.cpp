// Each multicall entry sees the page tables as the entries before it left them. Two pinned
// L2 -> L1 hierarchies (a and b) and an L3 slot of the kernel's L3 pointing at a: in one
// multicall, update_va_mapping clears the address's entry (through a, INVLPG), mmu_update
// points the L3 slot at b, and update_va_mapping writes a new entry for the address: the
// entry lands in b's L1, a's stays empty, and the address reads the new frame, every time
// in 15 tries (Xen 4.17 after XSA-286: no stale linear page-table view between entries).
#include "pv_mmu.h"

namespace {

alignas(4096) uint64_t l1a[512];
alignas(4096) uint64_t l1b[512];
alignas(4096) uint64_t l2a[512];
alignas(4096) uint64_t l2b[512];
alignas(4096) volatile uint64_t data[512];

// L4 slot 511 (the kernel's), L3 slot 0: nothing of the start-of-day layout is there.
constexpr uint64_t kVa = 0xffffff8000000000ull;
constexpr uint64_t kFlags = xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;

uint64_t table_pte(const void* t) {
    return (xt::mfn_of(t) << 12) | kFlags;
}
uint64_t maddr_of(const void* p) {
    return (xt::mfn_of(p) << 12) | (reinterpret_cast<uint64_t>(p) & 0xfff);
}

} // namespace

void test_main() {
    using namespace xen;
    l2a[0] = table_pte(l1a);
    l2b[0] = table_pte(l1b);
    for (const void* t : {(const void*)l1a, (const void*)l1b, (const void*)l2a, (const void*)l2b})
        mmu::make_readonly(t);
    XT_CHECK_RC(mmu::ext(MMUEXT_PIN_L2_TABLE, xt::mfn_of(l2a)), 0);
    XT_CHECK_RC(mmu::ext(MMUEXT_PIN_L2_TABLE, xt::mfn_of(l2b)), 0);
    const uint64_t l3e = mmu::entry_maddr(kVa, 3);
    XT_CHECK_EQ(mmu::entry(kVa, 3), 0u);
    for (unsigned i = 0; i < 512; i++)
        data[i] = 0xd00d0000 + i;
    const uint64_t new_l1e = (xt::mfn_of(data) << 12) | kFlags;

    for (unsigned round = 0; round < 15; round++) {
        mmu_update reset[] = {
            {l3e, table_pte(l2a)}, {maddr_of(&l1a[0]), 0}, {maddr_of(&l1b[0]), 0}};
        XT_CHECK_RC(mmu::mmu_update(reset, 3, nullptr), 0);
        static mmu_update to_b;
        to_b = {l3e, table_pte(l2b)};
        static multicall_entry mc[3];
        mc[0] = {HYPERVISOR_update_va_mapping, 0x5555, {kVa, 0, UVMF_INVLPG, 0, 0, 0}};
        mc[1] = {HYPERVISOR_mmu_update, 0x5555, {xt::arg(&to_b), 1, 0, DOMID_SELF, 0, 0}};
        mc[2] = {HYPERVISOR_update_va_mapping, 0x5555, {kVa, new_l1e, UVMF_INVLPG, 0, 0, 0}};
        XT_CHECK_RC(xt::multicall(mc, 3), 0);
        for (auto& m : mc)
            XT_CHECK_EQ(long(m.result), 0);
        XT_CHECK_EQ(__atomic_load_n(&l1a[0], __ATOMIC_SEQ_CST), 0u);
        // The hypervisor adds its own bits (user, kernel-mapping marker) to a kernel L1e.
        constexpr uint64_t kSeen = mmu::ADDR | xt::PTE_P | xt::PTE_RW;
        XT_CHECK_EQ(__atomic_load_n(&l1b[0], __ATOMIC_SEQ_CST) & kSeen, new_l1e & kSeen);
        XT_CHECK_EQ(*reinterpret_cast<volatile uint64_t*>(kVa + 8 * 7), 0xd00d0007u);
    }

    mmu_update undo[] = {{l3e, 0}, {maddr_of(&l1b[0]), 0}};
    XT_CHECK_RC(mmu::mmu_update(undo, 2, nullptr), 0);
    XT_CHECK_RC(mmu::ext(MMUEXT_UNPIN_TABLE, xt::mfn_of(l2a)), 0);
    XT_CHECK_RC(mmu::ext(MMUEXT_UNPIN_TABLE, xt::mfn_of(l2b)), 0);
    xt::report_success();
}
