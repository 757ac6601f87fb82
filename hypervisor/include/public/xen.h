// The core of the Xen guest ABI, as xenon renders it: hypercall numbers, domain ids,
// virtual IRQs, the PV MMU interface (mmu_update, mmuext_op, update_va_mapping flags),
// multicalls, console_io, vm_assist, and the three pages every PV guest starts with:
// start_info, shared_info and its vcpu_info slots.
//
// See arch-x86.h for the naming rules shared by every header under public/.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/arch-x86.h"
#include "public/errno.h"

namespace xen {

// ---------------------------------------------------------------------------------------
// Hypercall numbers (the value in rax; the offset of the stub in the hypercall page is
// the number times 32).

inline constexpr unsigned HYPERVISOR_set_trap_table = 0;
inline constexpr unsigned HYPERVISOR_mmu_update = 1;
inline constexpr unsigned HYPERVISOR_set_gdt = 2;
inline constexpr unsigned HYPERVISOR_stack_switch = 3;
inline constexpr unsigned HYPERVISOR_set_callbacks = 4;
inline constexpr unsigned HYPERVISOR_fpu_taskswitch = 5;
inline constexpr unsigned HYPERVISOR_sched_op_compat = 6; // superseded by sched_op (29)
inline constexpr unsigned HYPERVISOR_platform_op = 7;
inline constexpr unsigned HYPERVISOR_set_debugreg = 8;
inline constexpr unsigned HYPERVISOR_get_debugreg = 9;
inline constexpr unsigned HYPERVISOR_update_descriptor = 10;
// 11 is unused.
inline constexpr unsigned HYPERVISOR_memory_op = 12;
inline constexpr unsigned HYPERVISOR_multicall = 13;
inline constexpr unsigned HYPERVISOR_update_va_mapping = 14;
inline constexpr unsigned HYPERVISOR_set_timer_op = 15;
inline constexpr unsigned HYPERVISOR_event_channel_op_compat = 16; // superseded by 32
inline constexpr unsigned HYPERVISOR_xen_version = 17;
inline constexpr unsigned HYPERVISOR_console_io = 18;
inline constexpr unsigned HYPERVISOR_physdev_op_compat = 19; // superseded by 33
inline constexpr unsigned HYPERVISOR_grant_table_op = 20;
inline constexpr unsigned HYPERVISOR_vm_assist = 21;
inline constexpr unsigned HYPERVISOR_update_va_mapping_otherdomain = 22;
inline constexpr unsigned HYPERVISOR_iret = 23; // x86 only
inline constexpr unsigned HYPERVISOR_vcpu_op = 24;
inline constexpr unsigned HYPERVISOR_set_segment_base = 25; // x86-64 only
inline constexpr unsigned HYPERVISOR_mmuext_op = 26;
inline constexpr unsigned HYPERVISOR_xsm_op = 27;
inline constexpr unsigned HYPERVISOR_nmi_op = 28;
inline constexpr unsigned HYPERVISOR_sched_op = 29;
inline constexpr unsigned HYPERVISOR_callback_op = 30;
inline constexpr unsigned HYPERVISOR_xenoprof_op = 31;
inline constexpr unsigned HYPERVISOR_event_channel_op = 32;
inline constexpr unsigned HYPERVISOR_physdev_op = 33;
inline constexpr unsigned HYPERVISOR_hvm_op = 34;
inline constexpr unsigned HYPERVISOR_sysctl = 35;
inline constexpr unsigned HYPERVISOR_domctl = 36;
inline constexpr unsigned HYPERVISOR_kexec_op = 37;
inline constexpr unsigned HYPERVISOR_tmem_op = 38; // retired: always -ENOSYS
inline constexpr unsigned HYPERVISOR_argo_op = 39;
inline constexpr unsigned HYPERVISOR_xenpmu_op = 40;
inline constexpr unsigned HYPERVISOR_dm_op = 41;
inline constexpr unsigned HYPERVISOR_hypfs_op = 42;
// 43-47 are unused. 48-55 belong to the architecture.
inline constexpr unsigned HYPERVISOR_arch_0 = 48;
inline constexpr unsigned HYPERVISOR_arch_1 = 49;
inline constexpr unsigned HYPERVISOR_arch_2 = 50;
inline constexpr unsigned HYPERVISOR_arch_3 = 51;
inline constexpr unsigned HYPERVISOR_arch_4 = 52;
inline constexpr unsigned HYPERVISOR_arch_5 = 53;
inline constexpr unsigned HYPERVISOR_arch_6 = 54;
inline constexpr unsigned HYPERVISOR_arch_7 = 55;
// x86's uses of the architecture range.
inline constexpr unsigned HYPERVISOR_mca = HYPERVISOR_arch_0; // machine-check handling
// Xen-internal continuation of a paging domctl; guests never issue it.
inline constexpr unsigned HYPERVISOR_paging_domctl_cont = HYPERVISOR_arch_1;

// Xen keeps a table of 64 entries; anything at or above is -ENOSYS without a lookup.
inline constexpr unsigned NR_HYPERCALLS = 64;

// ---------------------------------------------------------------------------------------
// Virtual IRQs, bound to event channels with EVTCHNOP_bind_virq. "Per-vCPU" ones are bound
// on each vCPU separately; "global" ones once per domain (most only for dom0).

inline constexpr unsigned VIRQ_TIMER = 0;      // per-vCPU: timer fired / time updated
inline constexpr unsigned VIRQ_DEBUG = 1;      // per-vCPU: dump debug state
inline constexpr unsigned VIRQ_CONSOLE = 2;    // global (dom0): emergency console input
inline constexpr unsigned VIRQ_DOM_EXC = 3;    // global (dom0): a domain changed state
inline constexpr unsigned VIRQ_TBUF = 4;       // global (dom0): trace records available
inline constexpr unsigned VIRQ_DEBUGGER = 6;   // global (dom0): a domain paused for debug
inline constexpr unsigned VIRQ_XENOPROF = 7;   // per-vCPU: profiling sample
inline constexpr unsigned VIRQ_CON_RING = 8;   // global (dom0): console ring has data
inline constexpr unsigned VIRQ_PCPU_STATE = 9; // global (dom0): physical CPU state changed
inline constexpr unsigned VIRQ_MEM_EVENT = 10; // global (dom0): memory event
inline constexpr unsigned VIRQ_ARGO = 11;      // global: Argo message notification
inline constexpr unsigned VIRQ_ENOMEM = 12;    // global (dom0): hypervisor heap is low
inline constexpr unsigned VIRQ_XENPMU = 13;    // per-vCPU: PMU interrupt
inline constexpr unsigned VIRQ_ARCH_0 = 16;
inline constexpr unsigned VIRQ_ARCH_1 = 17;
inline constexpr unsigned VIRQ_ARCH_2 = 18;
inline constexpr unsigned VIRQ_ARCH_3 = 19;
inline constexpr unsigned VIRQ_ARCH_4 = 20;
inline constexpr unsigned VIRQ_ARCH_5 = 21;
inline constexpr unsigned VIRQ_ARCH_6 = 22;
inline constexpr unsigned VIRQ_ARCH_7 = 23;
inline constexpr unsigned VIRQ_MCA = VIRQ_ARCH_0; // x86, global (dom0): machine check
inline constexpr unsigned NR_VIRQS = 24;

// ---------------------------------------------------------------------------------------
// HYPERVISOR_mmu_update(mmu_update *reqs, unsigned count, unsigned *done, domid_t dom).
// The low two bits of ptr select the kind of update; the rest is a machine address.

inline constexpr unsigned MMU_NORMAL_PT_UPDATE = 0;       // checked write of a PTE at ptr
inline constexpr unsigned MMU_MACHPHYS_UPDATE = 1;        // m2p[ptr >> 12] = val
inline constexpr unsigned MMU_PT_UPDATE_PRESERVE_AD = 2;  // as 0, keeping Accessed/Dirty
inline constexpr unsigned MMU_PT_UPDATE_NO_TRANSLATE = 3; // as 0, val is never translated

struct mmu_update {
    uint64_t ptr; // machine address of the entry, update kind in bits 0-1
    uint64_t val; // new contents
};
static_assert(sizeof(mmu_update) == 16 && offsetof(mmu_update, val) == 8);

// ---------------------------------------------------------------------------------------
// HYPERVISOR_mmuext_op(mmuext_op *ops, unsigned count, unsigned *done, domid_t dom).

inline constexpr unsigned MMUEXT_PIN_L1_TABLE = 0;
inline constexpr unsigned MMUEXT_PIN_L2_TABLE = 1;
inline constexpr unsigned MMUEXT_PIN_L3_TABLE = 2;
inline constexpr unsigned MMUEXT_PIN_L4_TABLE = 3;
inline constexpr unsigned MMUEXT_UNPIN_TABLE = 4;
inline constexpr unsigned MMUEXT_NEW_BASEPTR = 5;
inline constexpr unsigned MMUEXT_TLB_FLUSH_LOCAL = 6;
inline constexpr unsigned MMUEXT_INVLPG_LOCAL = 7;
inline constexpr unsigned MMUEXT_TLB_FLUSH_MULTI = 8;
inline constexpr unsigned MMUEXT_INVLPG_MULTI = 9;
inline constexpr unsigned MMUEXT_TLB_FLUSH_ALL = 10;
inline constexpr unsigned MMUEXT_INVLPG_ALL = 11;
inline constexpr unsigned MMUEXT_FLUSH_CACHE = 12;
inline constexpr unsigned MMUEXT_SET_LDT = 13;
// 14 is unused.
inline constexpr unsigned MMUEXT_NEW_USER_BASEPTR = 15;
inline constexpr unsigned MMUEXT_CLEAR_PAGE = 16;
inline constexpr unsigned MMUEXT_COPY_PAGE = 17;
inline constexpr unsigned MMUEXT_FLUSH_CACHE_GLOBAL = 18;
inline constexpr unsigned MMUEXT_MARK_SUPER = 19;
inline constexpr unsigned MMUEXT_UNMARK_SUPER = 20;

struct mmuext_op {
    uint32_t cmd; // MMUEXT_*
    union {
        xen_pfn_t mfn;        // pin/unpin, new (user) baseptr, clear/copy page, (un)mark super
        uint64_t linear_addr; // invlpg, set_ldt
    } arg1;
    union {
        uint32_t nr_ents;                  // set_ldt
        guest_handle<const void> vcpumask; // *_MULTI: bitmap of target vCPUs
        xen_pfn_t src_mfn;                 // copy_page
    } arg2;
};
static_assert(sizeof(mmuext_op) == 24);
static_assert(offsetof(mmuext_op, arg1) == 8 && offsetof(mmuext_op, arg2) == 16);

// ---------------------------------------------------------------------------------------
// update_va_mapping flags. The low two bits pick the flush; bit 2 picks its scope. With
// UVMF_MULTI the flags word also carries a pointer to a vCPU bitmap (8-byte aligned).

inline constexpr uint64_t UVMF_NONE = 0;
inline constexpr uint64_t UVMF_TLB_FLUSH = 1; // flush whole TLBs
inline constexpr uint64_t UVMF_INVLPG = 2;    // flush this one address
inline constexpr uint64_t UVMF_FLUSHTYPE_MASK = 3;
inline constexpr uint64_t UVMF_MULTI = 0;     // the vCPUs in the bitmap
inline constexpr uint64_t UVMF_LOCAL = 0;     // UVMF_MULTI with a null bitmap: this vCPU
inline constexpr uint64_t UVMF_ALL = 1u << 2; // every vCPU of the domain

// ---------------------------------------------------------------------------------------
// HYPERVISOR_console_io(cmd, count, buffer).

inline constexpr unsigned CONSOLEIO_write = 0;
inline constexpr unsigned CONSOLEIO_read = 1;

// ---------------------------------------------------------------------------------------
// HYPERVISOR_vm_assist(cmd, type).

inline constexpr unsigned VMASST_CMD_enable = 0;
inline constexpr unsigned VMASST_CMD_disable = 1;
inline constexpr unsigned VMASST_TYPE_4gb_segments = 0;         // 32-bit only
inline constexpr unsigned VMASST_TYPE_4gb_segments_notify = 1;  // 32-bit only
inline constexpr unsigned VMASST_TYPE_writable_pagetables = 2;  // trap-and-emulate PTE writes
inline constexpr unsigned VMASST_TYPE_pae_extended_cr3 = 3;     // 32-bit PAE only
inline constexpr unsigned VMASST_TYPE_architectural_iopl = 4;   // iopl semantics as on hardware
inline constexpr unsigned VMASST_TYPE_runstate_update_flag = 5; // XEN_RUNSTATE_UPDATE marking
inline constexpr unsigned VMASST_TYPE_m2p_strict = 32;          // only valid m2p entries mapped

// ---------------------------------------------------------------------------------------
// Domain ids. Ordinary domains are numbered below DOMID_FIRST_RESERVED.

using domid_t = uint16_t;

inline constexpr domid_t DOMID_FIRST_RESERVED = 0x7FF0;
inline constexpr domid_t DOMID_SELF = 0x7FF0;    // the calling domain
inline constexpr domid_t DOMID_IO = 0x7FF1;      // owner of I/O memory (mmu_update foreign)
inline constexpr domid_t DOMID_XEN = 0x7FF2;     // owner of hypervisor pages shared out
inline constexpr domid_t DOMID_COW = 0x7FF3;     // owner of shared (copy-on-write) pages
inline constexpr domid_t DOMID_INVALID = 0x7FF4; // no owner
inline constexpr domid_t DOMID_IDLE = 0x7FFF;    // the idle domain
inline constexpr domid_t DOMID_MASK = 0x7FFF;

// A domain's 16-byte handle (its UUID, chosen by the toolstack).
using xen_domain_handle_t = uint8_t[16];

struct xen_uuid_t {
    uint8_t a[16];
};
static_assert(sizeof(xen_uuid_t) == 16);

// ---------------------------------------------------------------------------------------
// HYPERVISOR_multicall(multicall_entry *calls, unsigned count). Each entry's result is
// written back in place.

struct multicall_entry {
    xen_ulong_t op;
    xen_ulong_t result;
    xen_ulong_t args[6];
};
static_assert(sizeof(multicall_entry) == 64);
static_assert(offsetof(multicall_entry, result) == 8 && offsetof(multicall_entry, args) == 16);

// ---------------------------------------------------------------------------------------
// Time. Each vCPU has a vcpu_time_info that Xen updates under a version counter: odd
// while an update is in progress, so readers retry until they see the same even value
// before and after. System time now is
//   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
// (a negative tsc_shift shifts right).

struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp; // TSC when the fields below were last set
    uint64_t system_time;   // ns since boot at tsc_timestamp
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags; // XEN_PVCLOCK_*
    uint8_t pad1[2];
};
static_assert(sizeof(vcpu_time_info) == 32);
static_assert(offsetof(vcpu_time_info, tsc_timestamp) == 8 &&
              offsetof(vcpu_time_info, system_time) == 16 &&
              offsetof(vcpu_time_info, tsc_to_system_mul) == 24 &&
              offsetof(vcpu_time_info, tsc_shift) == 28 && offsetof(vcpu_time_info, flags) == 29);

