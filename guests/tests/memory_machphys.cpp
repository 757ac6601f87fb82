// XENMEM_machphys_mfn_list: the machine frames behind the read-only M2P table, one per
// 2 MiB of it, as many as cover an entry for every frame up to XENMEM_maximum_ram_page
// (max_extents bounds the list; 0 asks for none). Each is a distinct 2 MiB-aligned frame
// (a superpage) that is no frame of the guest's. XENMEM_machphys_mapping places the table
// at MACH2PHYS_VIRT_START. An unreadable argument: -EFAULT. There is no table for 32-bit
// guests (machphys_compat_mfn_list: -EOPNOTSUPP; Debian's Xen 4.17 under QEMU runs
// without PV32 too).
#include "memop_util.h"

static uint64_t mfns[64];

void test_main() {
    using namespace xen;
    long max_page = xt::memory_op(XENMEM_maximum_ram_page, nullptr);
    uint64_t expect = (uint64_t(max_page) * 8 + (2 << 20) - 1) >> 21;
    xen_machphys_mfn_list ml{64, {reinterpret_cast<uint64_t>(mfns)}, 99};
    XT_CHECK_RC(xt::memory_op(XENMEM_machphys_mfn_list, &ml), 0);
    xt::printf("max_page %#lx: %u extents, first %#lx\n", max_page, ml.nr_extents, mfns[0]);
    XT_CHECK_EQ(ml.nr_extents, expect);
    for (unsigned i = 0; i < ml.nr_extents; i++) {
        XT_CHECK_EQ(mfns[i] % 512, 0);
        XT_CHECK_EQ(mmu::m2p(mfns[i]), ~0ull); // the hypervisor's: no guest pfn
        for (unsigned j = 0; j < i; j++)
            XT_CHECK(mfns[i] != mfns[j]);
    }
    XT_CHECK_RC(memop::map_scratch(mfns[0]), -XEN_EBUSY);

    ml = {1, {reinterpret_cast<uint64_t>(mfns)}, 99};
    XT_CHECK_RC(xt::memory_op(XENMEM_machphys_mfn_list, &ml), 0);
    XT_CHECK_EQ(ml.nr_extents, 1);
    ml = {0, {0x1000}, 99};
    XT_CHECK_RC(xt::memory_op(XENMEM_machphys_mfn_list, &ml), 0);
    XT_CHECK_EQ(ml.nr_extents, 0);
    XT_CHECK_RC(xt::memory_op(XENMEM_machphys_mfn_list, reinterpret_cast<void*>(0x1000)),
                -XEN_EFAULT);

    xen_machphys_mapping map{};
    XT_CHECK_RC(xt::memory_op(XENMEM_machphys_mapping, &map), 0);
    XT_CHECK_EQ(map.v_start, MACH2PHYS_VIRT_START);
    XT_CHECK_EQ(map.v_end, MACH2PHYS_VIRT_END);
    xt::printf("machphys_mapping max_mfn %#lx\n", map.max_mfn);
    XT_CHECK(map.max_mfn >= uint64_t(max_page) - 1);

    ml = {64, {reinterpret_cast<uint64_t>(mfns)}, 99};
    XT_CHECK_RC(xt::memory_op(XENMEM_machphys_compat_mfn_list, &ml), -XEN_EOPNOTSUPP);
    XT_CHECK_EQ(ml.nr_extents, 99);
    xt::report_success();
}
