// update_va_mapping asked for a writable mapping of one of the domain's own page tables
// (the L1, L2, L3 and L4 frames on the path to a scratch page) is -EBUSY every time: the
// frame is typed as a page table. A read-only mapping of the same frames is fine (0). In
// the end the scratch page is mapped as before, its contents and the page tables intact.
#include "hostile.h"

alignas(4096) static uint8_t scratch[4096];

void test_main() {
    uint64_t va = reinterpret_cast<uint64_t>(scratch);
    for (unsigned i = 0; i < sizeof scratch; i++)
        scratch[i] = uint8_t(i * 7);
    hostile::walk_result w = hostile::walk(va);
    XT_CHECK_EQ(w.leaf, 1);
    uint64_t orig = w.entry[1];
    for (int level = 1; level <= 4; level++) {
        uint64_t mfn = w.table_mfn[level];
        XT_CHECK_RC(xt::update_va_mapping(va, hostile::pte(mfn, xt::PTE_RW), xen::UVMF_INVLPG),
                    -xen::XEN_EBUSY);
        XT_CHECK_RC(xt::update_va_mapping(va, hostile::pte(mfn, xt::PTE_RW | xt::PTE_D),
                                          xen::UVMF_TLB_FLUSH),
                    -xen::XEN_EBUSY);
        XT_CHECK_RC(xt::update_va_mapping(va, hostile::pte(mfn, 0), xen::UVMF_INVLPG), 0);
        // The read-only view shows the table as it is.
        const volatile uint64_t *table = reinterpret_cast<const volatile uint64_t *>(va);
        uint64_t seen = table[(w.entry_maddr[level] & 0xfff) / 8];
        if (level == 1) // the entry for va, which now maps this very table
            XT_CHECK_EQ(hostile::mfn_of_pte(seen), mfn);
        else
            XT_CHECK_EQ(seen, w.entry[level]);
        XT_CHECK_RC(xt::update_va_mapping(va, orig, xen::UVMF_INVLPG), 0);
    }
    hostile::walk_result after = hostile::walk(va);
    for (int level = 1; level <= 4; level++) {
        XT_CHECK_EQ(after.table_mfn[level], w.table_mfn[level]);
        if (level > 1)
            XT_CHECK_EQ(after.entry[level], w.entry[level]);
    }
    XT_CHECK_EQ(after.entry[1] & ~(xt::PTE_A | xt::PTE_D), orig & ~(xt::PTE_A | xt::PTE_D));
    for (unsigned i = 0; i < sizeof scratch; i++)
        if (scratch[i] != uint8_t(i * 7))
            xt::report_failure("scratch[%u] = %u after the attempts", i, scratch[i]);
    hostile::pass();
}
