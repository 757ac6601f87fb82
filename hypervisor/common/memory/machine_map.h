// XENMEM_machine_memory_map as Xen 4.17 builds it for the initial domain: the host's
// E820, and in the gaps between its entries (and after the last) the frames dom0 may not
// map, as E820_RESERVED entries, so that dom0 keeps its hands off them (the IOAPIC pages,
// the local APIC / MSI range). A run of such frames is listed only when something dom0
// may map follows it: the end of a gap at an E820 entry, or a frame it is permitted,
// below the CPU's physical address limit.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace memory {

struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct FrameRange {
    uint64_t first, last; // inclusive
};

struct MachineMapSink {
    // Writes entry n; false when the guest buffer faults.
    bool (*store)(void* ctx, size_t n, const E820Entry& e);
    void* ctx;
    // Entries the buffer holds; 0: only count them (a null buffer).
    size_t capacity;
};

// e820 sorted; denied sorted and disjoint (frame numbers); frame_limit the first frame
// beyond the CPU's physical address width. The number of entries, or -EINVAL when the
// buffer is too small (by Xen's rules: one spare entry beyond what is written, checked as
// it goes), or -EFAULT.
long machine_memory_map(const E820Entry* e820, size_t count, const FrameRange* denied,
                        size_t denied_count, uint64_t frame_limit, const MachineMapSink& out);

} // namespace memory
