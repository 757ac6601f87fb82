// Per-CPU state. Each CPU's CpuInfo sits at the top of its stack block (arch/layout.h),
// so the current CPU is found from the stack pointer, never from GS (a PV guest owns GS).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arch/layout.h"
#include "arch/traps.h"

namespace arch {

constexpr unsigned kMaxCpus = 256;

struct [[gnu::packed]] Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct PerCpu;

struct CpuInfo {
    PerCpu* percpu;
    uint32_t id;
    uint32_t pad;
    void* current_vcpu; // the Vcpu running here (common/domain.h), or nullptr
};
static_assert(sizeof(CpuInfo) <= CPU_INFO_SIZE);

struct PerCpu {
    uint32_t id;
    uint32_t apic_id;
    uintptr_t stack_block; // STACK_SIZE bytes, STACK_SIZE aligned
    uint64_t* gdt;         // GDT_PAGES pages; xenon's descriptors from byte 0xe000
    alignas(16) Tss tss;
    volatile bool online;
    volatile bool in_panic; // stopped by another CPU's panic
    volatile uint64_t timer_fired_tsc; // when the LAPIC timer last fired
    volatile uint64_t timer_fires;
};

inline CpuInfo* cpu_info() {
    uintptr_t sp;
    asm("mov %%rsp, %0" : "=r"(sp));
    return reinterpret_cast<CpuInfo*>((sp & ~uintptr_t(STACK_SIZE - 1)) + STACK_SIZE -
                                      CPU_INFO_SIZE);
}
inline PerCpu& this_cpu() { return *cpu_info()->percpu; }
inline unsigned this_cpu_id() { return cpu_info()->id; }
// Where a guest's registers are while it runs on this CPU: the frame an entry from the
// guest (interrupt, exception or SYSCALL) leaves at the very top of the stack.
inline TrapFrame* guest_frame() { return reinterpret_cast<TrapFrame*>(cpu_info()) - 1; }

// All CPUs ever set up, by xenon CPU number (the boot CPU is 0).
PerCpu* cpu(unsigned id);
unsigned cpus_online();
unsigned cpus_possible();

// Sets up a CPU's stack block, GDT, TSS; used for the boot CPU and every AP.
PerCpu* percpu_create(unsigned id, uint32_t apic_id, uintptr_t stack_block, uint64_t* gdt);
void percpu_set_online(unsigned id);

} // namespace arch
