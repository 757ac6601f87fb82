// IOAPIC inputs handed to guests: a GSI's redirection entry pointed at a vector of
// xenon's, and masked or unmasked. Everything starts masked (ioapic_mask_all at boot).
#pragma once
#include <stdint.h>

namespace arch {

// Interrupt vectors of routed GSIs: kVecGsiBase + gsi.
inline constexpr uint8_t kVecGsiBase = 0x30;
inline constexpr unsigned kMaxRoutedGsis = 24;

// Whether an IOAPIC input serves this GSI.
bool ioapic_has_gsi(unsigned gsi);
// The MADT's trigger mode and polarity of a GSI: an interrupt source override's, else
// edge / active high for the ISA range (0-15), level / active low above.
void gsi_default_mode(unsigned gsi, bool* level, bool* active_low);
// Points the GSI at its vector on this CPU, with the mode given; leaves it masked.
void ioapic_route_gsi(unsigned gsi, bool level, bool active_low);
void ioapic_mask_gsi(unsigned gsi, bool masked);

} // namespace arch