inline constexpr uint8_t XEN_PVCLOCK_TSC_STABLE_BIT = 1u << 0; // TSC is synchronised
inline constexpr uint8_t XEN_PVCLOCK_GUEST_STOPPED = 1u << 1;  // vCPU was paused

// ---------------------------------------------------------------------------------------
// Per-vCPU event state. Xen sets evtchn_upcall_pending and a bit in evtchn_pending_sel
// for each word of evtchn_pending[] that gained an unmasked pending port; the guest
// clears the flag before scanning. A non-zero evtchn_upcall_mask holds off the upcall
// (the PV equivalent of cli).

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;
    arch_vcpu_info arch;
    vcpu_time_info time;
};
static_assert(sizeof(vcpu_info) == 64);
static_assert(offsetof(vcpu_info, evtchn_upcall_mask) == 1 &&
              offsetof(vcpu_info, evtchn_pending_sel) == 8 && offsetof(vcpu_info, arch) == 16 &&
              offsetof(vcpu_info, time) == 32);

// ---------------------------------------------------------------------------------------
// shared_info: one page per domain, shared between Xen and the guest.

// 2-level event channels: one pending bit and one mask bit per port, 64 words of 64.
inline constexpr unsigned EVTCHN_2L_WORDS = sizeof(xen_ulong_t) * 8;

