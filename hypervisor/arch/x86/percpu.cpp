#include "arch/percpu.h"

#include "lib/string.h"

extern "C" char cpu0_stack_block[];

namespace arch {
namespace {

// The boot CPU's structures are static: they are needed before any allocator exists.
alignas(PAGE_SIZE) constinit uint64_t cpu0_gdt[GDT_PAGES * PAGE_SIZE / 8] = {};
constinit PerCpu cpu0 = {};
constinit PerCpu* cpus[kMaxCpus] = {};
constinit unsigned online_count = 0;
constinit unsigned possible_count = 0;

} // namespace

PerCpu* cpu(unsigned id) { return id < kMaxCpus ? cpus[id] : nullptr; }
unsigned cpus_online() { return __atomic_load_n(&online_count, __ATOMIC_ACQUIRE); }
unsigned cpus_possible() { return possible_count; }

PerCpu* percpu_create(unsigned id, uint32_t apic_id, uintptr_t stack_block, uint64_t* gdt) {
    if (id >= kMaxCpus)
        return nullptr;
    PerCpu* c;
    if (id == 0) {
        c = &cpu0;
        stack_block = reinterpret_cast<uintptr_t>(cpu0_stack_block);
        gdt = cpu0_gdt;
    } else {
        // The PerCpu lives in the CpuInfo area at the top of the CPU's own stack block,
        // after the CpuInfo at the PerCpu's own alignment.
        constexpr size_t kOffset = (sizeof(CpuInfo) + alignof(PerCpu) - 1) & ~(alignof(PerCpu) - 1);
        static_assert(kOffset + sizeof(PerCpu) <= CPU_INFO_SIZE);
        c = reinterpret_cast<PerCpu*>(stack_block + STACK_SIZE - CPU_INFO_SIZE + kOffset);
    }
    // An AP's stack block comes from the page allocator, which does not zero: with
    // -m 2048 on QEMU it lands in RAM that iPXE's option ROM used, and a stale
    // current_vcpu left there sent the AP's idle loop into a vCPU that is not one (#GP).
    auto* info = reinterpret_cast<CpuInfo*>(stack_block + STACK_SIZE - CPU_INFO_SIZE);
    memset(info, 0, CPU_INFO_SIZE);
    memset(c, 0, sizeof(*c));
    c->id = id;
    c->apic_id = apic_id;
    c->stack_block = stack_block;
    c->gdt = gdt;
    info->percpu = c;
    info->id = id;
    cpus[id] = c;
    if (id + 1 > possible_count)
        possible_count = id + 1;
    return c;
}

void percpu_set_online(unsigned id) {
    cpus[id]->online = true;
    __atomic_fetch_add(&online_count, 1, __ATOMIC_RELEASE);
}

} // namespace arch
