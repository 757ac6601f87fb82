// The p2m of an HVM domain: guest-physical frame -> machine frame, as the nested page
// tables (AMD NPT, long-mode format) the CPU walks while the guest runs. Leaves are
// 4 KiB or 2 MiB; each carries its type in bits the hardware ignores. The p2m takes no
// page references for the domain's own RAM (its allocation reference keeps the frame);
// whoever removes an entry flushes the guest TLBs (hvm_flush_guest_tlbs) before the
// frame may go.
#pragma once
#include <stdint.h>

#include "lib/spinlock.h"

namespace hvm {

inline constexpr uint64_t kInvalidMfn = ~0ull;
// Guest-physical frames the p2m can hold: 48-bit guest physical addresses.
inline constexpr uint64_t kMaxGfn = (1ull << 36) - 1;

enum class P2mType : uint8_t {
    none = 0,     // not mapped
    ram = 1,      // the domain's RAM, read/write/execute
    xen_page = 2, // a hypervisor page shown to the domain (shared_info), read/write
};

struct P2m {
    lib::SpinLock lock;
    uint64_t root_pa = 0; // the top-level table: nCR3
    uint64_t table_pages = 0;
    uint64_t max_mapped_gfn = 0;
};

// 0, or -ENOMEM.
int p2m_init(P2m& p);
// Maps 2^order frames (order 0 or 9, gfn and mfn aligned to it) of type t from gfn;
// replaces what was there (a 2 MiB leaf in the way is split). mfn == kInvalidMfn removes.
// 0, -EINVAL for a bad gfn/order, -ENOMEM.
int p2m_set(P2m& p, uint64_t gfn, uint64_t mfn, unsigned order, P2mType t);
// The machine frame behind gfn (kInvalidMfn if none) and its type.
uint64_t p2m_lookup(P2m& p, uint64_t gfn, P2mType* type = nullptr);
// Frees the tables (not the frames they map).
void p2m_destroy(P2m& p);

} // namespace hvm
