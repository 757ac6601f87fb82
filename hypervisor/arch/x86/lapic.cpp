#include "arch/lapic.h"

#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/traps.h"
#include "common/console.h"

namespace arch {
namespace {

// Register offsets in xAPIC MMIO space; x2APIC MSR = 0x800 + offset / 16.
enum Reg : uint32_t {
    kId = 0x20, kVersion = 0x30, kTpr = 0x80, kEoi = 0xb0, kSvr = 0xf0, kEsr = 0x280,
    kIcrLow = 0x300, kIcrHigh = 0x310, kLvtTimer = 0x320, kLvtThermal = 0x330,
    kLvtPerf = 0x340, kLvtLint0 = 0x350, kLvtLint1 = 0x360, kLvtError = 0x370,
    kTimerInitial = 0x380, kTimerCurrent = 0x390, kTimerDivide = 0x3e0,
};
constexpr uint32_t kLvtMasked = 1u << 16;
constexpr uint32_t kIcrPending = 1u << 12;
constexpr uint32_t kIcrAssert = 1u << 14;
constexpr uint32_t kIcrLevel = 1u << 15;
constexpr uint32_t kIcrAllButSelf = 3u << 18;
constexpr uint64_t kApicBaseEnable = 1u << 11;
constexpr uint64_t kApicBaseX2 = 1u << 10;

constinit bool x2apic = false;
constinit volatile uint32_t* mmio = nullptr;
constinit uint64_t timer_hz = 0;
constinit uint64_t timer_ticks_per_tsc_q32 = 0; // APIC ticks per TSC tick, 32.32 fixed point
using TimerCallback = void (*)();
constinit TimerCallback timer_callback = nullptr;

uint32_t read(Reg r) {
    if (x2apic)
        return static_cast<uint32_t>(rdmsr(0x800 + r / 16));
    return mmio[r / 4];
}

void write(Reg r, uint32_t v) {
    if (x2apic)
        wrmsr(0x800 + r / 16, v);
    else
        mmio[r / 4] = v;
}

void enable_on_this_cpu() {
    uint64_t base = rdmsr(msr::kApicBase) | kApicBaseEnable;
    if (x2apic)
        base |= kApicBaseX2;
    wrmsr(msr::kApicBase, base);
}

void timer_interrupt(TrapFrame&) {
    lapic_eoi();
    PerCpu& cpu = this_cpu();
    cpu.timer_fired_tsc = rdtsc();
    cpu.timer_fires = cpu.timer_fires + 1;
    if (timer_callback)
        timer_callback();
}

} // namespace

void lapic_init_bsp(uint64_t madt_lapic_address) {
    x2apic = cpu_features().x2apic;
    uint64_t base = rdmsr(msr::kApicBase) & ~0xfffull & ((1ull << 52) - 1);
    if (!base)
        base = madt_lapic_address;
    mmio = static_cast<volatile uint32_t*>(phys_to_virt(base));
    enable_on_this_cpu();
    log_info("apic: local APIC in %s mode, id %u, version %#x", x2apic ? "x2APIC" : "xAPIC",
             lapic_id(), read(kVersion) & 0xff);
    set_irq_handler(kVecLapicTimer, timer_interrupt);
}

void lapic_setup_cpu() {
    enable_on_this_cpu();
    write(kTpr, 0);
    write(kSvr, 0x100 | kVecSpurious); // software enable
    write(kLvtTimer, kLvtMasked | kVecLapicTimer);
    write(kLvtThermal, kLvtMasked);
    write(kLvtPerf, kLvtMasked);
    write(kLvtLint0, kLvtMasked);
    write(kLvtLint1, kLvtMasked);
    write(kLvtError, kLvtMasked);
    write(kEsr, 0);
    write(kEsr, 0);
    write(kTimerDivide, 0xb); // divide by 1
}

bool lapic_x2apic_mode() { return x2apic; }

uint32_t lapic_id() { return x2apic ? read(kId) : read(kId) >> 24; }

void lapic_eoi() { write(kEoi, 0); }

namespace {
void send_icr(uint32_t destination, uint32_t low) {
    if (x2apic) {
        wrmsr(0x830, (uint64_t(destination) << 32) | low);
        return;
    }
    write(kIcrHigh, destination << 24);
    write(kIcrLow, low);
    for (int spins = 0; spins < 1000000 && (read(kIcrLow) & kIcrPending); spins++)
        asm volatile("pause");
}
} // namespace

void lapic_send_ipi(uint32_t apic_id, uint8_t vector, IpiMode mode) {
    uint32_t low = static_cast<uint32_t>(mode) | vector;
    if (mode == IpiMode::kInit)
        low |= kIcrAssert | kIcrLevel;
    else
        low |= kIcrAssert;
    send_icr(apic_id, low);
}

void lapic_send_ipi_all_but_self(uint8_t vector, IpiMode mode) {
    send_icr(0, static_cast<uint32_t>(mode) | vector | kIcrAssert | kIcrAllButSelf);
}

void lapic_timer_calibrate() {
    constexpr uint64_t kWindowUs = 10000;
    write(kLvtTimer, kLvtMasked | kVecLapicTimer);
    write(kTimerInitial, 0xffffffff);
    uint64_t start = rdtsc();
    udelay(kWindowUs);
    uint32_t remaining = read(kTimerCurrent);
    uint64_t tsc = rdtsc() - start;
    write(kTimerInitial, 0);
    uint64_t ticks = 0xffffffffull - remaining;
    timer_hz = ticks * 1000000 / kWindowUs;
    timer_ticks_per_tsc_q32 = (static_cast<unsigned __int128>(ticks) << 32) / tsc;
    log_info("apic: timer runs at %lu.%03lu MHz", timer_hz / 1000000, (timer_hz / 1000) % 1000);
}

uint64_t lapic_timer_hz() { return timer_hz; }

void lapic_timer_set_callback(void (*callback)()) { timer_callback = callback; }

void lapic_timer_oneshot_tsc(uint64_t tsc_delta) {
    if (!tsc_delta) {
        write(kTimerInitial, 0);
        return;
    }
    uint64_t ticks = static_cast<uint64_t>(
        (static_cast<unsigned __int128>(tsc_delta) * timer_ticks_per_tsc_q32) >> 32);
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffull)
        ticks = 0xffffffffull; // fires early; the timer code re-arms for the rest
    write(kLvtTimer, kVecLapicTimer); // unmasked, one-shot
    write(kTimerInitial, static_cast<uint32_t>(ticks));
}

} // namespace arch
