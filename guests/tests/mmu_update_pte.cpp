// MMU_NORMAL_PT_UPDATE rewrites one of the guest's L1 entries by machine address:
// pointing a page's address at another frame shows that frame. MMU_PT_UPDATE_PRESERVE_AD
// keeps the Accessed/Dirty bits the CPU set, a normal update does not. A batch stops at
// the first failure and `done` says how many went through. Refused: another frame's
// entry (-EINVAL), a writable mapping of a page table (-EBUSY), an unknown command
// (-ENOSYS). MMU_MACHPHYS_UPDATE sets the M2P entry of the domain's own frame.
#include "pv_mmu.h"

alignas(4096) static uint8_t a[4096], b[4096];

void test_main() {
    a[0] = 0xaa;
    b[0] = 0xbb;
    uint64_t va = mmu::va_of(a);
    uint64_t pa = mmu::entry_maddr(va, 1);
    uint64_t old = mmu::entry(va, 1);
    XT_CHECK_EQ(old & mmu::ADDR, xt::mfn_of(a) << 12);
    XT_CHECK(old & xt::PTE_D);
    uint64_t to_b = (xt::mfn_of(b) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;

    xen::mmu_update req{pa | xen::MMU_NORMAL_PT_UPDATE, to_b};
    unsigned done = 99;
    XT_CHECK_RC(mmu::mmu_update(&req, 1, &done), 0);
    XT_CHECK_EQ(done, 1);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_INVLPG_LOCAL, va), 0);
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t *>(a), 0xbb);

    // A batch: the restore goes through, the unknown command stops it.
    xen::mmu_update batch[3] = {{pa | xen::MMU_NORMAL_PT_UPDATE, old},
                                {pa | 4, old},
                                {pa | xen::MMU_NORMAL_PT_UPDATE, to_b}};
    done = 99;
    XT_CHECK_RC(mmu::mmu_update(batch, 3, &done), -xen::XEN_ENOSYS);
    XT_CHECK_EQ(done, 1);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_TLB_FLUSH_LOCAL), 0);
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t *>(a), 0xaa);

    // Accessed/Dirty: kept with PRESERVE_AD, replaced otherwise.
    uint64_t bare = (xt::mfn_of(a) << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_US;
    XT_CHECK_RC(mmu::update(pa, bare, xen::MMU_PT_UPDATE_PRESERVE_AD), 0);
    XT_CHECK_EQ(mmu::entry(va, 1) & (xt::PTE_A | xt::PTE_D), xt::PTE_A | xt::PTE_D);
    XT_CHECK_RC(mmu::update(pa, bare), 0);
    XT_CHECK_EQ(mmu::entry(va, 1) & xt::PTE_D, 0);
    XT_CHECK_RC(mmu::update(pa, old), 0);

    // Refusals; the entry keeps its value.
    uint64_t l4 = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
    XT_CHECK_RC(mmu::update(pa, (l4 << 12) | xt::PTE_P | xt::PTE_RW), -xen::XEN_EBUSY);
    XT_CHECK_RC(mmu::update(0x1000, old), -xen::XEN_EINVAL);
    XT_CHECK_EQ(mmu::entry(va, 1), old);
    a[1] = 1;

    // The M2P entry of one of the domain's frames.
    uint64_t mfn_b = xt::mfn_of(b);
    XT_CHECK_EQ(mmu::m2p(mfn_b), xt::pfn_of(b));
    XT_CHECK_RC(mmu::update(mfn_b << 12, 0x12345, xen::MMU_MACHPHYS_UPDATE), 0);
    XT_CHECK_EQ(mmu::m2p(mfn_b), 0x12345);
    XT_CHECK_RC(mmu::update(mfn_b << 12, xt::pfn_of(b), xen::MMU_MACHPHYS_UPDATE), 0);
    XT_CHECK_EQ(mmu::m2p(mfn_b), xt::pfn_of(b));
    XT_CHECK_RC(mmu::update(0x1000, 1, xen::MMU_MACHPHYS_UPDATE), -xen::XEN_EINVAL);
    xt::report_success();
}
