// HYPERVISOR_grant_table_op(cmd, args, count): grant tables. A domain grants another
// domain access to one of its frames by filling an entry of its grant table (shared with
// Xen); the grantee then maps, copies or receives the frame by (domain, grant ref).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

using grant_ref_t = uint32_t;
using grant_handle_t = uint32_t;
using grant_status_t = uint16_t; // v2 status-frame entry

// Version 1 entry: 8 bytes, in the granting domain's table.
struct grant_entry_v1 {
    uint16_t flags; // GTF_*: type and status, written by both sides
    domid_t domid;  // the grantee
    uint32_t frame; // the frame granted or to be transferred into (mfn on completion)
};
static_assert(sizeof(grant_entry_v1) == 8);
static_assert(offsetof(grant_entry_v1, domid) == 2 && offsetof(grant_entry_v1, frame) == 4);

// Entries the toolstack fills before the guest boots.
inline constexpr unsigned GNTTAB_NR_RESERVED_ENTRIES = 8;
inline constexpr unsigned GNTTAB_RESERVED_CONSOLE = 0;
inline constexpr unsigned GNTTAB_RESERVED_XENSTORE = 1;

// Entry type, in flags[1:0].
inline constexpr uint16_t GTF_invalid = 0;
inline constexpr uint16_t GTF_permit_access = 1;   // grantee may map/copy the frame
inline constexpr uint16_t GTF_accept_transfer = 2; // grantee may transfer a frame in
inline constexpr uint16_t GTF_transitive = 3;      // v2: re-grant of another grant
inline constexpr uint16_t GTF_type_mask = 3;
// Sub-flags of GTF_permit_access.
inline constexpr unsigned GTF_readonly_bit = 2;
inline constexpr uint16_t GTF_readonly = 1u << 2; // grantee may only read
inline constexpr unsigned GTF_reading_bit = 3;
inline constexpr uint16_t GTF_reading = 1u << 3; // set by Xen while mapped/read
inline constexpr unsigned GTF_writing_bit = 4;
inline constexpr uint16_t GTF_writing = 1u << 4; // set by Xen while mapped writable
inline constexpr unsigned GTF_PWT_bit = 5;
inline constexpr uint16_t GTF_PWT = 1u << 5; // cache attributes of the mapping
inline constexpr unsigned GTF_PCD_bit = 6;
inline constexpr uint16_t GTF_PCD = 1u << 6;
inline constexpr unsigned GTF_PAT_bit = 7;
inline constexpr uint16_t GTF_PAT = 1u << 7;
inline constexpr unsigned GTF_sub_page_bit = 8;
inline constexpr uint16_t GTF_sub_page = 1u << 8; // v2: only part of the page
// Sub-flags of GTF_accept_transfer.
inline constexpr unsigned GTF_transfer_committed_bit = 2;
inline constexpr uint16_t GTF_transfer_committed = 1u << 2;
inline constexpr unsigned GTF_transfer_completed_bit = 3;
inline constexpr uint16_t GTF_transfer_completed = 1u << 3;

// Version 2 entries: 16 bytes, status kept apart in grant_status_t frames.
struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
static_assert(sizeof(grant_entry_header) == 4);

