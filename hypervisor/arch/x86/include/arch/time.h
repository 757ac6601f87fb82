// The TSC as xenon's clock: calibrated once against the PIT at boot.
#pragma once
#include <stdint.h>

namespace arch {

void tsc_calibrate();
uint64_t tsc_khz();
// Nanoseconds since tsc_calibrate() ran.
uint64_t now_ns();
uint64_t ns_to_tsc(uint64_t ns);
uint64_t tsc_to_ns(uint64_t tsc);
void udelay(uint64_t microseconds);

} // namespace arch
