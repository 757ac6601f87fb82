#include "arch/paging.h"

#include "arch/cpu.h"
#include "arch/layout.h"
#include "common/console.h"
#include "common/panic.h"

extern "C" uint64_t boot_pml4[512];

namespace arch {
namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kTable = kPtePresent | kPteWrite;
constinit uint64_t direct_map_end = 4 * kGiB; // head.S maps the first 4 GiB

uint64_t* table_at(uint64_t entry) { return static_cast<uint64_t*>(phys_to_virt(entry & kPteAddrMask)); }

uint64_t* next_table(uint64_t& entry, TablePageAllocator alloc) {
    if (!(entry & kPtePresent)) {
        uint64_t page = alloc();
        if (!page)
            fatal_boot_error("out of memory for the direct map's page tables");
        entry = page | kTable;
    }
    return table_at(entry);
}

// Maps one GiB of physical memory at its direct-map address.
void map_gib(uint64_t phys, bool use_1g_pages, TablePageAllocator alloc) {
    uint64_t va = DIRECTMAP_BASE + phys;
    uint64_t* pdpt = next_table(boot_pml4[(va >> 39) & 511], alloc);
    uint64_t& pdpte = pdpt[(va >> 30) & 511];
    if (pdpte & kPtePresent)
        return;
    if (use_1g_pages) {
        pdpte = phys | kTable | kPteLarge | kPteGlobal | kPteNx;
        return;
    }
    uint64_t* pd = next_table(pdpte, alloc);
    for (unsigned i = 0; i < 512; i++)
        pd[i] = (phys + (uint64_t(i) << 21)) | kTable | kPteLarge | kPteGlobal | kPteNx;
}

} // namespace

void paging_extend_direct_map(uint64_t end, TablePageAllocator alloc) {
    if (end > DIRECTMAP_END - DIRECTMAP_BASE) {
        log_warn("paging: RAM beyond %lu GiB is not mapped", (DIRECTMAP_END - DIRECTMAP_BASE) / kGiB);
        end = DIRECTMAP_END - DIRECTMAP_BASE;
    }
    bool use_1g = cpu_features().pdpe1gb;
    for (uint64_t phys = direct_map_end; phys < end; phys += kGiB)
        map_gib(phys, use_1g, alloc);
    if (end > direct_map_end) {
        direct_map_end = (end + kGiB - 1) & ~(kGiB - 1);
        flush_tlb_local();
    }
    log_info("paging: direct map covers %lu GiB with %s pages", direct_map_end / kGiB,
             use_1g ? "1 GiB" : "2 MiB");
}

void paging_drop_identity_map() {
    boot_pml4[0] = 0;
    flush_tlb_local();
}

void pv_install_xen_slots(uint64_t* l4) {
    // Slots 256..271: xenon's image, direct map and (later) the read-only M2P table.
    for (unsigned slot = 256; slot < 272; slot++)
        l4[slot] = boot_pml4[slot];
}

uint64_t paging_boot_root() { return virt_to_phys(boot_pml4); }
uint64_t paging_direct_map_end() { return direct_map_end; }

} // namespace arch
