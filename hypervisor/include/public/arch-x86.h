// The x86-64 half of the Xen guest ABI, as xenon renders it: the address-space split a
// 64-bit PV guest lives with, the flat selectors Xen installs in every PV GDT, the basic
// integer types, and the register/context structures that carry x86 state across the
// hypercall boundary.
//
// Naming, for every header under public/: constants and structures keep their Xen ABI
// spelling inside namespace xen, so the Xen documentation can be grepped for them. Leading
// underscores (reserved in C++) are dropped; Xen's bit-number companions of masks
// (_GTF_readonly next to GTF_readonly) become NAME_bit; errno values keep a XEN_ prefix.
// Everything is a constexpr value or a plain standard-layout struct; sizes and offsets are
// pinned by static_asserts for x86-64, and tests/unit/abi_check_test.cpp compares them
// with Xen 4.17's own public headers.
//
// Only the 64-bit guest ABI is described. 32-bit PV (compat) guests are out of scope.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace xen {

// ---------------------------------------------------------------------------------------
// Basic types. On x86-64 Xen's "unsigned long" fields are 64 bits; they are spelled
// uint64_t here so that the layout never depends on the compiler's data model.

using xen_pfn_t = uint64_t;      // a frame number (machine frame for PV, guest frame for HVM)
using xen_ulong_t = uint64_t;    // a guest-sized unsigned word
using xen_callback_t = uint64_t; // a callback entry point: a guest virtual address

// A guest handle: an address in the calling guest's address space, typed with what it
// points at. It is a number, never a pointer: the hypervisor reaches guest memory only
// through copy_from_guest/copy_to_guest, which check and survive faults. On x86-64 Xen
// wraps a pointer in a struct; this has the same size (8) and alignment (8).
template <typename T> struct guest_handle { uint64_t p; };
static_assert(sizeof(guest_handle<void>) == 8 && alignof(guest_handle<void>) == 8);

// For guest-side code: wrap a pointer into a handle.
template <typename T> inline guest_handle<T> make_guest_handle(T* ptr) {
    return guest_handle<T>{reinterpret_cast<uintptr_t>(ptr)};
}

// ---------------------------------------------------------------------------------------
// Hypercall transfer (x86-64 PV). The guest calls into the hypercall page at
// hypercall_page + number * 32; each 32-byte stub saves rcx and r11, loads the number
// into rax, issues SYSCALL and restores them, so a call through the page changes rax
// alone. Arguments travel in rdi, rsi, rdx, r10, r8 (in that order); the result comes back
// in rax. A SYSCALL made directly loses rcx and r11 (the return rip and rflags); Xen
// preserves every other register (docs/abi.md, "Registers across guest entries").

inline constexpr unsigned HYPERCALL_STUB_SIZE = 32;

// ---------------------------------------------------------------------------------------
// Address-space split for 64-bit PV guests. Xen owns a hole at the bottom of the upper
// canonical half; the read-only machine-to-physical table is mapped at its start.