struct shared_info {
    ::xen::vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    // A 0->1 transition of a pending bit whose mask bit is clear raises an upcall; the
    // guest clears pending bits, only the guest writes mask bits.
    xen_ulong_t evtchn_pending[EVTCHN_2L_WORDS];
    xen_ulong_t evtchn_mask[EVTCHN_2L_WORDS];
    // Wall-clock time at system time zero, under a version counter like vcpu_time_info.
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi; // upper 32 bits of the seconds
    arch_shared_info arch;
};
static_assert(sizeof(shared_info) == 3136);
static_assert(offsetof(shared_info, evtchn_pending) == 2048 &&
              offsetof(shared_info, evtchn_mask) == 2560 &&
              offsetof(shared_info, wc_version) == 3072 && offsetof(shared_info, wc_sec) == 3076 &&
              offsetof(shared_info, wc_nsec) == 3080 && offsetof(shared_info, wc_sec_hi) == 3084 &&
              offsetof(shared_info, arch) == 3088);
static_assert(sizeof(shared_info) <= 4096);

// ---------------------------------------------------------------------------------------
// start_info: built by the domain builder, its address handed to a PV guest in rsi at
// entry. magic is "xen-<version>-<platform>": a 64-bit PV guest gets "xen-3.0-x86_64",
// NUL-terminated; guests check the "xen-3.0" prefix. The fields up to console are set on
// every boot and resume; the rest only at first boot.

