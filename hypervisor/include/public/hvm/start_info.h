// PVH boot: the structure a PVH guest finds at the physical address in ebx when it enters
// at its XEN_ELFNOTE_PHYS32_ENTRY point (32-bit protected mode, paging off). All
// addresses in it are guest physical.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace xen {

// "xEn3" with the top bit of the 'E' set.
inline constexpr uint32_t XEN_HVM_START_MAGIC_VALUE = 0x336ec578;

// Types of hvm_memmap_table_entry: the E820 types, plus two later ones.
inline constexpr uint32_t XEN_HVM_MEMMAP_TYPE_RAM = 1;
inline constexpr uint32_t XEN_HVM_MEMMAP_TYPE_RESERVED = 2;
inline constexpr uint32_t XEN_HVM_MEMMAP_TYPE_ACPI = 3;
inline constexpr uint32_t XEN_HVM_MEMMAP_TYPE_NVS = 4;
inline constexpr uint32_t XEN_HVM_MEMMAP_TYPE_UNUSABLE = 5;
inline constexpr uint32_t XEN_HVM_MEMMAP_TYPE_DISABLED = 6;
inline constexpr uint32_t XEN_HVM_MEMMAP_TYPE_PMEM = 7;

struct hvm_start_info {
    uint32_t magic;   // XEN_HVM_START_MAGIC_VALUE
    uint32_t version; // 0, or 1 with the memory map fields
    uint32_t flags;   // SIF_*
    uint32_t nr_modules;
    uint64_t modlist_paddr; // array of hvm_modlist_entry
    uint64_t cmdline_paddr; // NUL-terminated kernel command line
    uint64_t rsdp_paddr;    // ACPI RSDP
    // Version 1 and later.
    uint64_t memmap_paddr;   // array of hvm_memmap_table_entry
    uint32_t memmap_entries; // 0 when no map is given
    uint32_t reserved;       // zero
};
static_assert(sizeof(hvm_start_info) == 56);
static_assert(offsetof(hvm_start_info, modlist_paddr) == 16 &&
              offsetof(hvm_start_info, cmdline_paddr) == 24 &&
              offsetof(hvm_start_info, rsdp_paddr) == 32 &&
              offsetof(hvm_start_info, memmap_paddr) == 40 &&
              offsetof(hvm_start_info, memmap_entries) == 48);

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size; // bytes
    uint64_t cmdline_paddr;
    uint64_t reserved;
};
static_assert(sizeof(hvm_modlist_entry) == 32);

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;     // XEN_HVM_MEMMAP_TYPE_*
    uint32_t reserved; // zero
};
static_assert(sizeof(hvm_memmap_table_entry) == 24 && offsetof(hvm_memmap_table_entry, type) == 16);

} // namespace xen