inline constexpr uint64_t HYPERVISOR_VIRT_START = 0xFFFF800000000000ull;
inline constexpr uint64_t HYPERVISOR_VIRT_END = 0xFFFF880000000000ull;
inline constexpr uint64_t MACH2PHYS_VIRT_START = 0xFFFF800000000000ull;
inline constexpr uint64_t MACH2PHYS_VIRT_END = 0xFFFF804000000000ull;
// One 8-byte entry per machine frame.
inline constexpr uint64_t MACH2PHYS_NR_ENTRIES = (MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3;

// ---------------------------------------------------------------------------------------
// Flat segment selectors Xen provides in the reserved part of every PV GDT. A 64-bit PV
// kernel runs in ring 3, so kernel and user share the ring-3 selectors. 64-bit data
// segments use the null selector.

inline constexpr uint16_t FLAT_RING3_CS32 = 0xe023; // GDT entry 260
inline constexpr uint16_t FLAT_RING3_CS64 = 0xe033; // GDT entry 262
inline constexpr uint16_t FLAT_RING3_DS32 = 0xe02b; // GDT entry 261
inline constexpr uint16_t FLAT_RING3_DS64 = 0x0000;
inline constexpr uint16_t FLAT_RING3_SS32 = 0xe02b;
inline constexpr uint16_t FLAT_RING3_SS64 = 0xe02b;

inline constexpr uint16_t FLAT_KERNEL_DS64 = FLAT_RING3_DS64;
inline constexpr uint16_t FLAT_KERNEL_DS32 = FLAT_RING3_DS32;
inline constexpr uint16_t FLAT_KERNEL_DS = FLAT_KERNEL_DS64;
inline constexpr uint16_t FLAT_KERNEL_CS64 = FLAT_RING3_CS64;
inline constexpr uint16_t FLAT_KERNEL_CS32 = FLAT_RING3_CS32;
inline constexpr uint16_t FLAT_KERNEL_CS = FLAT_KERNEL_CS64;
inline constexpr uint16_t FLAT_KERNEL_SS64 = FLAT_RING3_SS64;
inline constexpr uint16_t FLAT_KERNEL_SS32 = FLAT_RING3_SS32;
inline constexpr uint16_t FLAT_KERNEL_SS = FLAT_KERNEL_SS64;
inline constexpr uint16_t FLAT_USER_DS64 = FLAT_RING3_DS64;
inline constexpr uint16_t FLAT_USER_DS32 = FLAT_RING3_DS32;
inline constexpr uint16_t FLAT_USER_DS = FLAT_USER_DS64;
inline constexpr uint16_t FLAT_USER_CS64 = FLAT_RING3_CS64;
inline constexpr uint16_t FLAT_USER_CS32 = FLAT_RING3_CS32;
inline constexpr uint16_t FLAT_USER_CS = FLAT_USER_CS64;
inline constexpr uint16_t FLAT_USER_SS64 = FLAT_RING3_SS64;
inline constexpr uint16_t FLAT_USER_SS32 = FLAT_RING3_SS32;
inline constexpr uint16_t FLAT_USER_SS = FLAT_USER_SS64;

// The GDT pages from this index on belong to Xen (guests may use frames 0..13 only).
inline constexpr unsigned FIRST_RESERVED_GDT_PAGE = 14;
inline constexpr unsigned FIRST_RESERVED_GDT_BYTE = FIRST_RESERVED_GDT_PAGE * 4096;
inline constexpr unsigned FIRST_RESERVED_GDT_ENTRY = FIRST_RESERVED_GDT_BYTE / 8;

// shared_info holds vcpu_info slots for this many vCPUs; more need
// VCPUOP_register_vcpu_info.
inline constexpr unsigned XEN_LEGACY_MAX_VCPUS = 32;

// set_segment_base (hypercall 25) selectors.
inline constexpr unsigned SEGBASE_FS = 0;
inline constexpr unsigned SEGBASE_GS_USER = 1;
inline constexpr unsigned SEGBASE_GS_KERNEL = 2;
inline constexpr unsigned SEGBASE_GS_USER_SEL = 3; // load user %gs from base[15:0]

// A CR3 value holds the frame number shifted by the page size.
constexpr uint64_t xen_pfn_to_cr3(uint64_t pfn) {
    return pfn << 12;
}
constexpr uint64_t xen_cr3_to_pfn(uint64_t cr3) {
    return cr3 >> 12;
}

// ---------------------------------------------------------------------------------------
// set_trap_table: one entry per virtual IDT vector. A table ends at an entry whose
// address is zero.

struct trap_info {
    uint8_t vector;
    uint8_t flags; // bits 0-1: the DPL that may raise it with INT; bit 2: mask events
    uint16_t cs;
    uint64_t address;
};
static_assert(sizeof(trap_info) == 16);
static_assert(offsetof(trap_info, flags) == 1 && offsetof(trap_info, cs) == 2 &&
              offsetof(trap_info, address) == 8);

constexpr unsigned TI_GET_DPL(const trap_info& ti) {
    return ti.flags & 3u;
}
constexpr bool TI_GET_IF(const trap_info& ti) {
    return (ti.flags & 4u) != 0;
}

// ---------------------------------------------------------------------------------------
// Saved register frame (x86-64). error_code and entry_vector are Xen-private; the segment
// selectors are padded to 8 bytes each.

struct cpu_user_regs {
    uint64_t r15;
    uint64_t r14;
    uint64_t r13;
    uint64_t r12;
    uint64_t rbp;
    uint64_t rbx;
    uint64_t r11;
    uint64_t r10;
    uint64_t r9;
    uint64_t r8;
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    uint64_t rip;
    uint16_t cs;
    uint16_t pad0[1];
    uint8_t saved_upcall_mask; // events masked on entry; IF in rflags is its inverse
    uint8_t pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss;
    uint16_t pad2[3];
    uint16_t es;
    uint16_t pad3[3];
    uint16_t ds;
    uint16_t pad4[3];
    uint16_t fs;
    uint16_t pad5[3];
    uint16_t gs;
    uint16_t pad6[3];
};
static_assert(sizeof(cpu_user_regs) == 200);
static_assert(offsetof(cpu_user_regs, rbp) == 32 && offsetof(cpu_user_regs, rax) == 80 &&
              offsetof(cpu_user_regs, rdi) == 112 && offsetof(cpu_user_regs, error_code) == 120 &&
              offsetof(cpu_user_regs, entry_vector) == 124 && offsetof(cpu_user_regs, rip) == 128 &&
              offsetof(cpu_user_regs, cs) == 136 &&
              offsetof(cpu_user_regs, saved_upcall_mask) == 140 &&
              offsetof(cpu_user_regs, rflags) == 144 && offsetof(cpu_user_regs, rsp) == 152 &&
              offsetof(cpu_user_regs, ss) == 160 && offsetof(cpu_user_regs, es) == 168 &&
              offsetof(cpu_user_regs, ds) == 176 && offsetof(cpu_user_regs, fs) == 184 &&
              offsetof(cpu_user_regs, gs) == 192);

// The frame HYPERVISOR_iret pops from the guest stack (top first).
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(iret_context) == 72);
static_assert(offsetof(iret_context, flags) == 24 && offsetof(iret_context, rip) == 32 &&
              offsetof(iret_context, ss) == 64);

