#include "arch/desc.h"

#include "arch/gdt_window.h"

#include "arch/traps.h"
#include "lib/string.h"

extern "C" char trap_stubs[]; // entry.S: 256 stubs, 16 bytes apart

namespace arch {
namespace {

constexpr unsigned kStubSize = 16;

struct [[gnu::packed]] IdtGate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16);

struct [[gnu::packed]] TablePointer {
    uint16_t limit;
    uint64_t base;
};

alignas(4096) constinit IdtGate idt[256] = {};

constexpr uint64_t kCode64Ring0 = 0x00af9a000000ffff;
constexpr uint64_t kData = 0x00cf92000000ffff;
constexpr uint64_t kCode32Ring0 = 0x00cf9a000000ffff;
constexpr uint64_t kCode32Ring3 = 0x00cffa000000ffff;
constexpr uint64_t kDataRing3 = 0x00cff2000000ffff;
constexpr uint64_t kCode64Ring3 = 0x00affa000000ffff;

uint64_t& gdt_entry(uint64_t* gdt, unsigned selector) {
    return gdt[selector >> 3];
}

void set_system_descriptor(uint64_t* gdt, unsigned selector, uint64_t base, uint32_t limit,
                           uint8_t type) {
    uint64_t low = (limit & 0xffff) | ((base & 0xffffff) << 16) | (uint64_t(type) << 40) |
                   (1ull << 47) | (uint64_t((limit >> 16) & 0xf) << 48) |
                   (((base >> 24) & 0xff) << 56);
    gdt_entry(gdt, selector) = low;
    gdt_entry(gdt, selector + 8) = base >> 32;
}

} // namespace

void idt_set_gate(unsigned vector, unsigned dpl, unsigned ist) {
    auto handler = reinterpret_cast<uint64_t>(trap_stubs + vector * kStubSize);
    IdtGate& g = idt[vector];
    g.offset_low = handler & 0xffff;
    g.selector = HYPERVISOR_CS;
    g.ist = ist & 7;
    g.type_attr = 0x8e | ((dpl & 3) << 5); // present, 64-bit interrupt gate
    g.offset_mid = (handler >> 16) & 0xffff;
    g.offset_high = handler >> 32;
    g.reserved = 0;
}

void idt_init() {
    for (unsigned v = 0; v < 256; v++)
        idt_set_gate(v, 0, 0);
    // Faults that can strike with a broken stack run on their own known-good stacks.
    idt_set_gate(kVecNmi, 0, IST_NMI);
    idt_set_gate(kVecDoubleFault, 0, IST_DOUBLE_FAULT);
    idt_set_gate(kVecMachineCheck, 0, IST_MACHINE_CHECK);
    // int3 and into from a PV guest (ring 3) reach xenon as #BP/#OF, as on Xen; other
    // software interrupts fault with #GP and are decoded (pv/traps.cpp).
    idt_set_gate(kVecBreakpoint, 3, 0);
    idt_set_gate(kVecOverflow, 3, 0);
}

void load_descriptor_tables(PerCpu& cpu) {
    uint64_t* gdt = cpu.gdt;
    memset(gdt, 0, GDT_PAGES * PAGE_SIZE);
    gdt_entry(gdt, HYPERVISOR_CS) = kCode64Ring0;
    gdt_entry(gdt, HYPERVISOR_DS) = kData;
    gdt_entry(gdt, HYPERVISOR_CS + 16) = kCode32Ring0;
    gdt_entry(gdt, SEL_RING3_CS32 & ~3) = kCode32Ring3;
    gdt_entry(gdt, SEL_RING3_DS & ~3) = kDataRing3;
    gdt_entry(gdt, SEL_RING3_CS64 & ~3) = kCode64Ring3;

    memset(&cpu.tss, 0, sizeof(cpu.tss));
    uintptr_t block = cpu.stack_block;
    cpu.tss.rsp[0] = block + STACK_SIZE - CPU_INFO_SIZE;
    // IST stacks: pages 1..3 of the block (page 0 is left as a cushion below them).
    cpu.tss.ist[IST_MACHINE_CHECK - 1] = block + 2 * PAGE_SIZE;
    cpu.tss.ist[IST_DOUBLE_FAULT - 1] = block + 3 * PAGE_SIZE;
    cpu.tss.ist[IST_NMI - 1] = block + 4 * PAGE_SIZE;
    cpu.tss.iomap_base = sizeof(Tss); // no I/O bitmap: ring 3 port access faults
    set_system_descriptor(gdt, TSS_SELECTOR, reinterpret_cast<uint64_t>(&cpu.tss), sizeof(Tss) - 1,
                          0x9);

    // A null LDT: the LDTR otherwise keeps its reset value (base 0, limit 0xffff), and a
    // guest selector with TI set would make the CPU read descriptors (call gates
    // included) from whatever the guest maps at address 0.
    // The CPU reads its GDT through its window, so a vCPU's own GDT frames can be shown
    // in the lower pages later (arch/gdt_window.h).
    TablePointer gdtr{GDT_PAGES * PAGE_SIZE - 1, reinterpret_cast<uint64_t>(gdt_window_init(cpu))};
    TablePointer idtr{sizeof(idt) - 1, reinterpret_cast<uint64_t>(idt)};
    asm volatile("lgdt %0\n\t"
                 "pushq %1\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "mov %2, %%ds\n\t"
                 "mov %2, %%es\n\t"
                 "mov %2, %%ss\n\t"
                 "ltr %w3\n\t"
                 "lldt %w5\n\t"
                 "lidt %4"
                 :
                 : "m"(gdtr), "i"(HYPERVISOR_CS), "r"(uint32_t(HYPERVISOR_DS)),
                   "r"(uint32_t(TSS_SELECTOR)), "m"(idtr), "r"(0u)
                 : "rax", "memory");
}

} // namespace arch
