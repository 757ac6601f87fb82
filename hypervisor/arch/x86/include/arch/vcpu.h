// The x86 part of a domain and a vCPU: what a 64-bit PV guest's virtual CPU consists of.
#pragma once
#include <stdint.h>

#include "arch/cpu_policy.h"
#include "arch/percpu.h"
#include "arch/traps.h"
#include "public/arch-x86.h"

namespace hvm {
struct HvmVcpu;
struct HvmDomain;
} // namespace hvm

// A guest's registered trap handler for one vector (set_trap_table).
struct GuestTrap {
    uint64_t address; // 0: none registered
    uint16_t cs;
    uint8_t flags; // bits 0-1 DPL allowed to INT it, bit 2: mask events on entry
};

// One bank of the virtual machine-check architecture (pv/vmce.cpp).
struct VmceBank {
    uint64_t status, addr, misc;
};
inline constexpr unsigned kVmceBanks = 2;

struct alignas(64) ArchVcpu {
    hvm::HvmVcpu* hvm; // an HVM (PVH) vCPU's state beyond this; nullptr for PV
    // Guest register state while the vCPU is not on a CPU (while it is, the registers
    // live in the frame at the top of the CPU's stack).
    arch::TrapFrame regs;

    GuestTrap traps[256];
    uint64_t event_callback;
    uint64_t failsafe_callback;
    uint64_t syscall_callback; // from guest user mode
    uint64_t nmi_callback;
    bool syscall_disables_events;
    bool failsafe_disables_events;
    // 32-bit user space's SYSCALL and SYSENTER entries (CALLBACKOP_register).
    uint64_t syscall32_callback, sysenter_callback;
    bool syscall32_disables_events, sysenter_disables_events;

    bool in_kernel;           // guest kernel mode (vs guest user mode)
    uint64_t kernel_ss, kernel_sp; // stack_switch: where bounces from user mode land
    uint64_t cr3_kernel;      // machine address of the guest kernel's L4
    uint64_t cr3_user;        // and of the user L4 (0 if none)
    uint64_t fs_base, gs_base_kernel, gs_base_user;

    bool fpu_ts;                // the guest's virtual CR0.TS (fpu_taskswitch)
    uint64_t cr4_guest;         // the CR4 bits the guest chose (pv/emulate_cr.cpp)
    uint64_t xcr0;              // the guest's XCR0, 0 until it sets one (pv/xstate.cpp)
    struct {
        uint64_t mcg_status;
        VmceBank bank[kVmceBanks];
    } vmce;
    uint64_t debugreg[8];
    uint64_t iopl;              // virtual IOPL, 0-3 (pv/iopl.cpp)
    // The guest's GDT (set_gdt): its frames, and xenon's checked copy of their
    // descriptors, which is what the CPU's GDT holds while this vCPU runs.
    uint64_t gdt_frames[14];
    unsigned gdt_frame_count;
    uint64_t* gdt_shadow; // gdt_frame_count * 512 descriptors, or nullptr
    // MMUEXT_SET_LDT (arch/x86/pv/mm_ext.cpp): the guest's LDT, recorded; not loaded yet.
    uint64_t ldt_base;
    uint32_t ldt_ents;

    // Extended FPU state (XSAVE, or FXSAVE's first 512 bytes without XSAVE). 4 KiB holds
    // every user state component of current CPUs (AVX-512 included).
    alignas(64) uint8_t fpu_area[4096];
};

struct ArchDomain {
    hvm::HvmDomain* hvm;        // nullptr for a PV domain
    uint64_t hypercall_page_va; // 0 if the kernel did not ask for one
    // The CPUs that have loaded this domain's page tables and so may cache its
    // translations (Xen's dirty_cpumask; a CPU is never taken out again): a flush for the
    // domain reaches them only (arch/x86/pv/mm_env.cpp).
    uint64_t dirty_cpus[arch::kMaxCpus / 64];
    // Log-dirty mode (arch/pv_shadow.h): its state, nullptr when off; shadow_on once the
    // CPU is to walk the shadows.
    struct PvShadow* shadow;
    bool shadow_on;
    uint32_t paging_mb; // XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION's figure
    // XEN_DOMCTL_set_cpu_policy's policy; pv_default until it is set (arch/cpu_policy.h).
    bool cpu_policy_set;
    arch::CpuPolicy cpu_policy;
};
