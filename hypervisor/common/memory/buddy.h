// The physical frame allocator: a binary buddy system over the frame table.
//
// Free blocks are 2^order frames, naturally aligned, kept on per-zone, per-order lists
// linked through PageInfo::next/prev. Zones split memory at 1 MiB and 4 GiB so that
// ordinary allocations come from the highest memory and leave low frames for callers
// that need them (the SMP trampoline below 1 MiB, 32-bit-addressable tables below 4 GiB).
// Blocks never cross a zone boundary.
#pragma once
#include <stdint.h>

#include "common/memory/page_info.h"
#include "lib/spinlock.h"

namespace memory {

class BuddyAllocator {
  public:
    static constexpr unsigned kMaxOrder = 20; // 4 GiB blocks
    static constexpr unsigned kZones = 3;     // [0, 1 MiB), [1 MiB, 4 GiB), [4 GiB, ...)

    constexpr BuddyAllocator() = default;
    BuddyAllocator(const BuddyAllocator &) = delete;
    BuddyAllocator &operator=(const BuddyAllocator &) = delete;

    // Starts empty over `frames`; frames join through add_free_range.
    void init(FrameTable *frames);

    // Hands reserved frames [first_mfn, first_mfn + count) to the allocator.
    void add_free_range(uint64_t first_mfn, uint64_t count);

    // A block of 2^order frames lying wholly below max_mfn_exclusive, or nullptr.
    PageInfo *alloc(unsigned order, uint64_t max_mfn_exclusive = ~0ull);
    // Returns a block from alloc; panics if it is not an allocated block of this order.
    void free(PageInfo *first, unsigned order);

    uint64_t free_pages() const { return free_pages_; }
    uint64_t total_pages() const { return total_pages_; }
    uint64_t free_blocks(unsigned order) const;
    FrameTable *frames() const { return frames_; }

  private:
    void insert_free(uint64_t mfn, unsigned order); // merges with free buddies
    void push(unsigned zone, unsigned order, uint64_t mfn);
    void unlink(unsigned zone, unsigned order, uint64_t mfn);
    PageInfo *take(unsigned zone, unsigned from_order, uint64_t mfn, unsigned order);

    mutable lib::SpinLock lock_;
    FrameTable *frames_ = nullptr;
    uint32_t heads_[kZones][kMaxOrder + 1] = {};
    uint64_t counts_[kZones][kMaxOrder + 1] = {};
    uint64_t free_pages_ = 0;
    uint64_t total_pages_ = 0;
};

// The hypervisor's allocator over frame_table().
BuddyAllocator &buddy();

// Blocks for the hypervisor itself (defined in pages.cpp): owned by DOMID_XEN and
// addressed through the direct map.
// 2^order pages below max_mfn_exclusive, or nullptr.
void *alloc_pages(unsigned order, uint64_t max_mfn_exclusive = ~0ull);
// Returns a block from alloc_pages; nullptr is ignored.
void free_pages(void *pages, unsigned order);
// One zero-filled page, or nullptr.
void *alloc_zeroed_page();

} // namespace memory
