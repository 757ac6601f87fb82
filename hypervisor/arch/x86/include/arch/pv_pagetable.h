// The x86-64 page-table format as the PV MMU sees a guest's tables: the entry bits, which
// of them a 64-bit PV guest may set, and the root slots that belong to the hypervisor.
// Only constants: common/memory/page_type.cpp applies the rules.
#pragma once
#include <stdint.h>

namespace arch::pvpt {

inline constexpr unsigned kLevels = 4;
inline constexpr unsigned kEntries = 512; // per table, at every level

inline constexpr uint64_t kPresent = 1ull << 0;
inline constexpr uint64_t kRw = 1ull << 1;
inline constexpr uint64_t kUser = 1ull << 2;
inline constexpr uint64_t kPwt = 1ull << 3;
inline constexpr uint64_t kPcd = 1ull << 4;
inline constexpr uint64_t kAccessed = 1ull << 5;
inline constexpr uint64_t kDirty = 1ull << 6;
inline constexpr uint64_t kPse = 1ull << 7; // in L2/L3 entries: a superpage
inline constexpr uint64_t kPat = 1ull << 7; // in L1 entries: the PAT index's top bit
inline constexpr uint64_t kGlobal = 1ull << 8;
inline constexpr uint64_t kAvail = 7ull << 9;         // ignored by the CPU, the guest's own
inline constexpr uint64_t kAvailHigh = 0x7ffull << 52; // bits 52..62, likewise
inline constexpr uint64_t kNx = 1ull << 63;
inline constexpr uint64_t kAddrMask = 0x000ffffffffff000ull; // bits 12..51: the frame

// Xen marks a 64-bit PV guest's kernel mappings with bit 52 (it sets the user bit on every
// mapping, since the guest kernel runs in ring 3, and needs to tell the two apart).
inline constexpr uint64_t kGuestKernel = 1ull << 52;

inline constexpr uint64_t kCacheAttrs = kPat | kPcd | kPwt;

// What a guest may set in any entry besides the frame number; bit 63 only if the CPU
// has NX. Everything else (PWT, PCD, PSE/PAT, G) is refused in L2..L4 entries; L1 entries
// may also have G, and cache attributes when the domain has I/O rights.
inline constexpr uint64_t kGuestFlags =
    kPresent | kRw | kUser | kAccessed | kDirty | kAvail | kAvailHigh;

// Flags a guest may change in a present entry without the entry being checked again
// (the frame, P, RW and the cache attributes are what references and safety depend on).
inline constexpr uint64_t kFastPathFlags = kNx | kAvailHigh | kAvail | kGlobal | kDirty |
                                           kAccessed | kUser;

// Root (L4) slots 256..271 map the hypervisor: a guest's values there are ignored and
// replaced by the hypervisor's own.
inline constexpr unsigned kFirstXenSlot = 256;
inline constexpr unsigned kLastXenSlot = 271;
inline constexpr bool is_guest_l4_slot(unsigned slot) {
    return slot < kFirstXenSlot || slot > kLastXenSlot;
}

// A frame field of all ones: Xen's INVALID_MFN as a PTE would carry it.
inline constexpr uint64_t kInvalidFrameField = kAddrMask >> 12;

} // namespace arch::pvpt
