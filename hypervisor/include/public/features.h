// Feature bits a guest reads with XENVER_get_features (submap 0 holds bits 0-31).
#pragma once

namespace xen {

inline constexpr unsigned XENFEAT_writable_page_tables = 0;       // PTEs may be written directly
inline constexpr unsigned XENFEAT_writable_descriptor_tables = 1; // GDT/LDT may be written
inline constexpr unsigned XENFEAT_auto_translated_physmap = 2;    // Xen translates pfn -> mfn
inline constexpr unsigned XENFEAT_supervisor_mode_kernel = 3;     // kernel runs in ring 0
inline constexpr unsigned XENFEAT_pae_pgdir_above_4gb = 4;        // 32-bit PAE: L3 above 4 GiB
inline constexpr unsigned XENFEAT_mmu_pt_update_preserve_ad = 5;  // MMU_PT_UPDATE_PRESERVE_AD
inline constexpr unsigned XENFEAT_highmem_assist = 6;             // MMUEXT_{CLEAR,COPY}_PAGE
inline constexpr unsigned XENFEAT_gnttab_map_avail_bits = 7;      // GNTMAP_guest_avail bits kept
inline constexpr unsigned XENFEAT_hvm_callback_vector = 8;        // HVM upcall via a vector
inline constexpr unsigned XENFEAT_hvm_safe_pvclock = 9;           // pvclock usable under HVM
inline constexpr unsigned XENFEAT_hvm_pirqs = 10;                 // HVM guests may use pirqs
inline constexpr unsigned XENFEAT_dom0 = 11;                      // may run as dom0
// 12 (grant_map_identity) is retired.
inline constexpr unsigned XENFEAT_memory_op_vnode_supported = 13; // XENMEMF_vnode accepted
inline constexpr unsigned XENFEAT_ARM_SMCCC_supported = 14;       // Arm SMC calling convention
inline constexpr unsigned XENFEAT_linux_rsdp_unrestricted = 15;   // dom0 may use any RSDP
inline constexpr unsigned XENFEAT_not_direct_mapped = 16;         // Arm: dom0 not 1:1
inline constexpr unsigned XENFEAT_direct_mapped = 17;             // Arm: dom0 1:1
inline constexpr unsigned XENFEAT_NR_SUBMAPS = 1;

} // namespace xen
