// HYPERVISOR_memory_op(cmd, arg): a domain's memory reservation, its physical map and
// memory-map queries. The low MEMOP_EXTENT_SHIFT bits of cmd are the sub-op; Xen uses the
// bits above for the start extent when it continues a preempted call, so a guest must
// pass them as zero.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/physdev.h"
#include "public/xen.h"

namespace xen {

inline constexpr unsigned MEMOP_EXTENT_SHIFT = 6;
inline constexpr unsigned MEMOP_CMD_MASK = (1u << MEMOP_EXTENT_SHIFT) - 1;

inline constexpr unsigned XENMEM_increase_reservation = 0; // xen_memory_reservation
inline constexpr unsigned XENMEM_decrease_reservation = 1; // xen_memory_reservation
inline constexpr unsigned XENMEM_maximum_ram_page = 2;     // arg unused: highest RAM mfn
inline constexpr unsigned XENMEM_current_reservation = 3;  // domid_t: pages held
inline constexpr unsigned XENMEM_maximum_reservation = 4;  // domid_t: page limit
inline constexpr unsigned XENMEM_machphys_mfn_list = 5;    // xen_machphys_mfn_list
inline constexpr unsigned XENMEM_populate_physmap = 6;     // xen_memory_reservation
inline constexpr unsigned XENMEM_add_to_physmap = 7;       // xen_add_to_physmap
// 8 (translate_gpfn_list) was removed.
inline constexpr unsigned XENMEM_memory_map = 9;                // xen_memory_map: own e820
inline constexpr unsigned XENMEM_machine_memory_map = 10;       // xen_memory_map: host e820 (dom0)
inline constexpr unsigned XENMEM_exchange = 11;                 // xen_memory_exchange
inline constexpr unsigned XENMEM_machphys_mapping = 12;         // xen_machphys_mapping
inline constexpr unsigned XENMEM_set_memory_map = 13;           // xen_foreign_memory_map (tools)
inline constexpr unsigned XENMEM_maximum_gpfn = 14;             // domid_t: highest gpfn
inline constexpr unsigned XENMEM_remove_from_physmap = 15;      // xen_remove_from_physmap
inline constexpr unsigned XENMEM_set_pod_target = 16;           // xen_pod_target (tools)
inline constexpr unsigned XENMEM_get_pod_target = 17;           // xen_pod_target (tools)
inline constexpr unsigned XENMEM_get_sharing_freed_pages = 18;  // tools
inline constexpr unsigned XENMEM_get_sharing_shared_pages = 19; // tools
inline constexpr unsigned XENMEM_paging_op = 20;                // tools
inline constexpr unsigned XENMEM_access_op = 21;                // tools
inline constexpr unsigned XENMEM_sharing_op = 22;               // tools
inline constexpr unsigned XENMEM_add_to_physmap_batch = 23;     // xen_add_to_physmap_batch
inline constexpr unsigned XENMEM_claim_pages = 24;              // xen_memory_reservation (tools)
inline constexpr unsigned XENMEM_machphys_compat_mfn_list = 25; // 32-bit guests' m2p
inline constexpr unsigned XENMEM_get_vnumainfo = 26;            // xen_vnuma_topology_info
inline constexpr unsigned XENMEM_reserved_device_memory_map = 27; // tools
inline constexpr unsigned XENMEM_acquire_resource = 28;           // xen_mem_acquire_resource

// mem_flags of xen_memory_reservation: the low byte limits the address width of the
// frames handed out (0: no limit); bits 8-15 hold a NUMA node plus one.
constexpr uint32_t XENMEMF_address_bits(uint32_t bits) {
    return bits;
}
constexpr uint32_t XENMEMF_get_address_bits(uint32_t flags) {
    return flags & 0xffu;
}
constexpr uint32_t XENMEMF_node(uint32_t node) {
    return (node + 1) << 8;
}
constexpr uint32_t XENMEMF_get_node(uint32_t flags) {
    return ((flags >> 8) - 1) & 0xffu;
}
inline constexpr uint32_t XENMEMF_populate_on_demand = 1u << 16;
inline constexpr uint32_t XENMEMF_exact_node_request = 1u << 17;
constexpr uint32_t XENMEMF_exact_node(uint32_t node) {
    return XENMEMF_node(node) | XENMEMF_exact_node_request;
}
inline constexpr uint32_t XENMEMF_vnode = 1u << 18; // the node is a virtual node

// increase/decrease_reservation, populate_physmap, claim_pages. The call returns the
// number of extents done.
struct xen_memory_reservation {
    // increase: out, mfns allocated; decrease: in, gmfns to free; populate: in, gpfns
    // to fill, out, gmfns filled. Null for claim_pages.
    guest_handle<xen_pfn_t> extent_start;
    xen_ulong_t nr_extents;
    uint32_t extent_order; // each extent is 2^extent_order pages
    uint32_t mem_flags;    // XENMEMF_*
    domid_t domid;         // DOMID_SELF unless privileged
};
static_assert(sizeof(xen_memory_reservation) == 32);
static_assert(offsetof(xen_memory_reservation, nr_extents) == 8 &&
              offsetof(xen_memory_reservation, extent_order) == 16 &&
              offsetof(xen_memory_reservation, mem_flags) == 20 &&
              offsetof(xen_memory_reservation, domid) == 24);

// XENMEM_exchange: trade the extents in `in` for fresh ones described by `out` (same
// domain, same total size). nr_exchanged must be zero on entry and counts completed
// input extents.
struct xen_memory_exchange {
    xen_memory_reservation in;
    xen_memory_reservation out;
    xen_ulong_t nr_exchanged;
};
static_assert(sizeof(xen_memory_exchange) == 72);
static_assert(offsetof(xen_memory_exchange, out) == 32 &&
              offsetof(xen_memory_exchange, nr_exchanged) == 64);

// Argument of the queries that name only a domain.
struct xen_memory_domain {
    domid_t domid;
};
static_assert(sizeof(xen_memory_domain) == 2);

// XENMEM_machphys_mfn_list: the mfns backing the m2p table, one per 2 MiB.
struct xen_machphys_mfn_list {
    uint32_t max_extents;
    guest_handle<xen_pfn_t> extent_start;
    uint32_t nr_extents; // out
};
static_assert(sizeof(xen_machphys_mfn_list) == 24);
static_assert(offsetof(xen_machphys_mfn_list, extent_start) == 8 &&
              offsetof(xen_machphys_mfn_list, nr_extents) == 16);

// XENMEM_machphys_mapping: where the read-only m2p table is mapped.
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;
    xen_ulong_t max_mfn; // highest mfn it covers
};
static_assert(sizeof(xen_machphys_mapping) == 24);
static_assert(offsetof(xen_machphys_mapping, v_end) == 8 &&
              offsetof(xen_machphys_mapping, max_mfn) == 16);

