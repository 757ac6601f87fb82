#include "common/memory/pages.h"

#include "arch/layout.h"
#include "common/memory/buddy.h"
#include "common/panic.h"
#include "lib/string.h"

namespace memory {

namespace {

// The frame of a hypervisor-owned page, or nullptr if `page` is not one.
PageInfo *xen_page(const void *page) {
    uint64_t phys = arch::virt_to_phys(page);
    if (phys & (PAGE_SIZE - 1))
        return nullptr;
    uint64_t mfn = phys >> PAGE_SHIFT;
    if (!frame_table().valid(mfn))
        return nullptr;
    PageInfo *pg = frame_table().page(mfn);
    if (pg->state != FrameState::allocated || pg->owner != kDomIdXen)
        return nullptr;
    return pg;
}

void *source_alloc(unsigned order) {
    return alloc_pages(order);
}
void source_free(void *pages, unsigned order) {
    free_pages(pages, order);
}
uint32_t *source_tag(const void *page) {
    PageInfo *pg = xen_page(page);
    return pg ? &pg->aux : nullptr;
}

constinit const PageSource kHypervisorPages = {&source_alloc, &source_free, &source_tag};

} // namespace

void *alloc_pages(unsigned order, uint64_t max_mfn_exclusive) {
    PageInfo *first = buddy().alloc(order, max_mfn_exclusive);
    if (first == nullptr)
        return nullptr;
    for (uint64_t i = 0; i < (1ull << order); i++)
        first[i].owner = kDomIdXen;
    return arch::phys_to_virt(frame_table().mfn(first) << PAGE_SHIFT);
}

void free_pages(void *pages, unsigned order) {
    if (pages == nullptr)
        return;
    PageInfo *first = xen_page(pages);
    if (first == nullptr)
        panic("free_pages: %p is not a hypervisor page", pages);
    buddy().free(first, order);
}

void *alloc_zeroed_page() {
    void *p = alloc_pages(0);
    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

const PageSource &hypervisor_page_source() {
    return kHypervisorPages;
}

} // namespace memory
