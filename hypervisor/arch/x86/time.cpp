#include "arch/time.h"

#include "arch/cpu.h"
#include "arch/io.h"
#include "common/console.h"
#include "common/panic.h"

namespace arch {
namespace {

constexpr uint32_t kPitHz = 1193182;
constexpr uint32_t kCalibrationMs = 20;

constinit uint64_t khz = 0;
constinit uint64_t boot_tsc = 0;

// Runs PIT channel 2 in one-shot mode for `ms` milliseconds and counts TSC ticks.
uint64_t tsc_ticks_over_pit(uint32_t ms) {
    uint32_t count = kPitHz * ms / 1000;
    uint8_t port61 = inb(0x61);
    outb(0x61, (port61 & ~0x02) | 0x01); // gate on, speaker off
    outb(0x43, 0xb0);                    // channel 2, lo/hi byte, mode 0, binary
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    uint64_t start = rdtsc();
    // Bounded: a machine without a PIT must not hang here.
    uint64_t spins = 0;
    while (!(inb(0x61) & 0x20))
        if (++spins > 100000000)
            return 0;
    uint64_t ticks = rdtsc() - start;
    outb(0x61, port61);
    return ticks;
}

} // namespace

void tsc_calibrate() {
    boot_tsc = rdtsc();
    uint64_t ticks = tsc_ticks_over_pit(kCalibrationMs);
    if (!ticks)
        fatal_boot_error("cannot calibrate the TSC: no PIT channel 2 answered");
    khz = ticks / kCalibrationMs;
    log_info("tsc: %lu.%03lu MHz (measured against the PIT over %u ms)", khz / 1000, khz % 1000,
             kCalibrationMs);
}

uint64_t tsc_khz() { return khz; }

uint64_t tsc_to_ns(uint64_t tsc) {
    // 128-bit product: exact for any uptime.
    return static_cast<uint64_t>(static_cast<unsigned __int128>(tsc) * 1000000 / khz);
}

uint64_t ns_to_tsc(uint64_t ns) {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(ns) * khz / 1000000);
}

uint64_t now_ns() { return tsc_to_ns(rdtsc() - boot_tsc); }

void udelay(uint64_t microseconds) {
    uint64_t end = rdtsc() + ns_to_tsc(microseconds * 1000);
    while (rdtsc() < end)
        asm volatile("pause");
}

} // namespace arch
