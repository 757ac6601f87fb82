// XENMEM_maximum_ram_page returns the highest RAM frame number + 1 (Xen 4.17 under
// QEMU -m 512M: 0x1ffdf): every frame of the domain is below it; XENMEM_machphys_mapping
// describes the read-only m2p (MACH2PHYS_VIRT_START..END) and its last valid mfn (Xen
// 4.17: maximum_ram_page - 1).
#include "public/memory.h"
#include "runtime.h"

void test_main() {
    long max = xt::memory_op(xen::XENMEM_maximum_ram_page, nullptr);
    xt::printf("maximum_ram_page %#lx\n", max);
    XT_CHECK(max > 0);
    const uint64_t *p2m = reinterpret_cast<const uint64_t *>(xt::start_info->mfn_list);
    for (uint64_t pfn = 0; pfn < xt::start_info->nr_pages; pfn++)
        if (p2m[pfn] >= uint64_t(max))
            xt::report_failure("pfn %#lx has mfn %#lx >= maximum_ram_page %#lx", pfn, p2m[pfn], max);
    xen::xen_machphys_mapping m{};
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_machphys_mapping, &m), 0);
    XT_CHECK_EQ(m.v_start, xen::MACH2PHYS_VIRT_START);
    XT_CHECK_EQ(m.v_end, xen::MACH2PHYS_VIRT_END);
    XT_CHECK_EQ(m.max_mfn, uint64_t(max) - 1);
    xt::report_success();
}
