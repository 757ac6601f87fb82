// The ACPI tables as the x86 boot code sees them, and power off / reset through them.
#include "arch/cpu.h"
#include "arch/io.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/power.h"
#include "common/console.h"

namespace arch {
namespace {

constexpr uint64_t k4GiB = 1ull << 32;
constexpr uint64_t kDefaultLapicAddress = 0xfee00000;

constinit acpi::Info info{};
constinit bool initialised = false;
// How far restart() got; a fault in one method re-enters restart() at the next.
constinit volatile int restart_stage = 0;

// Physical memory xenon can read: the first 4 GiB (mapped from the start) and the
// direct map of RAM above it.
bool reachable(uint64_t phys, uint64_t len) {
    uint64_t end = paging_direct_map_end();
    if (end < k4GiB)
        end = k4GiB;
    return phys <= end && len <= end - phys;
}

const void* map_phys(uint64_t phys, size_t len, void*) {
    return reachable(phys, len) ? phys_to_virt(phys) : nullptr;
}

// Busy-waits roughly `us` microseconds with no clock: a port 0x80 write takes ~1 us.
void io_wait_us(unsigned us) {
    for (unsigned i = 0; i < us; i++)
        io_delay();
}

// ---- Generic Address Structure access (I/O port, memory, PCI config space) ----

unsigned gas_bytes(const acpi::Gas& g, unsigned fallback) {
    if (g.access_size >= 1 && g.access_size <= 4)
        return 1u << (g.access_size - 1);
    switch (g.bit_width) {
    case 8:
        return 1;
    case 16:
        return 2;
    case 32:
        return 4;
    case 64:
        return 8;
    default:
        return fallback;
    }
}

// PCI config GAS addresses are segment 0, bus 0: device in bits 47:32, function in 31:16.
uint16_t pci_config_select(uint64_t address) {
    uint32_t dev = (address >> 32) & 0x1f, fn = (address >> 16) & 7, reg = address & 0xff;
    outl(0xcf8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xfc));
    return uint16_t(0xcfc + (reg & 3));
}

bool gas_write(const acpi::Gas& g, uint64_t value, unsigned fallback_bytes) {
    unsigned bytes = gas_bytes(g, fallback_bytes);
    value <<= g.bit_offset;
    switch (g.space()) {
    case acpi::Space::io: {
        auto port = static_cast<uint16_t>(g.address);
        if (bytes == 1)
            outb(port, uint8_t(value));
        else if (bytes == 2)
            outw(port, uint16_t(value));
        else
            outl(port, uint32_t(value));
        return true;
    }
    case acpi::Space::memory: {
        if (!reachable(g.address, bytes))
            return false;
        void* p = phys_to_virt(g.address);
        if (bytes == 1)
            *static_cast<volatile uint8_t*>(p) = uint8_t(value);
        else if (bytes == 2)
            *static_cast<volatile uint16_t*>(p) = uint16_t(value);
        else if (bytes == 4)
            *static_cast<volatile uint32_t*>(p) = uint32_t(value);
        else
            *static_cast<volatile uint64_t*>(p) = value;
        return true;
    }
    case acpi::Space::pci_config: // only used for byte-wide reset registers
        outb(pci_config_select(g.address), uint8_t(value));
        return true;
    }
    return false;
}

bool gas_read(const acpi::Gas& g, uint64_t* value, unsigned fallback_bytes) {
    unsigned bytes = gas_bytes(g, fallback_bytes);
    uint64_t v;
    if (g.space() == acpi::Space::io) {
        auto port = static_cast<uint16_t>(g.address);
        v = bytes == 1 ? inb(port) : bytes == 2 ? inw(port) : inl(port);
    } else if (g.space() == acpi::Space::memory && reachable(g.address, bytes)) {
        const void* p = phys_to_virt(g.address);
        v = bytes == 1   ? *static_cast<const volatile uint8_t*>(p)
            : bytes == 2 ? *static_cast<const volatile uint16_t*>(p)
            : bytes == 4 ? *static_cast<const volatile uint32_t*>(p)
                         : *static_cast<const volatile uint64_t*>(p);
    } else {
        return false;
    }
    *value = v >> g.bit_offset;
    return true;
}

// ---- S5 ----

constexpr uint32_t kSciEn = 1u << 0;
constexpr uint32_t kSlpTypShift = 10;
constexpr uint32_t kSlpTypMask = 7u << kSlpTypShift;
constexpr uint32_t kSlpEn = 1u << 13;
constexpr uint32_t kSleepCtlSlpTypShift = 2; // hardware-reduced sleep control register
constexpr uint32_t kSleepCtlSlpEn = 1u << 5;

// Firmware that boots in legacy mode owns the PM registers through SMM until told
// otherwise; sleeping may be ignored until SCI_EN is set.
void enter_acpi_mode(const acpi::FadtInfo& f) {
    uint64_t cnt;
    if (!gas_read(f.pm1a_cnt, &cnt, 2) || (cnt & kSciEn) || !f.smi_cmd || !f.acpi_enable)
        return;
    outb(static_cast<uint16_t>(f.smi_cmd), f.acpi_enable);
    for (int i = 0; i < 1000 && gas_read(f.pm1a_cnt, &cnt, 2) && !(cnt & kSciEn); i++)
        io_wait_us(1000);
}

void sleep_pm1(const acpi::FadtInfo& f, uint8_t typa, uint8_t typb) {
    enter_acpi_mode(f);
    uint64_t a = 0, b = 0;
    gas_read(f.pm1a_cnt, &a, 2);
    a = (a & ~uint64_t(kSlpTypMask | kSlpEn)) | (uint32_t(typa) << kSlpTypShift);
    bool has_b = f.pm1b_cnt.present();
    if (has_b) {
        gas_read(f.pm1b_cnt, &b, 2);
        b = (b & ~uint64_t(kSlpTypMask | kSlpEn)) | (uint32_t(typb) << kSlpTypShift);
    }
    // The sleep type goes in first; SLP_EN then starts the transition.
    gas_write(f.pm1a_cnt, a, 2);
    if (has_b)
        gas_write(f.pm1b_cnt, b, 2);
    gas_write(f.pm1a_cnt, a | kSlpEn, 2);
    if (has_b)
        gas_write(f.pm1b_cnt, b | kSlpEn, 2);
}

// ---- reset methods ----

void reset_acpi() {
    const acpi::FadtInfo& f = info.fadt;
    if (!f.reset_supported)
        return;
    log_info("acpi: reset through register %#llx (space %u) <- %#x",
             (unsigned long long)f.reset_reg.address, f.reset_reg.space_id, f.reset_value);
    if (gas_write(f.reset_reg, f.reset_value, 1))
        io_wait_us(50000);
}

// The PCI reset control register of PIIX/ICH-style chipsets: select a hard reset, then
// trigger it (the transition of bit 2 is what resets).
void reset_cf9() {
    outb(0xcf9, 0x2);
    io_wait_us(10);
    outb(0xcf9, 0x6);
    io_wait_us(50000);
}

// The 8042 keyboard controller's "pulse reset line" command.
void reset_kbc() {
    for (int i = 0; i < 10000 && (inb(0x64) & 0x2); i++)
        io_wait_us(10);
    outb(0x64, 0xfe);
    io_wait_us(50000);
}

// With an empty IDT any exception escalates to a triple fault, which resets the CPU.
[[noreturn]] void reset_triple_fault() {
    struct [[gnu::packed]] {
        uint16_t limit;
        uint64_t base;
    } empty{0, 0};
    asm volatile("lidt %0; int3" ::"m"(empty) : "memory");
    halt_forever();
}

} // namespace

