// HYPERVISOR_hvm_op(cmd, arg): operations for and on HVM/PVH domains. Sub-op numbers,
// and the structures a PVH or HVM guest itself uses; toolstack/device-model operations
// moved to dm_op long ago.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

inline constexpr unsigned HVMOP_set_param = 0; // xen_hvm_param
inline constexpr unsigned HVMOP_get_param = 1; // xen_hvm_param
// 2-4 (set_pci_intx_level, set_isa_irq_level, set_pci_link_route) moved to dm_op.
inline constexpr unsigned HVMOP_flush_tlbs = 5;      // arg must be null
inline constexpr unsigned HVMOP_pagetable_dying = 9; // xen_hvm_pagetable_dying
inline constexpr unsigned HVMOP_get_time = 10;       // xen_hvm_get_time
inline constexpr unsigned HVMOP_xentrace = 11;       // trace record from the guest
inline constexpr unsigned HVMOP_set_mem_access = 12; // tools, superseded by XENMEM_access_op
inline constexpr unsigned HVMOP_get_mem_access = 13; // tools, superseded by XENMEM_access_op
inline constexpr unsigned HVMOP_get_mem_type = 15;   // xen_hvm_get_mem_type
inline constexpr unsigned HVMOP_set_evtchn_upcall_vector = 23; // xen_hvm_evtchn_upcall_vector
inline constexpr unsigned HVMOP_guest_request_vm_event = 24;
inline constexpr unsigned HVMOP_altp2m = 25; // alternate p2m views (own sub-ops)

struct xen_hvm_param {
    domid_t domid; // DOMID_SELF or, for the toolstack, another domain
    uint16_t pad;
    uint32_t index; // HVM_PARAM_*
    uint64_t value;
};
static_assert(sizeof(xen_hvm_param) == 16);
static_assert(offsetof(xen_hvm_param, index) == 4 && offsetof(xen_hvm_param, value) == 8);

// A guest's hint that a top-level page table at gpa is going away (shadow paging).
struct xen_hvm_pagetable_dying {
    domid_t domid;
    uint16_t pad[3];
    uint64_t gpa;
};
static_assert(sizeof(xen_hvm_pagetable_dying) == 16 && offsetof(xen_hvm_pagetable_dying, gpa) == 8);

struct xen_hvm_get_time {
    uint64_t now; // ns since boot
};
static_assert(sizeof(xen_hvm_get_time) == 8);

// Memory types HVMOP_get_mem_type reports.
inline constexpr uint16_t HVMMEM_ram_rw = 0;
inline constexpr uint16_t HVMMEM_ram_ro = 1;
inline constexpr uint16_t HVMMEM_mmio_dm = 2;
inline constexpr uint16_t HVMMEM_unused = 3;
inline constexpr uint16_t HVMMEM_ioreq_server = 4;

struct xen_hvm_get_mem_type {
    domid_t domid;
    uint16_t mem_type; // out: HVMMEM_*
    uint16_t pad[2];
    uint64_t pfn;
};
static_assert(sizeof(xen_hvm_get_mem_type) == 16 && offsetof(xen_hvm_get_mem_type, pfn) == 8);

// Per-vCPU upcall vector for event channels (x86 HVM/PVH).
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};
static_assert(sizeof(xen_hvm_evtchn_upcall_vector) == 8 &&
              offsetof(xen_hvm_evtchn_upcall_vector, vector) == 4);

} // namespace xen
