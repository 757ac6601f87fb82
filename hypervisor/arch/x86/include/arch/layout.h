// Virtual and physical layout of xenon on x86-64.
//
// xenon lives entirely in the 64-bit address space that the Xen ABI reserves for the
// hypervisor (L4 slots 256..271, 0xffff800000000000..0xffff87ffffffffff), so that a PV
// guest owns everything else: the lower half and the rest of the upper half.
#pragma once

// Included from assembly too: plain macros only, no C++ in the common part.
#define XENON_PHYS_START 0x200000            // where the loader puts the image
#define XENON_VIRT_OFFSET 0xffff82d040000000 // image virtual = physical + this
#define DIRECTMAP_BASE 0xffff830000000000    // all of RAM, virtual = physical + this
#define DIRECTMAP_END 0xffff880000000000     // 5 TiB of direct map at most

#define PAGE_SHIFT 12
#define PAGE_SIZE 0x1000

// Each CPU has one naturally aligned block: IST stacks at the bottom, the primary stack
// above them and its CpuInfo at the very top, so (rsp & ~(STACK_SIZE-1)) finds the
// CPU from any of its stacks, even while a PV guest owns the GS base.
#define STACK_ORDER 3
#define STACK_SIZE (PAGE_SIZE << STACK_ORDER)
#define CPU_INFO_SIZE 512
#define IST_STACK_SIZE PAGE_SIZE
#define IST_NMI 1
#define IST_DOUBLE_FAULT 2
#define IST_MACHINE_CHECK 3

// Xen's hypervisor selectors, so PV guests see the values they are built for.
#define HYPERVISOR_CS 0xe008
#define HYPERVISOR_DS 0xe010
#define SEL_RING3_CS32 0xe023
#define SEL_RING3_DS 0xe02b
#define SEL_RING3_CS64 0xe033
#define TSS_SELECTOR 0xe040
#define LDT_SELECTOR 0xe050
#define GDT_PAGES 16

// Set in a TrapFrame's vector word when the guest does not need the frame's rcx and r11
// back (a frame just bounced to the guest kernel, which saved them on its own stack, or
// an iret hypercall with VGCF_in_syscall): the way out may then take SYSRETQ, which
// loads rip from rcx and rflags from r11, instead of the slower IRETQ.
#define FRAME_SYSRET_OK 0x10000

#ifndef __ASSEMBLER__
#include <stdint.h>

namespace arch {

inline void* phys_to_virt(uint64_t phys) { return reinterpret_cast<void*>(phys + DIRECTMAP_BASE); }
inline uint64_t virt_to_phys(const void* virt) {
    auto v = reinterpret_cast<uint64_t>(virt);
    // Image addresses and direct-map addresses both translate by a fixed offset.
    return v >= DIRECTMAP_BASE ? v - DIRECTMAP_BASE : v - XENON_VIRT_OFFSET;
}

} // namespace arch
#endif