// ---------------------------------------------------------------------------------------
// vcpu_guest_context: a vCPU's whole PV state, for VCPUOP_initialise and the domctls
// that get/set it.

inline constexpr uint64_t VGCF_I387_VALID = 1u << 0;
inline constexpr uint64_t VGCF_IN_KERNEL = 1u << 2;
inline constexpr unsigned VGCF_i387_valid_bit = 0;
inline constexpr uint64_t VGCF_i387_valid = 1u << 0;
inline constexpr unsigned VGCF_in_kernel_bit = 2;
inline constexpr uint64_t VGCF_in_kernel = 1u << 2;
inline constexpr unsigned VGCF_failsafe_disables_events_bit = 3;
inline constexpr uint64_t VGCF_failsafe_disables_events = 1u << 3;
inline constexpr unsigned VGCF_syscall_disables_events_bit = 4;
inline constexpr uint64_t VGCF_syscall_disables_events = 1u << 4;
inline constexpr unsigned VGCF_online_bit = 5;
inline constexpr uint64_t VGCF_online = 1u << 5;
// x86-64: the guest left through SYSCALL, so return with SYSRET semantics (iret frame
// restores rax, rip, rflags, rsp only).
inline constexpr unsigned VGCF_in_syscall_bit = 8;
inline constexpr uint64_t VGCF_in_syscall = 1u << 8;
inline constexpr uint64_t VGCF_IN_SYSCALL = VGCF_in_syscall;

