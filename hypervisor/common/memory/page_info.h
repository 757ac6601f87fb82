// One PageInfo per physical frame, in one flat array (the frame table) indexed by MFN.
// The allocator, domain ownership and the PV MMU's reference and type counts all live
// here, so a frame's whole state is one 32-byte record.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "common/panic.h"

namespace memory {

using DomId = uint16_t;
inline constexpr DomId kDomIdXen = 0x7FF2;     // Xen's DOMID_XEN: owned by the hypervisor
inline constexpr DomId kDomIdIo = 0x7FF1;      // Xen's DOMID_IO: I/O memory, not RAM
inline constexpr DomId kDomIdInvalid = 0x7FF4; // Xen's DOMID_INVALID: owned by nobody

// count_info: a general reference count in the low bits, flags in the top bits.
inline constexpr uint64_t kCountMask = (1ull << 56) - 1;
inline constexpr uint64_t kCountAllocated = 1ull << 63; // owner holds its allocation ref
inline constexpr uint64_t kCountXenHeap = 1ull << 62;   // hypervisor page shared to a guest
inline constexpr uint64_t kCountPageTable = 1ull << 61; // in use as a guest page table

// type_info: what the frame is validated as (top 3 bits), state flags, and the number of
// type references in the low bits. The PV MMU owns the state machine.
enum class PageType : uint64_t {
    none = 0,
    writable = 1,
    l1 = 2,
    l2 = 3,
    l3 = 4,
    l4 = 5,
    segdesc = 6,
};
inline constexpr unsigned kTypeShift = 61;
inline constexpr uint64_t kTypeMask = 7ull << kTypeShift;
inline constexpr uint64_t kTypeValidated = 1ull << 60; // contents checked for this type
inline constexpr uint64_t kTypePinned = 1ull << 59;    // pinned by the guest: holds a type ref
inline constexpr uint64_t kTypePartial = 1ull << 58;   // validation preempted part way
inline constexpr uint64_t kTypeLocked = 1ull << 57;    // an entry is being changed (page_type.h)
// Bits 40..55: the PV MMU's linear page-table count, a signed 16-bit number: > 0, how many
// same-level ("linear") entries this table holds; < 0, how many such entries point at it.
inline constexpr unsigned kTypeLinearShift = 40;
inline constexpr uint64_t kTypeLinearMask = 0xffffull << kTypeLinearShift;
inline constexpr uint64_t kTypeCountMask = (1ull << kTypeLinearShift) - 1;

constexpr uint64_t type_bits(PageType t) {
    return static_cast<uint64_t>(t) << kTypeShift;
}
constexpr PageType type_of(uint64_t type_info) {
    return static_cast<PageType>((type_info & kTypeMask) >> kTypeShift);
}

// What the buddy allocator thinks of the frame. Frames that are not RAM, or RAM that is
// not (yet) managed by the allocator (image, modules, frame table), are reserved.
enum class FrameState : uint8_t { reserved = 0, free = 1, allocated = 2, broken = 3 };

inline constexpr uint32_t kNoFrame = 0xFFFFFFFF; // null list link
inline constexpr uint8_t kNoOrder = 0xFF;        // not the first frame of a block
inline constexpr uint64_t kMaxFrames = kNoFrame; // 16 TiB: links are 32-bit indices

struct PageInfo {
    uint64_t count_info;
    uint64_t type_info;
    // Intrusive list links as frame indices: the allocator's free lists while free, the
    // owner's page list while allocated.
    uint32_t next;
    uint32_t prev;
    DomId owner;
    FrameState state;
    uint8_t order; // block order on a block's first frame, kNoOrder on the others
    // Belongs to whoever allocated the frame (the heap tags its pages here); zero when
    // the frame comes out of the allocator.
    uint32_t aux;
};
static_assert(sizeof(PageInfo) == 32);

class FrameTable {
  public:
    constexpr FrameTable() = default;
    FrameTable(const FrameTable &) = delete;
    FrameTable &operator=(const FrameTable &) = delete;

    // Takes storage for frame_count records and marks every frame reserved.
    void init(PageInfo *storage, uint64_t frame_count);

    PageInfo *page(uint64_t mfn) const {
        ASSERT(mfn < count_);
        return &pages_[mfn];
    }
    uint64_t mfn(const PageInfo *pg) const {
        ASSERT(pg >= pages_ && pg < pages_ + count_);
        return static_cast<uint64_t>(pg - pages_);
    }
    uint64_t frame_count() const { return count_; }
    bool valid(uint64_t mfn) const { return mfn < count_; }

  private:
    PageInfo *pages_ = nullptr;
    uint64_t count_ = 0;
};

// The frame table of the machine xenon runs on.
FrameTable &frame_table();

} // namespace memory
