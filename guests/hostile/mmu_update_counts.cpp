// mmu_update with hostile counts and pointers. The request array ends at a page boundary
// with the next page unmapped; each valid request rewrites an L1 entry with its own value.
//   count 0                       -> 0, done 0
//   count 3 (third unreadable)    -> -EFAULT, done 2
//   count 0x7fffffff              -> -EFAULT, done 2 (entries are read one at a time)
//   count 1 << 32 | 2             -> 0, done 2 (the count is an unsigned int)
//   count 0x80000003              -> the top bit marks a continuation: done starts from
//                                    *done (77) -> -EFAULT, done 79
//   count 1 << 20 at 0x1000       -> -EFAULT, done 0
//   requests in the hypervisor's range or non-canonical -> -EFAULT, done not written
//   done pointer in the hypervisor's range, non-canonical or NULL -> 0 (not written)
#include "hostile.h"

alignas(4096) static uint8_t pages[2][4096];
alignas(4096) static uint8_t scratch[4096];

void test_main() {
    uint64_t slot = hostile::l1e_maddr(scratch);
    uint64_t orig = hostile::pte_of(scratch);
    scratch[0] = 3;
    auto *reqs = reinterpret_cast<xen::mmu_update *>(pages[1]) - 2;
    reqs[0] = {slot, orig};
    reqs[1] = {slot, orig};
    uint64_t hole_pte = hostile::pte_of(pages[1]);
    XT_CHECK_RC(hostile::unmap(pages[1]), 0);

    unsigned done = 77;
    XT_CHECK_RC(hostile::mmu_batch(reqs, 0, &done), 0);
    XT_CHECK_EQ(done, 0);
    done = 77;
    XT_CHECK_RC(hostile::mmu_batch(reqs, 3, &done), -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 2);
    done = 77;
    XT_CHECK_RC(hostile::mmu_batch(reqs, 0x7fffffff, &done), -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 2);
    done = 77;
    XT_CHECK_RC(hostile::mmu_batch(reqs, (1ul << 32) | 2, &done), 0);
    XT_CHECK_EQ(done, 2);
    done = 77;
    XT_CHECK_RC(hostile::mmu_batch(reqs, 0x80000003ul, &done), -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 79);
    done = 77;
    XT_CHECK_RC(hostile::mmu_batch(reinterpret_cast<xen::mmu_update *>(0x1000), 1 << 20, &done),
                -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 0);
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::XEN_DIRECTMAP, hostile::XEN_M2P_RO,
                                                        hostile::NONCANON_LOW}) {
        done = 77;
        XT_CHECK_RC(hostile::mmu_batch(reinterpret_cast<xen::mmu_update *>(bad), 1, &done),
                    -xen::XEN_EFAULT);
        XT_CHECK_EQ(done, 77);
        XT_CHECK_RC(hostile::mmu_batch(reqs, 2, reinterpret_cast<unsigned *>(bad)), 0);
    }
    XT_CHECK_RC(hostile::mmu_batch(reqs, 2, nullptr), 0);
    XT_CHECK_RC(hostile::remap(pages[1], hole_pte), 0);
    pages[1][0] = 1;
    XT_CHECK_EQ(hostile::pte_of(scratch), orig);
    XT_CHECK_EQ(scratch[0], 3);
    hostile::pass();
}