void acpi_init(const void* rsdp_copy, size_t len) {
    if (initialised)
        return;
    initialised = true;
    acpi::parse(acpi::PhysAccess{map_phys, nullptr}, rsdp_copy, len, &info);
    acpi::log_summary(info);
    if (!info.madt.present) {
        log_warn("acpi: no MADT: one CPU, local APIC at the default %#llx",
                 (unsigned long long)kDefaultLapicAddress);
        info.madt.lapic_address = kDefaultLapicAddress;
    }
}

const acpi::Info& acpi_info() {
    return info;
}
const acpi::MadtInfo& acpi_madt() {
    return info.madt;
}
const acpi::FadtInfo& acpi_fadt() {
    return info.fadt;
}

void power_off() {
    irq_disable();
    const acpi::FadtInfo& f = info.fadt;
    uint8_t typa = info.s5.slp_typa & 7, typb = info.s5.slp_typb & 7;
    if (f.hw_reduced && f.sleep_control.present()) {
        gas_write(f.sleep_control, (uint32_t(typa) << kSleepCtlSlpTypShift) | kSleepCtlSlpEn, 1);
    } else if (f.pm1a_cnt.present()) {
        sleep_pm1(f, typa, typb);
    } else {
        log_error("acpi: no PM1a control register: cannot power off");
    }
    io_wait_us(100000);
    log_error("acpi: power off (S5, SLP_TYP %u/%u) did not take effect; halting", typa, typb);
    halt_forever();
}

void restart() {
    irq_disable();
    // Each stage is claimed before it runs, so a fault inside one moves on to the next.
    switch (restart_stage) {
    case 0:
        restart_stage = 1;
        reset_acpi();
        [[fallthrough]];
    case 1:
        restart_stage = 2;
        reset_cf9();
        [[fallthrough]];
    case 2:
        restart_stage = 3;
        reset_kbc();
        [[fallthrough]];
    default:
        restart_stage = 4;
        log_error("reset did not take effect; forcing a triple fault");
        reset_triple_fault();
    }
}

} // namespace arch
