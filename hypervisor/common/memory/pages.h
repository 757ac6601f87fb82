// Page-granular memory for the hypervisor itself. alloc_pages, free_pages and
// alloc_zeroed_page are declared with the allocator in buddy.h; this adds the heap's
// page source built on them.
#pragma once

#include "common/memory/buddy.h"
#include "common/memory/heap.h"

namespace memory {

// alloc_pages/free_pages, with the heap's per-page tag kept in PageInfo::aux.
const PageSource &hypervisor_page_source();

} // namespace memory
