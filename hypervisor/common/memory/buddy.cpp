#include "common/memory/buddy.h"

namespace memory {

namespace {

constinit BuddyAllocator g_buddy;

// Zone boundaries in frames: 1 MiB and 4 GiB.
constexpr uint64_t kZoneStart[BuddyAllocator::kZones] = {0, 0x100, 0x100000};
constexpr uint64_t kZoneEnd[BuddyAllocator::kZones] = {0x100, 0x100000, ~0ull};

unsigned zone_of(uint64_t mfn) {
    return mfn < kZoneEnd[0] ? 0 : mfn < kZoneEnd[1] ? 1 : 2;
}

// Largest order of an aligned block starting at mfn that ends at or before limit.
unsigned max_block_order(uint64_t mfn, uint64_t limit) {
    unsigned order = mfn ? __builtin_ctzll(mfn) : BuddyAllocator::kMaxOrder;
    if (order > BuddyAllocator::kMaxOrder)
        order = BuddyAllocator::kMaxOrder;
    unsigned fit = 63 - __builtin_clzll(limit - mfn);
    return order < fit ? order : fit;
}

void reset_free_frame(PageInfo &pg) {
    pg.count_info = 0;
    pg.type_info = 0;
    pg.next = kNoFrame;
    pg.prev = kNoFrame;
    pg.owner = kDomIdInvalid;
    pg.state = FrameState::free;
    pg.order = kNoOrder;
    pg.aux = 0;
}

} // namespace

BuddyAllocator &buddy() {
    return g_buddy;
}

void BuddyAllocator::init(FrameTable *frames) {
    lib::LockGuard guard(lock_);
    frames_ = frames;
    for (unsigned z = 0; z < kZones; z++) {
        for (unsigned k = 0; k <= kMaxOrder; k++) {
            heads_[z][k] = kNoFrame;
            counts_[z][k] = 0;
        }
    }
    free_pages_ = 0;
    total_pages_ = 0;
}

void BuddyAllocator::add_free_range(uint64_t first_mfn, uint64_t count) {
    lib::LockGuard guard(lock_);
    ASSERT(frames_ != nullptr);
    uint64_t end = first_mfn + count;
    ASSERT(end >= first_mfn && end <= frames_->frame_count());
    PageInfo *first = count ? frames_->page(first_mfn) : nullptr;
    // One pass (this is most of boot time at 16 GiB); a caught misuse is rolled back so
    // it leaves no trace.
    for (uint64_t i = 0; i < count; i++) {
        if (first[i].state != FrameState::reserved) {
            unsigned found = static_cast<unsigned>(first[i].state);
            for (uint64_t j = 0; j < i; j++)
                first[j].state = FrameState::reserved;
            panic("buddy: frame %#lx added twice (state %u)", first_mfn + i, found);
        }
        reset_free_frame(first[i]);
    }
    total_pages_ += count;
    free_pages_ += count;
    // Maximal aligned blocks, so boot is O(frames) plus O(log) per block.
    uint64_t mfn = first_mfn;
    while (mfn < end) {
        uint64_t zone_end = kZoneEnd[zone_of(mfn)];
        unsigned order = max_block_order(mfn, end < zone_end ? end : zone_end);
        insert_free(mfn, order);
        mfn += 1ull << order;
    }
}

PageInfo *BuddyAllocator::alloc(unsigned order, uint64_t max_mfn_exclusive) {
    if (order > kMaxOrder)
        return nullptr;
    lib::LockGuard guard(lock_);
    if (frames_ == nullptr)
        return nullptr;
    uint64_t need = 1ull << order;
    // Highest zone first: low memory is kept for those who ask for it.
    for (unsigned z = kZones; z-- > 0;) {
        if (kZoneStart[z] + need > max_mfn_exclusive)
            continue;
        bool whole_zone_fits = kZoneEnd[z] <= max_mfn_exclusive;
        for (unsigned k = order; k <= kMaxOrder; k++) {
            if (whole_zone_fits) {
                if (heads_[z][k] != kNoFrame)
                    return take(z, k, heads_[z][k], order);
                continue;
            }
            // The zone straddles the limit: find a block whose low end fits.
            for (uint64_t m = heads_[z][k]; m != kNoFrame; m = frames_->page(m)->next) {
                if (m + need <= max_mfn_exclusive)
                    return take(z, k, m, order);
            }
        }
    }
    return nullptr;
}

// Removes free block (mfn, from_order) and keeps its lowest 2^order frames, returning
// the upper halves to the free lists.
PageInfo *BuddyAllocator::take(unsigned zone, unsigned from_order, uint64_t mfn, unsigned order) {
    unlink(zone, from_order, mfn);
    for (unsigned k = from_order; k > order;) {
        k--;
        uint64_t upper = mfn + (1ull << k);
        frames_->page(upper)->order = static_cast<uint8_t>(k);
        push(zone, k, upper);
    }
    uint64_t count = 1ull << order;
    PageInfo *first = frames_->page(mfn);
    for (uint64_t i = 0; i < count; i++) {
        PageInfo &pg = first[i];
        ASSERT(pg.state == FrameState::free);
        ASSERT(i == 0 || pg.order == kNoOrder);
        pg.state = FrameState::allocated;
    }
    first->order = static_cast<uint8_t>(order);
    free_pages_ -= count;
    return first;
}

void BuddyAllocator::free(PageInfo *first, unsigned order) {
    lib::LockGuard guard(lock_);
    ASSERT(frames_ != nullptr);
    uint64_t mfn = frames_->mfn(first);
    // Every check on the first frame comes before any change, so a caught misuse leaves
    // the allocator intact.
    if (first->state != FrameState::allocated)
        panic("buddy: freeing frame %#lx which is not allocated (state %u)", mfn,
              static_cast<unsigned>(first->state));
    if (first->order != order)
        panic("buddy: freeing frame %#lx as order %u, allocated as order %u", mfn, order,
              static_cast<unsigned>(first->order));
    uint64_t count = 1ull << order;
    for (uint64_t i = 0; i < count; i++) {
        PageInfo &pg = first[i];
        if (pg.state != FrameState::allocated || (i != 0 && pg.order != kNoOrder))
            panic("buddy: frame %#lx inside block %#lx/%u is corrupt", mfn + i, mfn, order);
        reset_free_frame(pg);
    }
    free_pages_ += count;
    insert_free(mfn, order);
}

void BuddyAllocator::insert_free(uint64_t mfn, unsigned order) {
    unsigned zone = zone_of(mfn);
    while (order < kMaxOrder) {
        uint64_t buddy_mfn = mfn ^ (1ull << order);
        if (!frames_->valid(buddy_mfn) || zone_of(buddy_mfn) != zone)
            break;
        PageInfo *b = frames_->page(buddy_mfn);
        if (b->state != FrameState::free || b->order != order)
            break;
        unlink(zone, order, buddy_mfn);
        // The upper half's first frame is now inside the merged block.
        frames_->page(mfn | (1ull << order))->order = kNoOrder;
        mfn &= ~(1ull << order);
        order++;
    }
    frames_->page(mfn)->order = static_cast<uint8_t>(order);
    push(zone, order, mfn);
}

void BuddyAllocator::push(unsigned zone, unsigned order, uint64_t mfn) {
    PageInfo *pg = frames_->page(mfn);
    uint32_t head = heads_[zone][order];
    pg->prev = kNoFrame;
    pg->next = head;
    if (head != kNoFrame)
        frames_->page(head)->prev = static_cast<uint32_t>(mfn);
    heads_[zone][order] = static_cast<uint32_t>(mfn);
    counts_[zone][order]++;
}

void BuddyAllocator::unlink(unsigned zone, unsigned order, uint64_t mfn) {
    PageInfo *pg = frames_->page(mfn);
    if (pg->prev != kNoFrame)
        frames_->page(pg->prev)->next = pg->next;
    else
        heads_[zone][order] = pg->next;
    if (pg->next != kNoFrame)
        frames_->page(pg->next)->prev = pg->prev;
    pg->next = kNoFrame;
    pg->prev = kNoFrame;
    counts_[zone][order]--;
}

uint64_t BuddyAllocator::free_blocks(unsigned order) const {
    if (order > kMaxOrder)
        return 0;
    lib::LockGuard guard(lock_);
    uint64_t n = 0;
    for (unsigned z = 0; z < kZones; z++)
        n += counts_[z][order];
    return n;
}

} // namespace memory
