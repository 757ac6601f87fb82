// Boot-time setup of physical memory: from the firmware's usable RAM and what is already
// in use, place the frame table and give every other frame to the buddy allocator.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "common/memory/buddy.h"
#include "common/memory/page_info.h"
#include "common/memory/ranges.h"

struct BootInfo;

namespace memory {

struct BootMemoryInput {
    const MemRange *usable; // RAM the firmware reports usable, any order, byte ranges
    size_t usable_count;
    const MemRange *reserved; // parts of it that are taken or must stay out of the allocator
    size_t reserved_count;
};

struct BootMemoryLayout {
    uint64_t frame_count;  // frames the table covers: up to the highest usable one
    uint64_t table_phys;   // the frame table's place, page aligned
    uint64_t table_bytes;  // its size, whole pages
    uint64_t usable_bytes; // whole pages of usable RAM
    uint64_t free_pages;   // what the allocator got (setup_memory only)
};

// Sizes and places the frame table. Returns nullptr, or why memory cannot be set up.
// The first MiB (I/O memory, as on Xen) and RAM at or above 16 TiB (frame links are
// 32-bit) are never used.
const char *plan_memory(const BootMemoryInput &in, BootMemoryLayout *out);

// Plans, then initialises `frames` over the table storage that map() returns for its
// physical address and gives every usable, unreserved frame outside the table to
// `alloc`. The first MiB and the frames that are not RAM go to DOMID_IO. Logs each usable region and a summary line. Linear in the number of frames.
using PhysMapFn = void *(*)(uint64_t phys);
const char *setup_memory(const BootMemoryInput &in, PhysMapFn map, FrameTable *frames,
                         BuddyAllocator *alloc, BootMemoryLayout *out);

// In the hypervisor: setup_memory on frame_table() and buddy() through the direct map
// (which must already cover all RAM), then starts the heap. Stops the boot on failure.
void init(const BootMemoryInput &in);

} // namespace memory

// memory::init from the loader's memory map, keeping out the low 1 MiB (real-mode
// structures and the SMP start-up page), the hypervisor image and every module.
void memory_init_from_boot(const BootInfo &info, uint64_t image_start, uint64_t image_end);
