// The machine-to-physical table: one 8-byte entry per machine frame, the pseudo-physical
// frame number its owner gave it (MMU_MACHPHYS_UPDATE; the domain builder fills a new
// domain's). xenon writes it through the direct map; PV guests read it at
// MACH2PHYS_VIRT_START through a read-only, user-accessible mapping in L4 slot 256, which
// pv_install_xen_slots copies into every guest L4 (as Xen's RO_MPT).
#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/pv_mm.h"
#include "arch/pv_shadow.h"
#include "common/console.h"
#include "common/memory/buddy.h"
#include "common/memory/heap.h"
#include "common/panic.h"
#include "lib/string.h"
#include "mm.h"
#include "public/arch-x86.h"

extern "C" uint64_t boot_pml4[512];

namespace arch {
namespace {

constexpr unsigned kChunkOrder = 9; // 2 MiB: one superpage of the guests' mapping
constexpr uint64_t kChunkBytes = PAGE_SIZE << kChunkOrder;
constexpr uint64_t kChunkEntries = kChunkBytes / 8;
constexpr unsigned kSlot = (xen::MACH2PHYS_VIRT_START >> 39) & 511;
static_assert(kSlot == 256, "the read-only M2P is L4 slot 256");
// Guests read it and never write it, from ring 3.
constexpr uint64_t kUpper = kPtePresent | kPteUser | (1 << 5);           // P U A
constexpr uint64_t kLeaf = kPtePresent | kPteUser | (1 << 5) | kPteLarge; // P U A PS

constinit uint64_t** g_chunks = nullptr; // direct-map addresses
constinit uint64_t g_entries = 0;

uint64_t* table_of(uint64_t entry) { return static_cast<uint64_t*>(phys_to_virt(entry & kPteAddrMask)); }

} // namespace

void m2p_init() {
    uint64_t frames = memory::frame_table().frame_count();
    if (frames > xen::MACH2PHYS_NR_ENTRIES)
        frames = xen::MACH2PHYS_NR_ENTRIES;
    uint64_t chunks = (frames + kChunkEntries - 1) / kChunkEntries;
    g_chunks = static_cast<uint64_t**>(xzalloc(chunks * sizeof(uint64_t*)));
    if (!g_chunks)
        fatal_boot_error("out of memory for the M2P table");
    uint64_t nx = cpu_features().nx ? kPteNx : 0;
    uint64_t* l3 = static_cast<uint64_t*>(memory::alloc_zeroed_page());
    if (!l3)
        fatal_boot_error("out of memory for the M2P table");
    for (uint64_t i = 0; i < chunks; i++) {
        void* chunk = memory::alloc_pages(kChunkOrder);
        if (!chunk)
            fatal_boot_error("out of memory for the M2P table (%lu MiB)", chunks * 2);
        memset(chunk, 0xff, kChunkBytes); // INVALID_M2P_ENTRY everywhere
        g_chunks[i] = static_cast<uint64_t*>(chunk);
        uint64_t va = xen::MACH2PHYS_VIRT_START + i * kChunkBytes;
        uint64_t& l3e = l3[(va >> 30) & 511];
        if (!(l3e & kPtePresent)) {
            void* l2 = memory::alloc_zeroed_page();
            if (!l2)
                fatal_boot_error("out of memory for the M2P table");
            l3e = virt_to_phys(l2) | kUpper;
        }
        table_of(l3e)[(va >> 21) & 511] = virt_to_phys(chunk) | kLeaf | nx;
    }
    g_entries = frames;
    __atomic_store_n(&boot_pml4[kSlot], virt_to_phys(l3) | kUpper, __ATOMIC_RELEASE);
    log_info("pv: M2P table: %lu entries, %lu MiB, read-only at %#lx", frames,
             chunks * kChunkBytes >> 20, xen::MACH2PHYS_VIRT_START);
}

void m2p_set(uint64_t mfn, uint64_t pfn) {
    if (mfn < g_entries)
        __atomic_store_n(&g_chunks[mfn / kChunkEntries][mfn % kChunkEntries], pfn,
                         __ATOMIC_RELAXED);
}

uint64_t m2p_get(uint64_t mfn) {
    if (mfn >= g_entries)
        return ~uint64_t(0);
    return __atomic_load_n(&g_chunks[mfn / kChunkEntries][mfn % kChunkEntries],
                           __ATOMIC_RELAXED);
}

uint64_t m2p_entries() { return g_entries; }

uint64_t m2p_mapped_end() {
    uint64_t bytes = (g_entries * 8 + kChunkBytes - 1) & ~(kChunkBytes - 1);
    return xen::MACH2PHYS_VIRT_START + bytes;
}

uint64_t m2p_chunk_count() { return (g_entries + kChunkEntries - 1) / kChunkEntries; }

uint64_t m2p_chunk_mfn(uint64_t i) {
    ASSERT(i < m2p_chunk_count());
    return virt_to_phys(g_chunks[i]) >> PAGE_SHIFT;
}

void m2p_fill_slot(uint64_t l4_mfn) {
    auto* l4 = static_cast<uint64_t*>(phys_to_virt(l4_mfn << PAGE_SHIFT));
    uint64_t expected = 0;
    __atomic_compare_exchange_n(&l4[kSlot], &expected, boot_pml4[kSlot], false,
                                __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
    pv_shadow_copy_slot(l4_mfn, kSlot);
}

void m2p_zap_slot(uint64_t l4_mfn) {
    auto* l4 = static_cast<uint64_t*>(phys_to_virt(l4_mfn << PAGE_SHIFT));
    __atomic_store_n(&l4[kSlot], 0, __ATOMIC_RELEASE);
    pv_shadow_copy_slot(l4_mfn, kSlot);
}

} // namespace arch
