// Internal to the PV MMU's hypercalls (arch/x86/pv/mm_*.cpp).
#pragma once
#include <stdint.h>

#include "common/domain.h"
#include "common/memory/page_info.h"
#include "public/xen.h"

namespace arch {

// Xen's MMU_UPDATE_PREEMPTED: the top bit of a count marks a continuation.
inline constexpr unsigned kMmuUpdatePreempted = 0x80000000u;

// The domain with this id, or nullptr.
Domain* pv_find_domain(memory::DomId id);

// The owner of the pages a request names (Xen's get_pg_owner): the caller, another
// domain, or DOMID_IO (I/O memory, no domain behind it).
struct PgOwner {
    memory::DomId id;
    Domain* domain; // nullptr for DOMID_IO and DOMID_XEN
};
// false where Xen's get_pg_owner gives NULL (-ESRCH): the caller naming itself by its
// own id, an unknown domain. DOMID_IO and DOMID_XEN are owners without a domain.
// Another domain is found only for an unprivileged caller, whom the permission check
// then refuses (-EPERM, as Xen). A privileged caller acting on another domain's memory
// (foreign mappings, building a domain's tables) is not supported yet: -ESRCH.
bool pv_get_pg_owner(Domain& self, uint16_t domid, PgOwner* out);
// The same for the page tables' owner (mmu_update's foreigndom >> 16, minus one).
Domain* pv_get_pt_owner(Domain& self, uint16_t domid);

// Xen's XSM_TARGET default: the caller may act on `target` (itself, or it is privileged).
inline bool pv_may_target(const Domain& self, const Domain* target) {
    return target == &self || self.privileged;
}

// Xen's guest_handle_okay: the count must not overflow and the first byte must be guest
// address space (the rest is checked by each copy).
inline bool pv_handle_okay(uint64_t va, uint64_t count, uint64_t size) {
    if (count >= ~uint64_t(0) / size)
        return false;
    return va < (uint64_t(1) << 47) || va >= xen::HYPERVISOR_VIRT_END;
}
// Xen's __addr_ok for a linear address a guest names.
inline bool pv_addr_ok(uint64_t va) {
    return va < (uint64_t(1) << 47) || va >= xen::HYPERVISOR_VIRT_END;
}
inline bool pv_canonical(uint64_t va) {
    return static_cast<uint64_t>(static_cast<int64_t>(va << 16) >> 16) == va;
}

// The frame of the L1 table that maps linear address va in v's kernel page tables (the
// L4 and L3 entries present, the L2 entry present and not a superpage), or false. The
// tables walked are validated ones; a caller that writes the L1 found must check it again
// under its lock (another vCPU may change the tables meanwhile).
bool pv_guest_l1(const Vcpu& v, uint64_t va, uint64_t* l1_mfn);

// Reads the vCPU bitmap of a *_MULTI flush (Xen's vcpumask_to_pcpumask); -EFAULT if it
// cannot be read. *others: a vCPU named runs (or last ran) on another CPU.
int pv_read_vcpumask(Domain& d, uint64_t bitmap_va, bool* any, bool* others);
// Flushes this CPU, and all others when `others`.
void pv_flush_tlb_cpus(bool others);
void pv_invlpg_cpus(uint64_t va, bool others);

// M2P internals (mm_m2p.cpp).
void m2p_init();
// Puts slot 256 (the read-only M2P) into an L4 if it is empty / removes it
// (VMASST_TYPE_m2p_strict for user page tables).
void m2p_fill_slot(uint64_t l4_mfn);
void m2p_zap_slot(uint64_t l4_mfn);

// Shadow page tables' hooks into the page-type code (shadow.cpp; memory::PageTableEnv).
void shadow_hook_validated(memory::PageInfo* pg, memory::PageType type);
void shadow_hook_devalidate(memory::PageInfo* pg, memory::PageType type);
uint64_t shadow_hook_entry(memory::PageInfo* table, unsigned index);
void shadow_hook_frame_written(memory::PageInfo* pg);

} // namespace arch