inline constexpr char START_INFO_MAGIC[] = "xen-3.0-x86_64";
inline constexpr unsigned MAX_GUEST_CMDLINE = 1024;

struct start_info {
    char magic[32];
    uint64_t nr_pages;    // pages the domain owns
    uint64_t shared_info; // machine address of the shared_info page
    uint32_t flags;       // SIF_*
    xen_pfn_t store_mfn;  // machine frame of the xenstore ring
    uint32_t store_evtchn;
    union {
        struct {
            xen_pfn_t mfn; // machine frame of the console ring
            uint32_t evtchn;
        } domU;
        struct {
            uint32_t info_off;  // offset of a dom0_vga_console_info within this page
            uint32_t info_size; // its size
        } dom0;
    } console;
    uint64_t pt_base;      // virtual address of the initial top-level page table
    uint64_t nr_pt_frames; // frames of initial page tables
    uint64_t mfn_list;     // virtual address of the initial p2m array
    uint64_t mod_start;    // virtual address (or pfn, with SIF_MOD_START_PFN) of the module
    uint64_t mod_len;      // module size in bytes
    char cmd_line[MAX_GUEST_CMDLINE];
    uint64_t first_p2m_pfn; // first pfn of the p2m frames, when mapped separately
    uint64_t nr_p2m_frames;
};
static_assert(sizeof(start_info) == 1168);
static_assert(offsetof(start_info, nr_pages) == 32 && offsetof(start_info, shared_info) == 40 &&
              offsetof(start_info, flags) == 48 && offsetof(start_info, store_mfn) == 56 &&
              offsetof(start_info, store_evtchn) == 64 && offsetof(start_info, console) == 72 &&
              offsetof(start_info, console.domU.evtchn) == 80 &&
              offsetof(start_info, console.dom0.info_size) == 76 &&
              offsetof(start_info, pt_base) == 88 && offsetof(start_info, nr_pt_frames) == 96 &&
              offsetof(start_info, mfn_list) == 104 && offsetof(start_info, mod_start) == 112 &&
              offsetof(start_info, mod_len) == 120 && offsetof(start_info, cmd_line) == 128 &&
              offsetof(start_info, first_p2m_pfn) == 1152 &&
              offsetof(start_info, nr_p2m_frames) == 1160);

