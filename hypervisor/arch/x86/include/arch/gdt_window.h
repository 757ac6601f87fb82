// Each CPU's GDT is seen through a window of 16 page mappings at a fixed virtual address
// of its own. Pages 14-15 hold xenon's descriptors (from selector 0xe000 on, as in Xen);
// pages 0-13 belong to the running PV vCPU: the frames it gave with set_gdt, or blank.
// Switching vCPUs remaps those pages instead of copying descriptors.
#pragma once
#include <stdint.h>

#include "arch/percpu.h"

namespace arch {

constexpr unsigned kGuestGdtPages = 14;

// Maps this CPU's window onto its own GDT pages; returns the window's virtual address
// (what GDTR points at).
uint64_t* gdt_window_init(PerCpu& cpu);
// Shows a vCPU's GDT frames (machine frame numbers) in pages 0..count-1 and blank pages
// after them. count 0 restores the blank GDT.
void gdt_window_load_guest(const uint64_t* frames, unsigned count);

} // namespace arch
