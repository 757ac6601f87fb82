// Routing single IOAPIC inputs (the GSIs dom0 binds) to xenon's vectors.
#include "arch/ioapic.h"

#include "arch/lapic.h"
#include "arch/layout.h"
#include "arch/power.h"

namespace arch {

namespace {

struct Pin {
    volatile uint32_t* regs;
    unsigned index;
};

uint32_t read_reg(volatile uint32_t* regs, uint32_t reg) {
    regs[0] = reg;
    return regs[4];
}

void write_reg(volatile uint32_t* regs, uint32_t reg, uint32_t value) {
    regs[0] = reg;
    regs[4] = value;
}

bool find_pin(unsigned gsi, Pin* pin) {
    const acpi::MadtInfo& madt = acpi_madt();
    for (size_t i = 0; i < madt.ioapic_count; i++) {
        const acpi::IoApic& io = madt.ioapics[i];
        auto* regs = static_cast<volatile uint32_t*>(phys_to_virt(io.address));
        unsigned entries = ((read_reg(regs, 1) >> 16) & 0xff) + 1;
        if (gsi >= io.gsi_base && gsi < io.gsi_base + entries) {
            *pin = {regs, gsi - io.gsi_base};
            return true;
        }
    }
    return false;
}

constexpr uint32_t kMasked = 1u << 16;
constexpr uint32_t kLevel = 1u << 15;
constexpr uint32_t kActiveLow = 1u << 13;

} // namespace

bool ioapic_has_gsi(unsigned gsi) {
    Pin pin;
    return gsi < kMaxRoutedGsis && find_pin(gsi, &pin);
}

void gsi_default_mode(unsigned gsi, bool* level, bool* active_low) {
    *level = gsi >= 16;
    *active_low = gsi >= 16;
    const acpi::MadtInfo& madt = acpi_madt();
    for (size_t i = 0; i < madt.override_count; i++) {
        const acpi::Override& o = madt.overrides[i];
        if (o.gsi != gsi)
            continue;
        // MPS INTI flags: polarity in bits 0-1 (3: low), trigger in bits 2-3 (3: level);
        // 0 means "as the bus defines it", ISA's edge / high.
        if ((o.flags & 3) == 3)
            *active_low = true;
        else if ((o.flags & 3) == 1)
            *active_low = false;
        if (((o.flags >> 2) & 3) == 3)
            *level = true;
        else if (((o.flags >> 2) & 3) == 1)
            *level = false;
    }
}

void ioapic_route_gsi(unsigned gsi, bool level, bool active_low) {
    Pin pin;
    if (!find_pin(gsi, &pin))
        return;
    uint32_t low = kMasked | (kVecGsiBase + gsi);
    if (level)
        low |= kLevel;
    if (active_low)
        low |= kActiveLow;
    write_reg(pin.regs, 0x10 + 2 * pin.index, kMasked);
    write_reg(pin.regs, 0x11 + 2 * pin.index, lapic_id() << 24);
    write_reg(pin.regs, 0x10 + 2 * pin.index, low);
}

void ioapic_mask_gsi(unsigned gsi, bool masked) {
    Pin pin;
    if (!find_pin(gsi, &pin))
        return;
    uint32_t low = read_reg(pin.regs, 0x10 + 2 * pin.index);
    write_reg(pin.regs, 0x10 + 2 * pin.index, masked ? low | kMasked : low & ~kMasked);
}

} // namespace arch