union grant_entry_v2 {
    grant_entry_header hdr;
    struct {
        grant_entry_header hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        grant_entry_header hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        grant_entry_header hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t spacer[4];
};
static_assert(sizeof(grant_entry_v2) == 16);
static_assert(offsetof(grant_entry_v2, full_page.frame) == 8 &&
              offsetof(grant_entry_v2, sub_page.page_off) == 4 &&
              offsetof(grant_entry_v2, sub_page.length) == 6 &&
              offsetof(grant_entry_v2, transitive.trans_domid) == 4 &&
              offsetof(grant_entry_v2, transitive.gref) == 8);

inline constexpr unsigned GNTTABOP_map_grant_ref = 0;     // gnttab_map_grant_ref[]
inline constexpr unsigned GNTTABOP_unmap_grant_ref = 1;   // gnttab_unmap_grant_ref[]
inline constexpr unsigned GNTTABOP_setup_table = 2;       // gnttab_setup_table
inline constexpr unsigned GNTTABOP_dump_table = 3;        // gnttab_dump_table
inline constexpr unsigned GNTTABOP_transfer = 4;          // gnttab_transfer[]
inline constexpr unsigned GNTTABOP_copy = 5;              // gnttab_copy[]
inline constexpr unsigned GNTTABOP_query_size = 6;        // gnttab_query_size
inline constexpr unsigned GNTTABOP_unmap_and_replace = 7; // gnttab_unmap_and_replace[]
inline constexpr unsigned GNTTABOP_set_version = 8;       // gnttab_set_version
inline constexpr unsigned GNTTABOP_get_status_frames = 9; // gnttab_get_status_frames
inline constexpr unsigned GNTTABOP_get_version = 10;      // gnttab_get_version
inline constexpr unsigned GNTTABOP_swap_grant_ref = 11;   // gnttab_swap_grant_ref[]
inline constexpr unsigned GNTTABOP_cache_flush = 12;      // gnttab_cache_flush[] (Arm)

// GNTMAP_* flags of map/unmap.
inline constexpr unsigned GNTMAP_device_map_bit = 0;
inline constexpr uint32_t GNTMAP_device_map = 1u << 0; // map for device (IOMMU) access
inline constexpr unsigned GNTMAP_host_map_bit = 1;
inline constexpr uint32_t GNTMAP_host_map = 1u << 1; // map for CPU access
inline constexpr unsigned GNTMAP_readonly_bit = 2;
inline constexpr uint32_t GNTMAP_readonly = 1u << 2;
inline constexpr unsigned GNTMAP_application_map_bit = 3;
inline constexpr uint32_t GNTMAP_application_map = 1u << 3; // user-accessible mapping
inline constexpr unsigned GNTMAP_contains_pte_bit = 4;
inline constexpr uint32_t GNTMAP_contains_pte = 1u << 4; // host_addr is a PTE's machine address
// Bits the guest may have copied into the new PTE's available bits (with
// XENFEAT_gnttab_map_avail_bits).
inline constexpr unsigned GNTMAP_guest_avail0 = 16;
inline constexpr uint32_t GNTMAP_guest_avail_mask = ~0u << GNTMAP_guest_avail0;

// Per-operation status codes (the hypercall itself returns 0 or -errno).
inline constexpr int16_t GNTST_okay = 0;
inline constexpr int16_t GNTST_general_error = -1;
inline constexpr int16_t GNTST_bad_domain = -2;
inline constexpr int16_t GNTST_bad_gntref = -3;
inline constexpr int16_t GNTST_bad_handle = -4;
inline constexpr int16_t GNTST_bad_virt_addr = -5;
inline constexpr int16_t GNTST_bad_dev_addr = -6;
inline constexpr int16_t GNTST_no_device_space = -7;
inline constexpr int16_t GNTST_permission_denied = -8;
inline constexpr int16_t GNTST_bad_page = -9;
inline constexpr int16_t GNTST_bad_copy_arg = -10; // copy crosses a page boundary
inline constexpr int16_t GNTST_address_too_big = -11;
inline constexpr int16_t GNTST_eagain = -12;
inline constexpr int16_t GNTST_no_space = -13; // out of maptrack handles etc.

// GNTTABOP_map_grant_ref: map grant `ref` of domain `dom` at host_addr.
struct gnttab_map_grant_ref {
    uint64_t host_addr;    // in: virtual address, or PTE address with GNTMAP_contains_pte
    uint32_t flags;        // in: GNTMAP_*
    grant_ref_t ref;       // in
    domid_t dom;           // in
    int16_t status;        // out: GNTST_*
    grant_handle_t handle; // out
    uint64_t dev_bus_addr; // out, with GNTMAP_device_map
};
static_assert(sizeof(gnttab_map_grant_ref) == 32);
static_assert(offsetof(gnttab_map_grant_ref, flags) == 8 &&
              offsetof(gnttab_map_grant_ref, ref) == 12 &&
              offsetof(gnttab_map_grant_ref, dom) == 16 &&
              offsetof(gnttab_map_grant_ref, status) == 18 &&
              offsetof(gnttab_map_grant_ref, handle) == 20 &&
              offsetof(gnttab_map_grant_ref, dev_bus_addr) == 24);

// GNTTABOP_unmap_grant_ref.
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status; // out
};
static_assert(sizeof(gnttab_unmap_grant_ref) == 24);
static_assert(offsetof(gnttab_unmap_grant_ref, handle) == 16 &&
              offsetof(gnttab_unmap_grant_ref, status) == 20);

// GNTTABOP_setup_table: grow the caller's (or, privileged, dom's) table to nr_frames and
// return the frames backing it.
struct gnttab_setup_table {
    domid_t dom;                        // in
    uint32_t nr_frames;                 // in
    int16_t status;                     // out
    guest_handle<xen_pfn_t> frame_list; // out
};
static_assert(sizeof(gnttab_setup_table) == 24);
static_assert(offsetof(gnttab_setup_table, nr_frames) == 4 &&
              offsetof(gnttab_setup_table, status) == 8 &&
              offsetof(gnttab_setup_table, frame_list) == 16);

