// mmuext_op with hostile counts and pointers. The op array (two TLB_FLUSH_LOCAL) ends at a
// page boundary with the next page unmapped.
//   count 0                -> 0, done 0
//   count 3                -> -EFAULT, done 2
//   count 0x7fffffff       -> -EFAULT, done 2
//   count 1 << 32 | 2      -> 0, done 2 (unsigned int)
//   count 0x80000003       -> continuation: done starts from *done (77): -EFAULT, done 79
//   ops in the hypervisor's range or non-canonical -> -EFAULT, done not written
//   done pointer in the hypervisor's range or non-canonical -> 0
//   foreign domain 12345 -> -ESRCH; DOMID_XEN -> -EPERM
#include "hostile.h"

alignas(4096) static uint8_t pages[2][4096];

void test_main() {
    auto *ops = reinterpret_cast<xen::mmuext_op *>(pages[1]) - 2;
    ops[0] = {};
    ops[1] = {};
    ops[0].cmd = xen::MMUEXT_TLB_FLUSH_LOCAL;
    ops[1].cmd = xen::MMUEXT_TLB_FLUSH_LOCAL;
    uint64_t hole_pte = hostile::pte_of(pages[1]);
    XT_CHECK_RC(hostile::unmap(pages[1]), 0);

    unsigned done = 77;
    XT_CHECK_RC(hostile::mmuext_batch(ops, 0, &done), 0);
    XT_CHECK_EQ(done, 0);
    done = 77;
    XT_CHECK_RC(hostile::mmuext_batch(ops, 3, &done), -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 2);
    done = 77;
    XT_CHECK_RC(hostile::mmuext_batch(ops, 0x7fffffff, &done), -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 2);
    done = 77;
    XT_CHECK_RC(hostile::mmuext_batch(ops, (1ul << 32) | 2, &done), 0);
    XT_CHECK_EQ(done, 2);
    done = 77;
    XT_CHECK_RC(hostile::mmuext_batch(ops, 0x80000003ul, &done), -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 79);
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::XEN_DIRECTMAP, hostile::XEN_TEXT,
                                                        hostile::NONCANON_LOW}) {
        done = 77;
        XT_CHECK_RC(hostile::mmuext_batch(reinterpret_cast<xen::mmuext_op *>(bad), 1, &done),
                    -xen::XEN_EFAULT);
        XT_CHECK_EQ(done, 77);
        XT_CHECK_RC(hostile::mmuext_batch(ops, 2, reinterpret_cast<unsigned *>(bad)), 0);
    }
    done = 77;
    XT_CHECK_RC(hostile::mmuext_batch(ops, 2, &done, 12345), -xen::XEN_ESRCH);
    XT_CHECK_RC(hostile::mmuext_batch(ops, 2, &done, xen::DOMID_XEN), -xen::XEN_EPERM);
    XT_CHECK_RC(hostile::remap(pages[1], hole_pte), 0);
    pages[1][0] = 1;
    hostile::pass();
}
