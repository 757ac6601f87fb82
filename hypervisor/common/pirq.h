// Physical interrupts (pirqs): the hardware domain maps GSIs to pirqs, binds a pirq to an
// event channel, and EOIs it; xenon routes the GSI's IOAPIC input to a vector of its own
// and turns each interrupt into an event on the bound port. Level-triggered inputs stay
// masked from the interrupt until the domain's EOI; edge ones are acknowledged at once.
// Only GSIs are mapped (no MSI), and only for the hardware domain.
#pragma once
#include <stdint.h>

#include "common/domain.h"

// Xen's nr_irqs_gsi: the GSIs of the machine's IOAPICs (QEMU's one IOAPIC has 24 inputs).
inline constexpr uint32_t kNrIrqsGsi = 24;

// How many pirqs a domain has. Xen gives an unprivileged domain its GSIs plus 32, and the
// hardware domain its GSIs plus a share of the dynamic vectors per CPU (416 on the
// reference 2-CPU QEMU machine).
inline uint32_t nr_pirqs(const Domain& d) {
    return d.privileged ? 416 : kNrIrqsGsi + 32;
}

namespace pirq {

// PHYSDEVOP_map_pirq of a GSI in range for the hardware domain: *pirq < 0 asks for one
// (the GSI's own number); a mapped GSI gives its pirq back.
long map_gsi(int gsi, int* pirq);
long unmap(int pirq);
// PHYSDEVOP_setup_gsi of a GSI in range: its trigger mode and polarity.
long setup_gsi(int gsi, bool level, bool active_low);
long eoi(uint32_t pirq);

// The event-channel side, called under the domain's event-channel lock: the port a pirq
// is bound to (0: none), binding (routes and unmasks the GSI) and unbinding (masks it).
uint32_t bound_port(uint32_t pirq);
long bind(Domain& d, uint32_t pirq, uint32_t port);
void unbind(uint32_t pirq, uint32_t port);

} // namespace pirq
