// The m2p table at MACH2PHYS_VIRT_START maps each of the domain's machine frames back to
// its pseudo-physical frame: m2p[p2m[pfn]] == pfn for every page of the domain.
#include "runtime.h"

void test_main() {
    const uint64_t *p2m = reinterpret_cast<const uint64_t *>(xt::start_info->mfn_list);
    const volatile uint64_t *m2p = reinterpret_cast<const volatile uint64_t *>(xen::MACH2PHYS_VIRT_START);
    for (uint64_t pfn = 0; pfn < xt::start_info->nr_pages; pfn++)
        if (m2p[p2m[pfn]] != pfn)
            xt::report_failure("m2p[%#lx] = %#lx, expected pfn %#lx", p2m[pfn], m2p[p2m[pfn]], pfn);
    xt::report_success();
}