// GNTTABOP_dump_table: print a table on the hypervisor console (debug).
struct gnttab_dump_table {
    domid_t dom;
    int16_t status;
};
static_assert(sizeof(gnttab_dump_table) == 4);

// GNTTABOP_transfer: give frame mfn to domid, into its grant ref.
struct gnttab_transfer {
    xen_pfn_t mfn;
    domid_t domid;
    grant_ref_t ref;
    int16_t status; // out
};
static_assert(sizeof(gnttab_transfer) == 24);
static_assert(offsetof(gnttab_transfer, domid) == 8 && offsetof(gnttab_transfer, ref) == 12 &&
              offsetof(gnttab_transfer, status) == 16);

// GNTTABOP_copy: copy len bytes between two (grant or frame, offset) places; neither side
// may cross a page boundary.
inline constexpr unsigned GNTCOPY_source_gref_bit = 0;
inline constexpr uint16_t GNTCOPY_source_gref = 1u << 0; // source.u is a grant ref
inline constexpr unsigned GNTCOPY_dest_gref_bit = 1;
inline constexpr uint16_t GNTCOPY_dest_gref = 1u << 1; // dest.u is a grant ref

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};
static_assert(sizeof(gnttab_copy_ptr) == 16);
static_assert(offsetof(gnttab_copy_ptr, domid) == 8 && offsetof(gnttab_copy_ptr, offset) == 10);

struct gnttab_copy {
    gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags; // GNTCOPY_*
    int16_t status; // out
};
static_assert(sizeof(gnttab_copy) == 40);
static_assert(offsetof(gnttab_copy, dest) == 16 && offsetof(gnttab_copy, len) == 32 &&
              offsetof(gnttab_copy, flags) == 34 && offsetof(gnttab_copy, status) == 36);

// GNTTABOP_query_size.
struct gnttab_query_size {
    domid_t dom;            // in
    uint32_t nr_frames;     // out
    uint32_t max_nr_frames; // out
    int16_t status;         // out
};
static_assert(sizeof(gnttab_query_size) == 16);
static_assert(offsetof(gnttab_query_size, nr_frames) == 4 &&
              offsetof(gnttab_query_size, max_nr_frames) == 8 &&
              offsetof(gnttab_query_size, status) == 12);

// GNTTABOP_unmap_and_replace: unmap, putting the mapping at new_addr in its place.
struct gnttab_unmap_and_replace {
    uint64_t host_addr;
    uint64_t new_addr;
    grant_handle_t handle;
    int16_t status; // out
};
static_assert(sizeof(gnttab_unmap_and_replace) == 24);
static_assert(offsetof(gnttab_unmap_and_replace, handle) == 16 &&
              offsetof(gnttab_unmap_and_replace, status) == 20);

// GNTTABOP_set_version: 1 or 2; out, the version in force.
struct gnttab_set_version {
    uint32_t version;
};
static_assert(sizeof(gnttab_set_version) == 4);

// GNTTABOP_get_status_frames (v2).
struct gnttab_get_status_frames {
    uint32_t nr_frames;                // in
    domid_t dom;                       // in
    int16_t status;                    // out
    guest_handle<uint64_t> frame_list; // out
};
static_assert(sizeof(gnttab_get_status_frames) == 16);
static_assert(offsetof(gnttab_get_status_frames, dom) == 4 &&
              offsetof(gnttab_get_status_frames, status) == 6 &&
              offsetof(gnttab_get_status_frames, frame_list) == 8);

// GNTTABOP_get_version.
struct gnttab_get_version {
    domid_t dom; // in
    uint16_t pad;
    uint32_t version; // out
};
static_assert(sizeof(gnttab_get_version) == 8 && offsetof(gnttab_get_version, version) == 4);

// GNTTABOP_swap_grant_ref: exchange two entries of the caller's table.
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;
    grant_ref_t ref_b;
    int16_t status; // out
};
static_assert(sizeof(gnttab_swap_grant_ref) == 12 && offsetof(gnttab_swap_grant_ref, status) == 8);

// GNTTABOP_cache_flush (Arm).
inline constexpr uint32_t GNTTAB_CACHE_CLEAN = 1u << 0;
inline constexpr uint32_t GNTTAB_CACHE_INVAL = 1u << 1;
inline constexpr uint32_t GNTTAB_CACHE_SOURCE_GREF = 1u << 31;
struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
    uint32_t op; // GNTTAB_CACHE_*
};
static_assert(sizeof(gnttab_cache_flush) == 16);
static_assert(offsetof(gnttab_cache_flush, offset) == 8 && offsetof(gnttab_cache_flush, op) == 12);

} // namespace xen