inline constexpr uint32_t SIF_PRIVILEGED = 1u << 0;      // may use privileged operations
inline constexpr uint32_t SIF_INITDOMAIN = 1u << 1;      // is the initial domain (dom0)
inline constexpr uint32_t SIF_MULTIBOOT_MOD = 1u << 2;   // mod_start is a multiboot module list
inline constexpr uint32_t SIF_MOD_START_PFN = 1u << 3;   // mod_start is a pfn
inline constexpr uint32_t SIF_VIRT_P2M_4TOOLS = 1u << 4; // tools understand the linear p2m
inline constexpr uint32_t SIF_PM_MASK = 0xFFu << 8;      // reserved for power management

// With SIF_MULTIBOOT_MOD, mod_start points at an array of these (physical addresses),
// ended by an entry whose mod_start is zero.
struct xen_multiboot_mod_list {
    uint32_t mod_start; // first byte
    uint32_t mod_end;   // last byte (inclusive)
    uint32_t cmdline;   // NUL-terminated command line
    uint32_t pad;       // zero
};
static_assert(sizeof(xen_multiboot_mod_list) == 16);

// Dom0's view of the firmware console, at start_info.console.dom0.info_off.
inline constexpr uint8_t XEN_VGATYPE_TEXT_MODE_3 = 0x03;
inline constexpr uint8_t XEN_VGATYPE_VESA_LFB = 0x23;
inline constexpr uint8_t XEN_VGATYPE_EFI_LFB = 0x70;

