// Writable page tables (VMASST_TYPE_writable_pagetables): a PV guest kernel's direct write
// to one of its own L1 tables, which it sees read-only, is checked and carried out as
// an mmu_update of that entry would be, instead of being bounced as #PF.
#pragma once
#include "arch/traps.h"
#include "common/domain.h"
#include "public/xen.h"

namespace arch {

// The emulation proper (pv/ptwr.cpp): true if the write was carried out (the frame then
// points past the instruction); false leaves the fault, and cr2, as they were.
bool pv_ptwr_emulate(TrapFrame& frame, Vcpu& v);

// For every #PF from a PV guest: a cheap test first (a write to a present page, in guest
// kernel mode, with the assist on), the emulation only then. The initial domain gets it
// with the assist off too, as on Xen 4.17, whose read-only MMIO emulation is tried for
// every such fault of the hardware domain and falls back to the page-table write.
inline bool pv_ptwr_fault(TrapFrame& frame, Vcpu& v) {
    constexpr uint32_t kPfPresent = 1, kPfWrite = 2, kPfReserved = 8, kPfFetch = 16;
    constexpr uint32_t kRelevant = kPfPresent | kPfWrite | kPfReserved | kPfFetch;
    if ((frame.error_code & kRelevant) != (kPfPresent | kPfWrite) || !v.arch.in_kernel)
        return false;
    const Domain& d = *v.domain;
    if (!(d.vm_assist & (1ul << xen::VMASST_TYPE_writable_pagetables)) && !d.privileged)
        return false;
    return pv_ptwr_emulate(frame, v);
}

} // namespace arch
