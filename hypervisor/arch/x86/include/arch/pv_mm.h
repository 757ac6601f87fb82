// The PV MMU on x86: the hypervisor's side of the page-type system (common/memory/
// page_type.h), the machine-to-physical (M2P) table, and TLB maintenance for PV domains.
// The hypercalls themselves (mmu_update, update_va_mapping, mmuext_op) are in
// arch/x86/pv/mm_*.cpp.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "common/memory/machine_map.h"

struct Domain;
struct Vcpu;

namespace arch {

// The machine frames outside RAM that the initial domain may not map, as Xen 4.17's
// dom0_setup_permissions denies them: each IOAPIC's page (from the MADT), the local
// APIC's page and the MSI range 0xfee00000-0xfeefffff. Sorted, disjoint, merged; at most
// `cap` of them written, the number returned.
size_t dom0_denied_frames(memory::FrameRange* out, size_t cap);
// One past the highest frame the CPU's physical address width reaches.
uint64_t phys_frame_limit();

// Installs the page-type environment and builds the M2P table with its read-only
// mapping at MACH2PHYS_VIRT_START (in the hypervisor's L4 slot 256, which every guest L4
// receives). Once, before the first PV domain is built; later calls do nothing.
void pv_mm_init();

// Takes over a freshly built PV domain's memory as Xen's builder leaves it: every frame
// in p2m[0..nr_pages) gets its allocation reference and its M2P entry, shared_info is
// shared with the domain, and the initial page tables are validated from the L4 at l4_mfn
// down, pinned, and made vCPU 0's kernel base pointer. 0, or the validation's error.
int pv_mm_adopt_domain(Domain& d, const uint64_t* p2m, uint64_t nr_pages, uint64_t l4_mfn);

// Domain teardown (Xen's vcpu_destroy_pagetables): v's kernel and user base pointers
// give up the references they hold on their L4s. v must be off every CPU for good.
void pv_mm_drop_baseptrs(Vcpu& v);

// The M2P table: machine frame -> the pseudo-physical frame its owner gave it. Frames
// without an entry read as ~0 (Xen's INVALID_M2P_ENTRY).
void m2p_set(uint64_t mfn, uint64_t pfn);
uint64_t m2p_get(uint64_t mfn);
// How many entries the table has (machine frames it covers), and where its read-only
// mapping for guests ends (MACH2PHYS_VIRT_START + entries * 8, rounded up to 2 MiB).
uint64_t m2p_entries();
uint64_t m2p_mapped_end();
// The table is made of 2 MiB machine-contiguous chunks (XENMEM_machphys_mfn_list reports
// each one's first frame): how many, and chunk i's first frame.
uint64_t m2p_chunk_count();
uint64_t m2p_chunk_mfn(uint64_t i);

// Flushes every TLB that may hold d's translations: this CPU's, and the others' when
// one of them has ever loaded d's page tables.
void pv_flush_tlb_domain(Domain& d);
// This CPU is about to load d's page tables: from now on d's flushes must reach it.
void pv_mm_cpu_enter(Domain& d);
// Flushes all of this CPU's TLB entries (global ones included).
void pv_flush_tlb_local();

} // namespace arch
