// The local APIC (xAPIC through MMIO, or x2APIC through MSRs when the CPU offers it)
// and its timer.
#pragma once
#include <stdint.h>

namespace arch {

// Chooses the access mode on the boot CPU; every CPU then calls lapic_setup_cpu().
void lapic_init_bsp(uint64_t madt_lapic_address);
void lapic_setup_cpu();
bool lapic_x2apic_mode();
uint32_t lapic_id();
void lapic_eoi();

enum class IpiMode : uint32_t { kFixed = 0, kNmi = 4 << 8, kInit = 5 << 8, kStartup = 6 << 8 };
void lapic_send_ipi(uint32_t apic_id, uint8_t vector, IpiMode mode = IpiMode::kFixed);
void lapic_send_ipi_all_but_self(uint8_t vector, IpiMode mode = IpiMode::kFixed);

// Timer: measured against the TSC on the boot CPU; one-shot in TSC units.
void lapic_timer_calibrate();
void lapic_timer_oneshot_tsc(uint64_t tsc_delta); // 0 stops it
uint64_t lapic_timer_hz();
// Runs (with interrupts off, after EOI) each time this CPU's timer fires.
void lapic_timer_set_callback(void (*callback)());

} // namespace arch
