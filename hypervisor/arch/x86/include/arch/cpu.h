// Low-level CPU access: control registers, MSRs, CPUID, interrupts on/off, halting.
#pragma once
#include <stdint.h>

namespace arch {

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t(hi) << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t value) {
    asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)));
}

inline uint64_t rdtsc() {
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t(hi) << 32) | lo;
}

#define DEFINE_CR(n)                                                                       \
    inline uint64_t read_cr##n() {                                                         \
        uint64_t v;                                                                        \
        asm volatile("mov %%cr" #n ", %0" : "=r"(v));                                      \
        return v;                                                                          \
    }                                                                                      \
    inline void write_cr##n(uint64_t v) { asm volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

inline void irq_disable() { asm volatile("cli" ::: "memory"); }
inline void irq_enable() { asm volatile("sti" ::: "memory"); }
inline bool irqs_enabled() {
    uint64_t flags;
    asm volatile("pushfq; popq %0" : "=r"(flags));
    return flags & (1 << 9);
}
inline uint64_t irq_save() {
    uint64_t flags;
    asm volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
    return flags;
}
inline void irq_restore(uint64_t flags) {
    if (flags & (1 << 9))
        irq_enable();
}
// Waits for an interrupt with interrupts enabled atomically (sti's one-instruction shadow).
inline void safe_halt() { asm volatile("sti; hlt" ::: "memory"); }
[[noreturn]] inline void halt_forever() {
    for (;;)
        asm volatile("cli; hlt");
}
inline void invlpg(const void* va) { asm volatile("invlpg (%0)" ::"r"(va) : "memory"); }
inline void flush_tlb_local() { write_cr3(read_cr3()); }

namespace msr {
constexpr uint32_t kApicBase = 0x1b;
constexpr uint32_t kEfer = 0xc0000080;
constexpr uint32_t kStar = 0xc0000081;
constexpr uint32_t kLstar = 0xc0000082;
constexpr uint32_t kCstar = 0xc0000083;
constexpr uint32_t kFmask = 0xc0000084;
constexpr uint32_t kFsBase = 0xc0000100;
constexpr uint32_t kGsBase = 0xc0000101;
constexpr uint32_t kKernelGsBase = 0xc0000102;
constexpr uint32_t kTscAux = 0xc0000103;
constexpr uint32_t kPat = 0x277;
} // namespace msr

// CPU features xenon cares about, read once on the boot CPU.
struct CpuFeatures {
    bool x2apic, tsc_deadline, invariant_tsc, pdpe1gb, nx, smep, smap, fsgsbase, xsave, pcid,
        svm, vmx, hypervisor;
    uint32_t max_leaf, max_ext_leaf;
    char vendor[13];
    char brand[49];
    uint32_t family, model, stepping;
};
const CpuFeatures& cpu_features();
void detect_cpu_features();
// CR0/CR4/XCR0 as xenon runs with them: FPU/SSE/XSAVE usable by guests, SMEP on.
void cpu_init_control_registers();

} // namespace arch