// The space an add_to_physmap index is taken from.
inline constexpr unsigned XENMAPSPACE_shared_info = 0;  // the shared_info page
inline constexpr unsigned XENMAPSPACE_grant_table = 1;  // a grant-table frame
inline constexpr unsigned XENMAPSPACE_gmfn = 2;         // another gmfn of the domain
inline constexpr unsigned XENMAPSPACE_gmfn_range = 3;   // `size` gmfns (add_to_physmap only)
inline constexpr unsigned XENMAPSPACE_gmfn_foreign = 4; // a foreign domain's gmfn (batch only)
inline constexpr unsigned XENMAPSPACE_dev_mmio = 5;     // device MMIO (Arm only)
// With XENMAPSPACE_grant_table, this bit in idx selects the v2 status frames.
inline constexpr uint64_t XENMAPIDX_grant_table_status = 0x80000000u;

// XENMEM_add_to_physmap: make a page appear at gpfn (auto-translated guests).
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;  // for XENMAPSPACE_gmfn_range
    uint32_t space; // XENMAPSPACE_*
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
static_assert(sizeof(xen_add_to_physmap) == 24);
static_assert(offsetof(xen_add_to_physmap, size) == 2 && offsetof(xen_add_to_physmap, space) == 4 &&
              offsetof(xen_add_to_physmap, idx) == 8 && offsetof(xen_add_to_physmap, gpfn) == 16);

// XENMEM_add_to_physmap_batch.
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space; // XENMAPSPACE_*
    uint16_t size;  // entries in idxs, gpfns and errs
    union {
        domid_t foreign_domid; // XENMAPSPACE_gmfn_foreign
        uint16_t res0;         // zero for other spaces
    } u;
    guest_handle<xen_ulong_t> idxs;
    guest_handle<xen_pfn_t> gpfns;
    guest_handle<int> errs; // out: per-entry error
};
static_assert(sizeof(xen_add_to_physmap_batch) == 32);
static_assert(offsetof(xen_add_to_physmap_batch, size) == 4 &&
              offsetof(xen_add_to_physmap_batch, u) == 6 &&
              offsetof(xen_add_to_physmap_batch, idxs) == 8 &&
              offsetof(xen_add_to_physmap_batch, gpfns) == 16 &&
              offsetof(xen_add_to_physmap_batch, errs) == 24);

// XENMEM_remove_from_physmap.
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
static_assert(sizeof(xen_remove_from_physmap) == 16 &&
              offsetof(xen_remove_from_physmap, gpfn) == 8);

// XENMEM_memory_map / machine_memory_map: nr_entries is the buffer's capacity in, the
// number written out; buffer holds e820entry records.
struct xen_memory_map {
    uint32_t nr_entries;
    guest_handle<void> buffer;
};
static_assert(sizeof(xen_memory_map) == 16 && offsetof(xen_memory_map, buffer) == 8);

// XENMEM_set_memory_map (tools): a domain's e820.
struct xen_foreign_memory_map {
    domid_t domid;
    xen_memory_map map;
};
static_assert(sizeof(xen_foreign_memory_map) == 24 && offsetof(xen_foreign_memory_map, map) == 8);

