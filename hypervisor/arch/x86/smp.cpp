#include "arch/smp.h"

#include "arch/cpu.h"
#include "arch/desc.h"
#include "arch/hvm.h"
#include "arch/lapic.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/time.h"
#include "arch/traps.h"
#include "arch/power.h"
#include "common/console.h"
#include "common/timer.h"
#include "common/memory/buddy.h"
#include "common/panic.h"
#include "lib/spinlock.h"
#include "lib/string.h"

extern "C" char trampoline_start[], trampoline_end[], trampoline_params[];

namespace arch {

namespace {

// Mirrors the parameter block at the end of boot/trampoline.S.
struct [[gnu::packed]] TrampolineParams {
    uint64_t gdt[4];
    uint16_t gdt_limit;
    uint32_t gdt_base;
    uint16_t pad0;
    uint32_t far32_offset;
    uint16_t far32_selector;
    uint16_t pad1;
    uint32_t far64_offset;
    uint16_t far64_selector;
    uint16_t pad2;
    uint64_t cr3;
    uint64_t efer;
    uint64_t stack;
    uint64_t entry;
    uint64_t cpu;
};

constexpr uint64_t kApStartTimeoutUs = 2000000; // generous: software emulation is slow

struct CallRequest {
    lib::SpinLock lock;
    void (*fn)(void*);
    void* arg;
    volatile unsigned pending;
};
constinit CallRequest call_request = {};

void call_function_interrupt(TrapFrame&) {
    lapic_eoi();
    call_request.fn(call_request.arg);
    __atomic_fetch_sub(&call_request.pending, 1, __ATOMIC_RELEASE);
}

void kick_interrupt(TrapFrame&) {
    lapic_eoi();
    timer_run_expired(); // a timer may have been set for this CPU from elsewhere
}

void stop_interrupt(TrapFrame&) {
    this_cpu().in_panic = true;
    halt_forever();
}


extern "C" [[noreturn]] void ap_start(unsigned id) {
    PerCpu& me = *cpu(id);
    load_descriptor_tables(me);
    cpu_init_control_registers();
    lapic_setup_cpu();
    pv_cpu_init();
    hvm_cpu_init();
    timer_cpu_init();
    percpu_set_online(id);
    pv_idle_loop();
}

bool start_one(unsigned id, uint32_t apic_id, uint64_t trampoline_phys) {
    void* stack = memory::alloc_pages(STACK_ORDER);
    void* gdt = memory::alloc_pages(4); // GDT_PAGES
    if (!stack || !gdt) {
        log_warn("smp: out of memory for CPU %u", id);
        return false;
    }
    static_assert(GDT_PAGES == 16);
    auto block = reinterpret_cast<uintptr_t>(stack);
    PerCpu* c = percpu_create(id, apic_id, block, static_cast<uint64_t*>(gdt));
    if (!c)
        return false;

    auto* params = static_cast<TrampolineParams*>(
        phys_to_virt(trampoline_phys + (trampoline_params - trampoline_start)));
    params->stack = block + STACK_SIZE - CPU_INFO_SIZE;
    params->entry = reinterpret_cast<uint64_t>(&ap_start);
    params->cpu = id;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    // INIT, then STARTUP twice, as the MP start-up protocol asks.
    uint8_t vector = static_cast<uint8_t>(trampoline_phys >> PAGE_SHIFT);
    lapic_send_ipi(apic_id, 0, IpiMode::kInit);
    udelay(10000);
    for (int attempt = 0; attempt < 2 && !c->online; attempt++) {
        lapic_send_ipi(apic_id, vector, IpiMode::kStartup);
        udelay(200);
    }
    uint64_t deadline = now_ns() + kApStartTimeoutUs * 1000;
    while (!c->online && now_ns() < deadline)
        asm volatile("pause");
    if (!c->online) {
        log_warn("smp: CPU %u (APIC id %u) did not start", id, apic_id);
        return false;
    }
    return true;
}

} // namespace

void smp_boot_aps(unsigned max_cpus, uint64_t trampoline_phys) {
    set_irq_handler(kVecCallFunction, call_function_interrupt);
    set_irq_handler(kVecStopCpu, stop_interrupt);
    set_irq_handler(kVecKick, kick_interrupt);

    size_t size = trampoline_end - trampoline_start;
    memcpy(phys_to_virt(trampoline_phys), trampoline_start, size);
    auto* params = static_cast<TrampolineParams*>(
        phys_to_virt(trampoline_phys + (trampoline_params - trampoline_start)));
    params->gdt_base += static_cast<uint32_t>(trampoline_phys);
    params->far32_offset += static_cast<uint32_t>(trampoline_phys);
    params->far64_offset += static_cast<uint32_t>(trampoline_phys);
    params->cr3 = paging_boot_root();
    params->efer = rdmsr(msr::kEfer);

    const acpi::MadtInfo& madt = acpi_madt();
    uint32_t self = lapic_id();
    unsigned listed = 0;
    unsigned next_id = 1;
    for (size_t i = 0; i < madt.cpu_count; i++) {
        const acpi::Cpu& entry = madt.cpus[i];
        if (!entry.enabled)
            continue;
        listed++;
        if (entry.apic_id == self)
            continue;
        if (max_cpus && next_id >= max_cpus)
            continue;
        if (next_id >= kMaxCpus) {
            log_warn("smp: more than %u CPUs; the rest stay off", kMaxCpus);
            break;
        }
        if (start_one(next_id, entry.apic_id, trampoline_phys))
            next_id++;
    }
    if (listed == 0)
        listed = 1;
    log_info("smp: %u CPU%s listed by firmware, %u online%s", listed, listed == 1 ? "" : "s",
             cpus_online(), max_cpus && max_cpus < listed ? " (limited by maxcpus=)" : "");
}

void smp_call_others(void (*fn)(void*), void* arg) {
    unsigned others = cpus_online() - 1;
    if (!others)
        return;
    lib::LockGuard guard(call_request.lock);
    call_request.fn = fn;
    call_request.arg = arg;
    __atomic_store_n(&call_request.pending, others, __ATOMIC_RELEASE);
    lapic_send_ipi_all_but_self(kVecCallFunction);
    while (__atomic_load_n(&call_request.pending, __ATOMIC_ACQUIRE))
        asm volatile("pause");
}

void smp_kick(unsigned cpu) {
    PerCpu* c = arch::cpu(cpu);
    if (c && c->online)
        lapic_send_ipi(c->apic_id, kVecKick);
}

void on_each_cpu(void (*fn)(void*), void* arg) {
    smp_call_others(fn, arg);
    uint64_t flags = irq_save();
    fn(arg);
    irq_restore(flags);
}

} // namespace arch
