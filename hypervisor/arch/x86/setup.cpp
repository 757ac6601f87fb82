// The boot CPU's path from head.S to a running hypervisor: console, boot information,
// command line, descriptor tables, memory, ACPI, interrupts, timers and the other CPUs.
// Each step depends only on the ones before it.
#include "arch/cpu.h"
#include "arch/cpu_policy.h"
#include "arch/desc.h"
#include "arch/hvm.h"
#include "arch/irqchip.h"
#include "arch/lapic.h"
#include "arch/layout.h"
#include "arch/machine.h"
#include "arch/paging.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/power.h"
#include "arch/serial.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "common/boot.h"
#include "common/bootinfo.h"
#include "common/cmdline.h"
#include "common/options.h"
#include "common/console.h"
#include "common/memory/boot_memory.h"
#include "common/memory/buddy.h"
#include "common/panic.h"
#include "common/sched/sched.h"
#include "common/timer.h"

extern "C" char __image_start[], __image_end[];

namespace arch {
namespace {

constexpr uint32_t kMultiboot1Magic = 0x2badb002;
constexpr uint32_t kMultiboot2Magic = 0x36d76289;
constexpr uint64_t kMiB = 1ull << 20;

constinit BootInfo boot_info = {};

// Page-table pages for the direct map above 4 GiB, before the frame allocator exists.
constexpr unsigned kTablePoolPages = 64;
alignas(PAGE_SIZE) constinit uint8_t table_pool[kTablePoolPages][PAGE_SIZE] = {};
constinit unsigned table_pool_used = 0;

uint64_t alloc_table_page() {
    if (table_pool_used == kTablePoolPages)
        return 0;
    return virt_to_phys(table_pool[table_pool_used++]);
}

const void* map_low_phys(uint64_t phys, size_t len, void*) {
    // Before the direct map grows, only the first 4 GiB may be read.
    if (phys + len < phys || phys + len > paging_direct_map_end())
        return nullptr;
    return phys_to_virt(phys);
}

// Picks the page the APs start in: usable RAM below 640 KiB (the STARTUP IPI can only
// name a page below 1 MiB), away from page 0 (real-mode IVT, BIOS data).
uint64_t find_trampoline_page(const BootInfo& info) {
    uint64_t best = 0;
    for (size_t i = 0; i < info.memory_count; i++) {
        const MemoryRegion& r = info.memory[i];
        if (r.type != 1)
            continue;
        uint64_t start = (r.base + PAGE_SIZE - 1) & ~uint64_t(PAGE_SIZE - 1);
        uint64_t end = (r.base + r.length) & ~uint64_t(PAGE_SIZE - 1);
        if (end > 0xa0000)
            end = 0xa0000;
        if (start < 0x1000)
            start = 0x1000;
        if (end > start)
            best = end - PAGE_SIZE;
    }
    return best;
}

void self_test_timer() {
    constexpr uint64_t kTestNs = 10 * 1000 * 1000;
    PerCpu& me = this_cpu();
    uint64_t before = me.timer_fires;
    uint64_t start = rdtsc();
    lapic_timer_oneshot_tsc(ns_to_tsc(kTestNs));
    uint64_t deadline = start + ns_to_tsc(20 * kTestNs);
    while (me.timer_fires == before && rdtsc() < deadline)
        safe_halt();
    if (me.timer_fires == before)
        fatal_boot_error("the local APIC timer never fired (waited %lu ms)", 20 * kTestNs / 1000000);
    uint64_t took_us = tsc_to_ns(me.timer_fired_tsc - start) / 1000;
    log_info("timer: one-shot of 10 ms fired after %lu.%03lu ms", took_us / 1000, took_us % 1000);
}

// Every CPU reports in through a cross-CPU call; the count proves IPIs work.
void self_test_ipi() {
    static constinit volatile unsigned answered = 0;
    static constinit volatile uint64_t seen_mask[kMaxCpus / 64] = {};
    answered = 0;
    on_each_cpu(
        [](void*) {
            unsigned id = this_cpu_id();
            __atomic_fetch_or(&seen_mask[id / 64], 1ull << (id % 64), __ATOMIC_RELAXED);
            __atomic_fetch_add(&answered, 1, __ATOMIC_RELAXED);
        },
        nullptr);
    unsigned distinct = 0;
    for (uint64_t word : seen_mask)
        distinct += __builtin_popcountll(word);
    if (answered != cpus_online() || distinct != cpus_online())
        fatal_boot_error("cross-CPU call: %u of %u CPUs answered", answered, cpus_online());
    log_info("smp: cross-CPU call answered by %u/%u CPUs", distinct, cpus_online());
}

// Applies what the command line says about hardware set up before it was read.
void apply_boot_options() {
    const BootOptions& options = boot_options();
    if (options.com1.set && options.com1.baud) {
        SerialLine line;
        line.baud = options.com1.baud;
        line.data_bits = options.com1.data_bits;
        line.parity = options.com1.parity;
        line.stop_bits = options.com1.stop_bits;
        if (options.com1.io_base)
            line.port = options.com1.io_base;
        serial_init(line);
    }
    machine_set_debug_exit_port(options.debug_exit);
    machine_set_noreboot(options.noreboot);
}

} // namespace

const BootInfo& boot_information() { return boot_info; }

} // namespace arch

