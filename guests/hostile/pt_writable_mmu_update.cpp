// mmu_update writing an L1 entry that would map one of the domain's own page tables
// (L1..L4 frames on the path to a scratch page) writable is -EBUSY, with done = 0; the
// read-only mapping is accepted. In a batch the requests before the bad one are done
// (done = 1) and the ones after it are not. The entry keeps its value after a refusal.
#include "hostile.h"

alignas(4096) static uint8_t scratch[4096];
alignas(4096) static uint8_t other[4096];

void test_main() {
    using hostile::pte;
    uint64_t va = reinterpret_cast<uint64_t>(scratch);
    scratch[0] = 0x5a;
    other[0] = 0xa5;
    hostile::walk_result w = hostile::walk(va);
    XT_CHECK_EQ(w.leaf, 1);
    uint64_t slot = w.entry_maddr[1];
    uint64_t orig = w.entry[1];
    for (int level = 1; level <= 4; level++) {
        uint64_t mfn = w.table_mfn[level];
        xen::mmu_update req{slot, pte(mfn, xt::PTE_RW)};
        unsigned done = 77;
        XT_CHECK_RC(hostile::mmu_batch(&req, 1, &done), -xen::XEN_EBUSY);
        XT_CHECK_EQ(done, 0);
        // MMU_PT_UPDATE_PRESERVE_AD takes the same checks.
        req.ptr = slot | xen::MMU_PT_UPDATE_PRESERVE_AD;
        XT_CHECK_RC(hostile::mmu_batch(&req, 1, &done), -xen::XEN_EBUSY);
        XT_CHECK_EQ(hostile::mfn_of_pte(hostile::pte_of(scratch)), xt::mfn_of(scratch));
        XT_CHECK_EQ(scratch[0], 0x5a);
        XT_CHECK_RC(hostile::mmu_update1(slot, pte(mfn, 0)), 0);
        XT_CHECK_EQ(hostile::mfn_of_pte(hostile::pte_of(scratch)), mfn);
        XT_CHECK_RC(hostile::mmu_update1(slot, orig), 0);
        XT_CHECK_RC(hostile::mmuext1(xen::MMUEXT_INVLPG_LOCAL, va), 0);
        XT_CHECK_EQ(scratch[0], 0x5a);
    }
    // A batch: ok, bad, ok. The first is done, the third never reached.
    static xen::mmu_update batch[3];
    uint64_t other_mfn = xt::mfn_of(other);
    batch[0] = {slot, pte(other_mfn, xt::PTE_RW | xt::PTE_D)};
    batch[1] = {slot, pte(w.table_mfn[4], xt::PTE_RW)};
    batch[2] = {slot, pte(w.table_mfn[2], 0)};
    unsigned done = 77;
    XT_CHECK_RC(hostile::mmu_batch(batch, 3, &done), -xen::XEN_EBUSY);
    XT_CHECK_EQ(done, 1);
    XT_CHECK_RC(hostile::mmuext1(xen::MMUEXT_INVLPG_LOCAL, va), 0);
    XT_CHECK_EQ(scratch[0], 0xa5); // batch[0] took effect: scratch shows `other`
    XT_CHECK_RC(hostile::mmu_update1(slot, orig), 0);
    XT_CHECK_RC(hostile::mmuext1(xen::MMUEXT_INVLPG_LOCAL, va), 0);
    XT_CHECK_EQ(scratch[0], 0x5a);
    hostile::pass();
}
