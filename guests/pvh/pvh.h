// The PVH flavour of the test-guest runtime (guests/pvh): the same verdicts, printf and
// hypercall wrappers as guests/runtime/runtime.h (built with XT_PVH, so every hypercall
// goes through the hypercall page's VMMCALL stubs), plus what a PVH guest has instead of
// the PV interfaces: the hvm_start_info, its own IDT, CPUID/MSR access, and the event
// upcall through a callback vector.
//
// Before test_main() runs, head.S has entered long mode (the first GiB mapped at 0 and at
// VIRT_BASE), and start.cpp has loaded an IDT (an unexpected exception reports ERROR)
// and installed the hypercall page through the MSR that CPUID 0x40000002 names.
#pragma once
#include <stdint.h>

#include "public/hvm/start_info.h"
#include "runtime.h"

namespace xt::pvh {

inline constexpr uint64_t kVirtBase = 0xffffffff80000000ull;
inline uint64_t phys_of(const volatile void* va) {
    return uint64_t(va) - kVirtBase;
}
template <typename T = void> T* virt_of(uint64_t pa) {
    return reinterpret_cast<T*>(pa + kVirtBase);
}

extern const xen::hvm_start_info* start_info;
extern uint64_t start_info_pa;
extern uint32_t hypercall_msr; // from CPUID 0x40000002

struct Frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code, rip, cs, rflags, rsp, ss;
};

struct Cpuid {
    uint32_t eax, ebx, ecx, edx;
};
inline Cpuid cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    Cpuid r;
    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

// A fault taken by the instructions inside an XT_PVH_TRY block: the vector (-1: none)
// and error code; execution continues after the block.
struct Fault {
    int vector;
    uint64_t error_code;
};
extern volatile uint64_t fault_fixup; // where the trap handler resumes, 0: not armed
extern volatile Fault last_fault;

// Runs `insns` (an asm string) with the given operands; a fault in it is recorded in
// last_fault and skipped to the end of the block.
#define XT_PVH_TRY(insns, ...)                                                                     \
    ({                                                                                             \
        ::xt::pvh::last_fault.vector = -1;                                                         \
        asm volatile("leaq 9f(%%rip), %%r11\n\t"                                                   \
                     "movq %%r11, %[fix]\n\t" insns "\n9:\n\t"                                     \
                     "movq $0, %[fix]" __VA_ARGS__);                                               \
        ::xt::pvh::Fault{::xt::pvh::last_fault.vector, ::xt::pvh::last_fault.error_code};          \
    })

// RDMSR/WRMSR that report a #GP instead of dying: true when the access worked.
bool rdmsr_safe(uint32_t msr, uint64_t* value);
bool wrmsr_safe(uint32_t msr, uint64_t value);

// The event upcall: vector `vector` in the IDT runs a handler that counts it, clears
// evtchn_upcall_pending and every pending port of `shared` (the guest's mapped
// shared_info), and returns. set_upcall_vector() also sets HVM_PARAM_CALLBACK_IRQ.
extern volatile unsigned upcall_count;
extern xen::shared_info* shared;
long set_upcall_vector(uint8_t vector);
// Maps shared_info at guest frame gfn (XENMEM_add_to_physmap): 0 or Xen's error.
long map_shared_info(void* page);

} // namespace xt::pvh