struct vcpu_guest_context {
    uint8_t fpu_ctxt[512]; // FXSAVE image, first so it can be kept 16-byte aligned
    uint64_t flags;        // VGCF_*
    cpu_user_regs user_regs;
    trap_info trap_ctxt[256]; // the virtual IDT
    uint64_t ldt_base, ldt_ents;
    uint64_t gdt_frames[16], gdt_ents;
    uint64_t kernel_ss, kernel_sp; // the stack for ring-3 -> guest-kernel transitions
    uint64_t ctrlreg[8];           // CR0-CR7; ctrlreg[1] is the user page table on x86-64
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist; // bitmap of VMASST_TYPE_*
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
static_assert(sizeof(vcpu_guest_context) == 5168);
static_assert(offsetof(vcpu_guest_context, flags) == 512 &&
              offsetof(vcpu_guest_context, user_regs) == 520 &&
              offsetof(vcpu_guest_context, trap_ctxt) == 720 &&
              offsetof(vcpu_guest_context, ldt_base) == 4816 &&
              offsetof(vcpu_guest_context, gdt_frames) == 4832 &&
              offsetof(vcpu_guest_context, kernel_ss) == 4968 &&
              offsetof(vcpu_guest_context, ctrlreg) == 4984 &&
              offsetof(vcpu_guest_context, debugreg) == 5048 &&
              offsetof(vcpu_guest_context, event_callback_eip) == 5112 &&
              offsetof(vcpu_guest_context, vm_assist) == 5136 &&
              offsetof(vcpu_guest_context, gs_base_user) == 5160);

// ---------------------------------------------------------------------------------------
// The x86 parts of vcpu_info and shared_info.

struct arch_vcpu_info {
    uint64_t cr2; // faulting address of the last page fault bounced to the guest
    uint64_t pad; // keeps vcpu_info at 64 bytes
};
static_assert(sizeof(arch_vcpu_info) == 16);

struct arch_shared_info {
    // Number of valid entries in the guest's p2m (pfn -> mfn) table.
    uint64_t max_pfn;
    // Root of the three-level p2m frame tree (0: not set up; ~0: too large, use p2m_vaddr).
    xen_pfn_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason; // XEN_NMIREASON_*
    // The linear p2m list: valid when p2m_cr3 is non-zero. p2m_cr3 is a CR3-format frame
    // of the address space where p2m_vaddr maps entries [0, max_pfn). The guest bumps
    // p2m_generation around each change (odd while a change is in progress).
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};
static_assert(sizeof(arch_shared_info) == 48);
static_assert(offsetof(arch_shared_info, pfn_to_mfn_frame_list_list) == 8 &&
              offsetof(arch_shared_info, nmi_reason) == 16 &&
              offsetof(arch_shared_info, p2m_cr3) == 24 &&
              offsetof(arch_shared_info, p2m_vaddr) == 32 &&
              offsetof(arch_shared_info, p2m_generation) == 40);

// ---------------------------------------------------------------------------------------
// Per-domain x86 configuration chosen at XEN_DOMCTL_createdomain: which devices Xen
// emulates (none for PV, a set for PVH and HVM).

inline constexpr unsigned XEN_X86_EMU_LAPIC_bit = 0;
inline constexpr unsigned XEN_X86_EMU_HPET_bit = 1;
inline constexpr unsigned XEN_X86_EMU_PM_bit = 2;
inline constexpr unsigned XEN_X86_EMU_RTC_bit = 3;
inline constexpr unsigned XEN_X86_EMU_IOAPIC_bit = 4;
inline constexpr unsigned XEN_X86_EMU_PIC_bit = 5;
inline constexpr unsigned XEN_X86_EMU_VGA_bit = 6;
inline constexpr unsigned XEN_X86_EMU_IOMMU_bit = 7;
inline constexpr unsigned XEN_X86_EMU_PIT_bit = 8;
inline constexpr unsigned XEN_X86_EMU_USE_PIRQ_bit = 9;
inline constexpr unsigned XEN_X86_EMU_VPCI_bit = 10;
inline constexpr uint32_t XEN_X86_EMU_LAPIC = 1u << 0;
inline constexpr uint32_t XEN_X86_EMU_HPET = 1u << 1;
inline constexpr uint32_t XEN_X86_EMU_PM = 1u << 2;
inline constexpr uint32_t XEN_X86_EMU_RTC = 1u << 3;
inline constexpr uint32_t XEN_X86_EMU_IOAPIC = 1u << 4;
inline constexpr uint32_t XEN_X86_EMU_PIC = 1u << 5;
inline constexpr uint32_t XEN_X86_EMU_VGA = 1u << 6;
inline constexpr uint32_t XEN_X86_EMU_IOMMU = 1u << 7;
inline constexpr uint32_t XEN_X86_EMU_PIT = 1u << 8;
inline constexpr uint32_t XEN_X86_EMU_USE_PIRQ = 1u << 9;
inline constexpr uint32_t XEN_X86_EMU_VPCI = 1u << 10;
inline constexpr uint32_t XEN_X86_EMU_ALL = (1u << 11) - 1;
// misc_flags: unknown MSR accesses are ignored rather than faulted.
inline constexpr uint32_t XEN_X86_MSR_RELAXED = 1u << 0;
inline constexpr uint32_t XEN_X86_MISC_FLAGS_MAX = XEN_X86_MSR_RELAXED;

struct xen_arch_domainconfig {
    uint32_t emulation_flags; // XEN_X86_EMU_*
    uint32_t misc_flags;      // XEN_X86_MSR_*
};
static_assert(sizeof(xen_arch_domainconfig) == 8);

// One CPUID leaf of a domain's CPU policy.
inline constexpr uint32_t XEN_CPUID_NO_SUBLEAF = 0xffffffffu;
struct xen_cpuid_leaf {
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
};
static_assert(sizeof(xen_cpuid_leaf) == 24);

// One MSR of a domain's CPU policy or a vCPU's MSR state.
struct xen_msr_entry {
    uint32_t idx;
    uint32_t flags; // reserved, zero
    uint64_t val;
};
static_assert(sizeof(xen_msr_entry) == 16 && offsetof(xen_msr_entry, val) == 8);

// The "forced emulation" prefix: ud2 followed by the bytes "xen". A PV guest puts it in
// front of CPUID to get the hypervisor's filtered view of that instruction.
inline constexpr uint8_t XEN_EMULATE_PREFIX[5] = {0x0f, 0x0b, 0x78, 0x65, 0x6e};

// HVM guests may write debug output to this I/O port.
inline constexpr uint16_t XEN_HVM_DEBUGCONS_IOPORT = 0xe9;

} // namespace xen
