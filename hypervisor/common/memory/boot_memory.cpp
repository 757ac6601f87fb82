#include "common/memory/boot_memory.h"

#include "arch/layout.h"
#include "common/console.h"

namespace memory {

namespace {

constexpr uint64_t kPageMask = PAGE_SIZE - 1;
constexpr uint64_t kFrameLimit = kMaxFrames << PAGE_SHIFT;
constexpr uint64_t kLowIoFrames = 0x100; // the first MiB

struct Plan {
    RangeSet usable;    // whole pages of RAM
    RangeSet available; // usable less reserved, frame 0 and (once placed) the table
    BootMemoryLayout layout = {};
};
// 4 KiB, kept off the boot stack; boot is single-threaded.
constinit Plan g_plan;

const char *make_plan(const BootMemoryInput &in, Plan *plan) {
    plan->usable.clear();
    plan->available.clear();
    plan->layout = {};
    for (size_t i = 0; i < in.usable_count; i++) {
        if (!plan->usable.add(in.usable[i].start, in.usable[i].end))
            return "too many usable RAM ranges";
    }
    plan->usable.trim_inward(PAGE_SIZE);
    if (!plan->usable.subtract(kFrameLimit, ~0ull))
        return "too many usable RAM ranges";
    if (plan->usable.empty())
        return "no usable RAM";

    plan->available = plan->usable;
    if (!plan->available.subtract(0, kLowIoFrames << PAGE_SHIFT))
        return "too many reserved ranges";
    for (size_t i = 0; i < in.reserved_count; i++) {
        // Any page a reserved range touches is out.
        uint64_t start = in.reserved[i].start & ~kPageMask;
        uint64_t end = in.reserved[i].end;
        end = end > ~0ull - kPageMask ? ~0ull : (end + kPageMask) & ~kPageMask;
        if (!plan->available.subtract(start, end))
            return "too many reserved ranges";
    }

    BootMemoryLayout &l = plan->layout;
    l.frame_count = plan->usable[plan->usable.count() - 1].end >> PAGE_SHIFT;
    l.table_bytes = (l.frame_count * sizeof(PageInfo) + kPageMask) & ~kPageMask;
    l.usable_bytes = plan->usable.total();
    // The top of the highest run that fits: low memory stays free for those who need it.
    if (!plan->available.highest_fit(l.table_bytes, PAGE_SIZE, &l.table_phys))
        return "no room for the frame table";
    if (!plan->available.subtract(l.table_phys, l.table_phys + l.table_bytes))
        return "too many reserved ranges";
    return nullptr;
}

// As on Xen, the first MiB (BIOS data, option ROMs, DMI and ACPI pointers) and every frame
// that is not RAM are I/O memory: DOMID_IO owns them, with one reference that is never
// dropped, so whoever holds I/O rights may map them and nobody may allocate them.
void assign_io_frames(const RangeSet &usable, FrameTable *frames) {
    uint64_t mfn = 0;
    auto give_to_io = [&](uint64_t end) {
        for (; mfn < end; mfn++) {
            PageInfo *pg = frames->page(mfn);
            pg->owner = kDomIdIo;
            pg->count_info = kCountAllocated | 1;
        }
    };
    for (const MemRange &r : usable) {
        give_to_io(r.start >> PAGE_SHIFT);
        uint64_t end = r.end >> PAGE_SHIFT;
        mfn = end > mfn ? end : mfn;
    }
    mfn = 0;
    give_to_io(kLowIoFrames < frames->frame_count() ? kLowIoFrames : frames->frame_count());
}

} // namespace

const char *plan_memory(const BootMemoryInput &in, BootMemoryLayout *out) {
    Plan &plan = g_plan;
    const char *err = make_plan(in, &plan);
    if (!err)
        *out = plan.layout;
    return err;
}

const char *setup_memory(const BootMemoryInput &in, PhysMapFn map, FrameTable *frames,
                         BuddyAllocator *alloc, BootMemoryLayout *out) {
    Plan &plan = g_plan;
    if (const char *err = make_plan(in, &plan))
        return err;
    BootMemoryLayout &l = plan.layout;
    auto *storage = static_cast<PageInfo *>(map(l.table_phys));
    if (storage == nullptr)
        return "cannot map the frame table";

    for (const MemRange &r : plan.usable)
        log_info("memory: RAM 0x%012lx-0x%012lx (%lu KiB)", r.start, r.end - 1,
                 (r.end - r.start) >> 10);
    frames->init(storage, l.frame_count);
    assign_io_frames(plan.usable, frames);
    alloc->init(frames);
    for (const MemRange &r : plan.available)
        alloc->add_free_range(r.start >> PAGE_SHIFT, (r.end - r.start) >> PAGE_SHIFT);
    l.free_pages = alloc->free_pages();
    log_info("memory: %lu MiB usable, frame table %lu KiB at %#lx, %lu MiB free",
             l.usable_bytes >> 20, l.table_bytes >> 10, l.table_phys,
             l.free_pages >> (20 - PAGE_SHIFT));
    *out = l;
    return nullptr;
}

} // namespace memory