struct dom0_vga_console_info {
    uint8_t video_type; // XEN_VGATYPE_*
    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base; // low 32 bits of the frame buffer's physical address
            uint32_t lfb_size; // in 64 KiB units
            uint8_t red_pos, red_size;
            uint8_t green_pos, green_size;
            uint8_t blue_pos, blue_size;
            uint8_t rsvd_pos, rsvd_size;
            uint32_t gbl_caps;   // VBE controller capabilities
            uint16_t mode_attrs; // VBE mode attributes
            uint16_t pad;
            uint32_t ext_lfb_base; // high 32 bits of the frame buffer's address
        } vesa_lfb;
    } u;
};
static_assert(sizeof(dom0_vga_console_info) == 40);
static_assert(offsetof(dom0_vga_console_info, u) == 4 &&
              offsetof(dom0_vga_console_info, u.vesa_lfb.lfb_base) == 12 &&
              offsetof(dom0_vga_console_info, u.vesa_lfb.red_pos) == 20 &&
              offsetof(dom0_vga_console_info, u.vesa_lfb.gbl_caps) == 28 &&
              offsetof(dom0_vga_console_info, u.vesa_lfb.ext_lfb_base) == 36);

// ---------------------------------------------------------------------------------------
// A bitmap passed by domctl/sysctl (CPU and node masks).

struct xenctl_bitmap {
    guest_handle<uint8_t> bitmap;
    uint32_t nr_bits;
};
static_assert(sizeof(xenctl_bitmap) == 16 && offsetof(xenctl_bitmap, nr_bits) == 8);

} // namespace xen