// The BIOS E820 record the memory-map buffers hold: packed, 20 bytes.
inline constexpr uint32_t E820_RAM = 1;
inline constexpr uint32_t E820_RESERVED = 2;
inline constexpr uint32_t E820_ACPI = 3;
inline constexpr uint32_t E820_NVS = 4;
inline constexpr uint32_t E820_UNUSABLE = 5;

struct [[gnu::packed]] e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type; // E820_*
};
static_assert(sizeof(e820entry) == 20 && offsetof(e820entry, size) == 8 &&
              offsetof(e820entry, type) == 16);

// XENMEM_set_pod_target / get_pod_target (tools).
struct xen_pod_target {
    uint64_t target_pages;    // in
    uint64_t tot_pages;       // out
    uint64_t pod_cache_pages; // out
    uint64_t pod_entries;     // out
    domid_t domid;            // in
};
static_assert(sizeof(xen_pod_target) == 40 && offsetof(xen_pod_target, domid) == 32);

// XENMEM_reserved_device_memory_map (tools).
inline constexpr uint32_t XENMEM_RDM_ALL = 1; // every region, ignoring dev

struct xen_reserved_device_memory {
    xen_pfn_t start_pfn;
    xen_ulong_t nr_pages;
};
static_assert(sizeof(xen_reserved_device_memory) == 16);

struct xen_reserved_device_memory_map {
    uint32_t flags;      // XENMEM_RDM_*
    uint32_t nr_entries; // capacity in, needed or written out (-ERANGE when too small)
    guest_handle<xen_reserved_device_memory> buffer;
    union {
        physdev_pci_device pci;
    } dev;
};
static_assert(sizeof(xen_reserved_device_memory_map) == 24);
static_assert(offsetof(xen_reserved_device_memory_map, nr_entries) == 4 &&
              offsetof(xen_reserved_device_memory_map, buffer) == 8 &&
              offsetof(xen_reserved_device_memory_map, dev) == 16);

// XENMEM_acquire_resource: map frames of a resource that belongs to domid (an ioreq
// server's pages, a grant table, a vmtrace buffer). nr_frames == 0 with a null
// frame_list asks for the resource's size.
inline constexpr uint16_t XENMEM_resource_ioreq_server = 0;
inline constexpr uint16_t XENMEM_resource_grant_table = 1;
inline constexpr uint16_t XENMEM_resource_vmtrace_buf = 2;
inline constexpr uint32_t XENMEM_resource_grant_table_id_shared = 0;
inline constexpr uint32_t XENMEM_resource_grant_table_id_status = 1;
inline constexpr uint64_t XENMEM_resource_ioreq_server_frame_bufioreq = 0;
constexpr uint64_t XENMEM_resource_ioreq_server_frame_ioreq(uint64_t n) {
    return 1 + n;
}

struct xen_mem_acquire_resource {
    domid_t domid;
    uint16_t type; // XENMEM_resource_*
    uint32_t id;   // type-specific; zero unless stated
    uint32_t nr_frames;
    uint32_t pad;                       // zero
    uint64_t frame;                     // first frame of the resource
    guest_handle<xen_pfn_t> frame_list; // PV caller: out, mfns; HVM caller: in, gfns
};
static_assert(sizeof(xen_mem_acquire_resource) == 32);
static_assert(offsetof(xen_mem_acquire_resource, type) == 2 &&
              offsetof(xen_mem_acquire_resource, id) == 4 &&
              offsetof(xen_mem_acquire_resource, nr_frames) == 8 &&
              offsetof(xen_mem_acquire_resource, frame) == 16 &&
              offsetof(xen_mem_acquire_resource, frame_list) == 24);

// XENMEM_get_vnumainfo.
struct xen_vmemrange {
    uint64_t start, end;
    uint32_t flags;
    uint32_t nid;
};
static_assert(sizeof(xen_vmemrange) == 24 && offsetof(xen_vmemrange, nid) == 20);

struct xen_vnuma_topology_info {
    domid_t domid;
    uint16_t pad;
    uint32_t nr_vnodes;     // capacity in, count out
    uint32_t nr_vcpus;      // capacity in, count out
    uint32_t nr_vmemranges; // capacity in, count out
    union {
        guest_handle<uint32_t> h; // nr_vnodes * nr_vnodes distances
        uint64_t pad;
    } vdistance;
    union {
        guest_handle<uint32_t> h; // node of each vCPU
        uint64_t pad;
    } vcpu_to_vnode;
    union {
        guest_handle<xen_vmemrange> h;
        uint64_t pad;
    } vmemrange;
};
static_assert(sizeof(xen_vnuma_topology_info) == 40);
static_assert(offsetof(xen_vnuma_topology_info, nr_vnodes) == 4 &&
              offsetof(xen_vnuma_topology_info, nr_vmemranges) == 12 &&
              offsetof(xen_vnuma_topology_info, vdistance) == 16 &&
              offsetof(xen_vnuma_topology_info, vcpu_to_vnode) == 24 &&
              offsetof(xen_vnuma_topology_info, vmemrange) == 32);

} // namespace xen
