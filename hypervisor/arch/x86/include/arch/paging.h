// xenon's own page tables: the boot tables from head.S, grown at boot to map all RAM.
#pragma once
#include <stdint.h>

namespace arch {

constexpr uint64_t kPtePresent = 1ull << 0;
constexpr uint64_t kPteWrite = 1ull << 1;
constexpr uint64_t kPteUser = 1ull << 2;
constexpr uint64_t kPteLarge = 1ull << 7;
constexpr uint64_t kPteGlobal = 1ull << 8;
constexpr uint64_t kPteNx = 1ull << 63;
constexpr uint64_t kPteAddrMask = 0x000ffffffffff000ull;

// Supplies zeroed page-table pages (physical addresses) while the frame allocator does
// not exist yet.
using TablePageAllocator = uint64_t (*)();

// Maps [0, end) at DIRECTMAP_BASE (the first 4 GiB are mapped from the start).
void paging_extend_direct_map(uint64_t end, TablePageAllocator alloc);
// Removes the 1:1 map of low memory once no CPU needs it (after the APs are up), so the
// lower half of every address space is free for guests.
void paging_drop_identity_map();
uint64_t paging_boot_root(); // physical address of the boot PML4
uint64_t paging_direct_map_end();

} // namespace arch
