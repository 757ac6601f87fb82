// ACPI on x86: the parsed firmware tables, kept from boot, and turning the machine off or
// resetting it through them.
#pragma once
#include <stddef.h>

#include "common/acpi/tables.h"

namespace arch {

// Parses the ACPI tables once (later calls do nothing) and logs a summary. rsdp_copy is
// the loader's copy of the RSDP (Multiboot 2), or nullptr to scan low memory.
void acpi_init(const void* rsdp_copy, size_t len);

// What acpi_init found; all zero (present = false) before it runs or without ACPI.
// Without a MADT, lapic_address is still the architectural default, 0xfee00000.
const acpi::Info& acpi_info();
const acpi::MadtInfo& acpi_madt();
const acpi::FadtInfo& acpi_fadt();

// ACPI S5 through PM1a/PM1b_CNT (or the sleep control register on hardware-reduced
// machines). If the machine is still running afterwards, logs it and halts.
[[noreturn]] void power_off();
// Tries, in order: the FADT reset register, port 0xCF9, the keyboard controller, a triple
// fault. Safe before acpi_init and when re-entered from a fault during an earlier attempt.
[[noreturn]] void restart();

} // namespace arch
