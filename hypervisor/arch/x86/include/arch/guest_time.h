// The clock guests read: system time in nanoseconds as a linear function of the TSC, in
// the form vcpu_time_info publishes it (a TSC stamp, the system time at that stamp, and a
// 32.32 multiplier with a binary shift). Every stamp is computed from one anchor, so a
// guest's reading never goes backwards across re-stamps.
#pragma once
#include <stdint.h>

#include "public/xen.h"

namespace arch {

// Sets the scale and the anchor and reads the RTC; later calls do nothing.
void guest_time_init();
// Guest system time now (ns since boot).
uint64_t guest_now();
// A fresh stamp: tsc_timestamp, system_time, tsc_to_system_mul, tsc_shift, flags (the
// version is left alone).
void guest_time_stamp(xen::vcpu_time_info& t);
// What a guest computes from stamp t at TSC value tsc.
uint64_t guest_time_at(const xen::vcpu_time_info& t, uint64_t tsc);
// The wall clock at system time 0.
void guest_wallclock(uint64_t* sec, uint32_t* nsec);

} // namespace arch
