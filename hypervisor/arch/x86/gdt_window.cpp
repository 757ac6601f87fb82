#include "arch/gdt_window.h"

#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "common/panic.h"

extern "C" uint64_t boot_pdpt_image[512];

namespace arch {
namespace {

// The windows live 1 GiB above the image's base (its own PDPT slot), 64 KiB per CPU:
// one page directory, and one page table per 32 CPUs.
constexpr uint64_t kWindowBase = XENON_VIRT_OFFSET + (1ull << 30);
constexpr unsigned kWindowPdptIndex = (kWindowBase >> 30) & 511;
constexpr uint64_t kWindowSize = GDT_PAGES * PAGE_SIZE;
constexpr unsigned kCpusPerTable = (2u << 20) / kWindowSize;
constexpr unsigned kTables = kMaxCpus / kCpusPerTable;
constexpr uint64_t kPte = kPtePresent | kPteWrite | kPteNx | (1 << 5) | (1 << 6); // +A+D

alignas(PAGE_SIZE) constinit uint64_t window_pd[512] = {};
alignas(PAGE_SIZE) constinit uint64_t window_pts[kTables][512] = {};

uint64_t* ptes_of(unsigned cpu) {
    return &window_pts[cpu / kCpusPerTable][(cpu % kCpusPerTable) * GDT_PAGES];
}

uint64_t* window_of(unsigned cpu) {
    return reinterpret_cast<uint64_t*>(kWindowBase + cpu * kWindowSize);
}

} // namespace

uint64_t* gdt_window_init(PerCpu& cpu) {
    static_assert(GDT_PAGES == 16 && kTables * kCpusPerTable == kMaxCpus);
    if (!(boot_pdpt_image[kWindowPdptIndex] & kPtePresent)) {
        // The boot CPU sets up the directory before any AP exists.
        for (unsigned t = 0; t < kTables; t++)
            window_pd[t] = virt_to_phys(window_pts[t]) | kPtePresent | kPteWrite;
        boot_pdpt_image[kWindowPdptIndex] = virt_to_phys(window_pd) | kPtePresent | kPteWrite;
        flush_tlb_local();
    }
    uint64_t* ptes = ptes_of(cpu.id);
    for (unsigned i = 0; i < GDT_PAGES; i++)
        ptes[i] = virt_to_phys(reinterpret_cast<uint8_t*>(cpu.gdt) + i * PAGE_SIZE) | kPte;
    uint64_t* window = window_of(cpu.id);
    for (unsigned i = 0; i < GDT_PAGES; i++)
        invlpg(reinterpret_cast<uint8_t*>(window) + i * PAGE_SIZE);
    return window;
}

void gdt_window_load_guest(const uint64_t* frames, unsigned count) {
    PerCpu& cpu = this_cpu();
    uint64_t* ptes = ptes_of(cpu.id);
    uint8_t* window = reinterpret_cast<uint8_t*>(window_of(cpu.id));
    for (unsigned i = 0; i < kGuestGdtPages; i++) {
        uint64_t pte = i < count ? (frames[i] << PAGE_SHIFT) | kPte
                                 : virt_to_phys(reinterpret_cast<uint8_t*>(cpu.gdt) + i * PAGE_SIZE) | kPte;
        if (ptes[i] != pte) {
            ptes[i] = pte;
            invlpg(window + i * PAGE_SIZE);
        }
    }
}

} // namespace arch
