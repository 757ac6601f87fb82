// Note types a guest kernel puts in ELF notes named "Xen" to tell the domain builder how
// to load and start it.
#pragma once

namespace xen {

inline constexpr unsigned XEN_ELFNOTE_INFO = 0;                // (unused)
inline constexpr unsigned XEN_ELFNOTE_ENTRY = 1;               // PV entry point (virtual)
inline constexpr unsigned XEN_ELFNOTE_HYPERCALL_PAGE = 2;      // where to write the hypercall page
inline constexpr unsigned XEN_ELFNOTE_VIRT_BASE = 3;           // virtual address of the image
inline constexpr unsigned XEN_ELFNOTE_PADDR_OFFSET = 4;        // virt - paddr of the image
inline constexpr unsigned XEN_ELFNOTE_XEN_VERSION = 5;         // string: "xen-3.0"
inline constexpr unsigned XEN_ELFNOTE_GUEST_OS = 6;            // string: e.g. "linux"
inline constexpr unsigned XEN_ELFNOTE_GUEST_VERSION = 7;       // string
inline constexpr unsigned XEN_ELFNOTE_LOADER = 8;              // string: "generic"
inline constexpr unsigned XEN_ELFNOTE_PAE_MODE = 9;            // string: 32-bit PAE handling
inline constexpr unsigned XEN_ELFNOTE_FEATURES = 10;           // string: '|'-separated features
inline constexpr unsigned XEN_ELFNOTE_BSD_SYMTAB = 11;         // string "yes": load symbols
inline constexpr unsigned XEN_ELFNOTE_HV_START_LOW = 12;       // 32-bit only: hypervisor hole
inline constexpr unsigned XEN_ELFNOTE_L1_MFN_VALID = 13;       // mask/value pairs for L1 entries
inline constexpr unsigned XEN_ELFNOTE_SUSPEND_CANCEL = 14;     // supports suspend cancellation
inline constexpr unsigned XEN_ELFNOTE_INIT_P2M = 15;           // virtual address of the p2m list
inline constexpr unsigned XEN_ELFNOTE_MOD_START_PFN = 16;      // understands SIF_MOD_START_PFN
inline constexpr unsigned XEN_ELFNOTE_SUPPORTED_FEATURES = 17; // bitmap of XENFEAT_*
inline constexpr unsigned XEN_ELFNOTE_PHYS32_ENTRY = 18;       // PVH 32-bit physical entry point
// Added in Xen 4.19 (not in 4.17's headers): the PVH kernel may be relocated; the note
// holds its alignment, lowest and highest load address.
inline constexpr unsigned XEN_ELFNOTE_PHYS32_RELOC = 19;
inline constexpr unsigned XEN_ELFNOTE_MAX = XEN_ELFNOTE_PHYS32_RELOC;

// Notes Xen writes into crash dumps and core files.
inline constexpr unsigned XEN_ELFNOTE_CRASH_INFO = 0x1000001;
inline constexpr unsigned XEN_ELFNOTE_CRASH_REGS = 0x1000002;
inline constexpr unsigned XEN_ELFNOTE_DUMPCORE_NONE = 0x2000000;
inline constexpr unsigned XEN_ELFNOTE_DUMPCORE_HEADER = 0x2000001;
inline constexpr unsigned XEN_ELFNOTE_DUMPCORE_XEN_VERSION = 0x2000002;
inline constexpr unsigned XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION = 0x2000003;

} // namespace xen
