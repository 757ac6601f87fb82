// Internal to HYPERVISOR_memory_op (memory_op*.cpp): the sub-ops that live in their own
// files, each returning Xen 4.17's answer for a 64-bit PV caller.
#pragma once
#include <stdint.h>

#include "common/domain.h"

namespace memop {

// Xen x86's largest extent orders: CONFIG_DOMU_MAX_ORDER for ordinary domains, the page
// allocator's MAX_ORDER for the control domain (which is also the hardware domain).
inline constexpr unsigned kDomUMaxOrder = 9;
inline constexpr unsigned kMaxOrder = 18;
inline unsigned max_order(const Domain& caller) {
    return caller.privileged ? kMaxOrder : kDomUMaxOrder;
}

// Xen's XSM_TARGET with the default policy: a domain may act on itself; the control
// domain on anyone.
inline bool may_target(const Domain& self, const Domain& target) {
    return &self == &target || self.privileged;
}

// XENMEM_increase_reservation, decrease_reservation, populate_physmap (op): the number
// of extents done, counting from start_extent.
long reservation(unsigned op, uint64_t start_extent, uint64_t arg, Domain& self);
// XENMEM_exchange.
long exchange(uint64_t arg, Domain& self);
// XENMEM_add_to_physmap, add_to_physmap_batch, remove_from_physmap: what Xen answers a
// PV domain (not translated: nothing to add to).
long add_to_physmap(uint64_t start_extent, uint64_t arg, Domain& self);
long add_to_physmap_batch(uint64_t start_extent, uint64_t arg, Domain& self);
long remove_from_physmap(uint64_t start_extent, uint64_t arg, Domain& self);
// XENMEM_set_memory_map (a domain's E820, from the toolstack) and XENMEM_memory_map
// (the caller's own).
long set_memory_map(uint64_t arg, Domain& self);
long memory_map(uint64_t arg, Domain& self);
// XENMEM_acquire_resource (control domain, of another domain's resource).
long acquire_resource(uint64_t start_extent, uint64_t arg, Domain& self);
// XENMEM_machphys_mfn_list / machphys_compat_mfn_list.
long machphys_mfn_list(uint64_t arg);
long machphys_compat_mfn_list(uint64_t arg);

} // namespace memop
