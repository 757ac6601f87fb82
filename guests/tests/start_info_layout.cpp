// The start-of-day virtual layout of a PV guest, from VIRT_BASE up: kernel image, p2m
// list (mfn_list), start_info, bootstrap page tables (pt_base, nr_pt_frames of them),
// each page-aligned and in that order; pfn n is mapped at VIRT_BASE + n pages, the p2m
// list covers nr_pages entries, and the page tables are mapped read-only.
#include "runtime.h"

extern "C" char __image_end[];

void test_main() {
    const xen::start_info *si = xt::start_info;
    uint64_t image_end = reinterpret_cast<uint64_t>(__image_end);
    uint64_t p2m = si->mfn_list, info = reinterpret_cast<uint64_t>(si), pt = si->pt_base;
    xt::printf("image end %#lx p2m %#lx start_info %#lx pt_base %#lx (%lu frames)\n", image_end,
               p2m, info, pt, si->nr_pt_frames);
    XT_CHECK(p2m >= image_end && (p2m & 0xfff) == 0);
    XT_CHECK(info >= p2m + si->nr_pages * 8 && (info & 0xfff) == 0);
    XT_CHECK(pt > info && (pt & 0xfff) == 0);
    XT_CHECK(si->nr_pt_frames >= 4); // L4, L3, L2 and at least one L1
    // pfn n at VIRT_BASE + n pages: the %cr3 frame is the p2m entry of pt_base's pfn.
    uint64_t cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    XT_CHECK_EQ(cr3 >> 12, xt::mfn_of(reinterpret_cast<void *>(pt)));
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] {
        XT_SITE_AFTER("", "movq $0, (%[a])", [a] "r"(xt::start_info->pt_base + 8));
    });
    XT_CHECK_EQ(fi.error_code, 3);
    xt::report_success();
}