using namespace arch;

extern "C" [[noreturn]] void xenon_start(uint32_t magic, uint32_t info_phys) {
    serial_init(SerialLine{});
    log_info("xenon hypervisor starting");

    PerCpu* bsp = percpu_create(0, 0, 0, nullptr);
    idt_init();
    load_descriptor_tables(*bsp);
    detect_cpu_features();
    cpu_init_control_registers();

    PhysReader reader{map_low_phys, nullptr};
    bool parsed = false;
    if (magic == kMultiboot1Magic)
        parsed = parse_multiboot1(info_phys, reader, &boot_info);
    else if (magic == kMultiboot2Magic)
        parsed = parse_multiboot2(info_phys, reader, &boot_info);
    else
        fatal_boot_error("not started by a Multiboot loader (magic %#x); boot xenon with GRUB "
                         "(multiboot2) or QEMU -kernel",
                         magic);
    if (!parsed)
        fatal_boot_error("the boot loader's information could not be read");

    cmdline_apply(boot_info.cmdline);
    apply_boot_options();
    log_info("command line: %s", boot_info.cmdline[0] ? boot_info.cmdline : "(empty)");
    bootinfo_log(boot_info);

    // Memory: map all RAM, then hand every free frame to the allocator.
    uint64_t top = 0;
    for (size_t i = 0; i < boot_info.memory_count; i++)
        if (boot_info.memory[i].type == 1 && boot_info.memory[i].base + boot_info.memory[i].length > top)
            top = boot_info.memory[i].base + boot_info.memory[i].length;
    paging_extend_direct_map(top, alloc_table_page);
    memory_init_from_boot(boot_info, virt_to_phys(__image_start), virt_to_phys(__image_end));

    acpi_init(boot_info.acpi_rsdp_len ? boot_info.acpi_rsdp : nullptr, boot_info.acpi_rsdp_len);

    pic_disable();
    ioapic_mask_all();
    tsc_calibrate();
    lapic_init_bsp(acpi_madt().lapic_address);
    lapic_setup_cpu();
    bsp->apic_id = lapic_id();
    percpu_set_online(0);
    pv_cpu_init();
    hvm_cpu_init();
    cpu_policy_init();
    lapic_timer_calibrate();
    irq_enable();
    self_test_timer();
    timer_cpu_init();
    sched_init();

    uint64_t trampoline = find_trampoline_page(boot_info);
    if (!trampoline)
        log_warn("smp: no free page below 640 KiB for the start-up code; running on one CPU");
    else
        smp_boot_aps(boot_options().maxcpus, trampoline);
    self_test_ipi();
    paging_drop_identity_map();

    boot_complete(boot_info);
}
