// Physical interrupts (pirqs) as a domain numbers them. xenon routes none yet: these are
// the bounds Xen 4.17 checks a guest's pirq and GSI numbers against.
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
