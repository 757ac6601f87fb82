// The CMOS real-time clock: read once at boot for the guests' wall clock.
#pragma once
#include <stdint.h>

namespace arch {

// Seconds since 1970-01-01 00:00 UTC (the RTC is taken to run in UTC, as Xen does), or
// false when the clock reads as nonsense.
bool rtc_read(uint64_t* unix_seconds);

} // namespace arch
