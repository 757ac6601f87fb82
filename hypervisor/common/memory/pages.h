// Page-granular memory for the hypervisor itself: buddy blocks owned by DOMID_XEN and
// addressed through the direct map.
#pragma once
#include <stdint.h>

#include "common/memory/heap.h"

namespace memory {

// 2^order pages below max_mfn_exclusive, as a direct-map address, or nullptr.
void *alloc_pages(unsigned order, uint64_t max_mfn_exclusive = ~0ull);
// Returns a block from alloc_pages; nullptr is ignored.
void free_pages(void *pages, unsigned order);
// One zero-filled page, or nullptr.
void *alloc_zeroed_page();

// The heap's page source in the hypervisor: alloc_pages/free_pages, with the heap's
// per-page tag kept in PageInfo::aux.
const PageSource &hypervisor_page_source();

} // namespace memory
