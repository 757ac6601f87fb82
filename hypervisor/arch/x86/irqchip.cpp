#include "arch/irqchip.h"

#include "arch/io.h"
#include "arch/layout.h"
#include "arch/power.h"
#include "common/console.h"

namespace arch {

void pic_disable() {
    // Re-base both PICs to vectors 0x20..0x2f (so a stray IRQ is never taken for an
    // exception), then mask every line.
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    io_delay();
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    io_delay();
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    io_delay();
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    io_delay();
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

unsigned ioapic_mask_all() {
    const acpi::MadtInfo& madt = acpi_madt();
    unsigned inputs = 0;
    for (size_t i = 0; i < madt.ioapic_count; i++) {
        const acpi::IoApic& io = madt.ioapics[i];
        auto* regs = static_cast<volatile uint32_t*>(phys_to_virt(io.address));
        auto read = [&](uint32_t reg) {
            regs[0] = reg;
            return regs[4];
        };
        auto write = [&](uint32_t reg, uint32_t value) {
            regs[0] = reg;
            regs[4] = value;
        };
        unsigned entries = ((read(1) >> 16) & 0xff) + 1;
        for (unsigned e = 0; e < entries; e++) {
            write(0x10 + 2 * e, 1u << 16); // masked, vector 0
            write(0x11 + 2 * e, 0);
        }
        log_info("ioapic: id %u at %#x, GSIs %u-%u masked", io.id, io.address, io.gsi_base,
                 io.gsi_base + entries - 1);
        inputs += entries;
    }
    return inputs;
}

} // namespace arch
