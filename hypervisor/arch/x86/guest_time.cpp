#include "arch/guest_time.h"

#include "arch/cpu.h"
#include "arch/rtc.h"
#include "arch/time.h"

namespace arch {
namespace {

constexpr uint64_t kNsPerSec = 1000000000;

struct Clock {
    uint32_t mul;
    int8_t shift;
    uint64_t anchor_tsc;
    uint64_t anchor_ns;
    uint64_t wall_ns_at_zero; // wall clock (ns since the epoch) at system time 0
};
constinit Clock clock = {};
constinit volatile int state = 0; // 0 unset, 1 being set, 2 ready

uint64_t scale(uint64_t delta, uint32_t mul, int8_t shift) {
    delta = shift < 0 ? delta >> -shift : delta << shift;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(delta) * mul) >> 32);
}

// Chooses shift so that the ticks per second, shifted, lie in (1e9, 2e9]: the
// multiplier 1e9 / that is then a 32-bit fraction of at least one half.
void choose_scale(uint64_t ticks_per_sec, uint32_t* mul, int8_t* shift) {
    int s = 0;
    uint64_t tps = ticks_per_sec;
    while (tps > 2 * kNsPerSec) {
        tps >>= 1;
        s--;
    }
    while (tps <= kNsPerSec) {
        tps <<= 1;
        s++;
    }
    *mul = static_cast<uint32_t>((static_cast<unsigned __int128>(kNsPerSec) << 32) / tps);
    *shift = static_cast<int8_t>(s);
}

} // namespace

void guest_time_init() {
    int expected = 0;
    if (!__atomic_compare_exchange_n(&state, &expected, 1, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
            asm volatile("pause");
        return;
    }
    choose_scale(tsc_khz() * 1000, &clock.mul, &clock.shift);
    // TSC first, then xenon's time: the guests' clock starts a hair ahead of xenon's, never
    // behind it.
    clock.anchor_tsc = rdtsc();
    clock.anchor_ns = now_ns();
    uint64_t rtc = 0;
    uint64_t at = now_ns();
    if (rtc_read(&rtc))
        clock.wall_ns_at_zero = rtc * kNsPerSec - at;
    __atomic_store_n(&state, 2, __ATOMIC_RELEASE);
}

uint64_t guest_now() {
    if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
        guest_time_init();
    return clock.anchor_ns + scale(rdtsc() - clock.anchor_tsc, clock.mul, clock.shift);
}

void guest_time_stamp(xen::vcpu_time_info& t) {
    if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
        guest_time_init();
    uint64_t tsc = rdtsc();
    t.tsc_timestamp = tsc;
    t.system_time = clock.anchor_ns + scale(tsc - clock.anchor_tsc, clock.mul, clock.shift);
    t.tsc_to_system_mul = clock.mul;
    t.tsc_shift = clock.shift;
    // Xen sets XEN_PVCLOCK_TSC_STABLE_BIT only with clocksource=tsc; its default platform
    // timer leaves it clear, and so does xenon.
    t.flags = 0;
}

uint64_t guest_time_at(const xen::vcpu_time_info& t, uint64_t tsc) {
    return t.system_time + scale(tsc - t.tsc_timestamp, t.tsc_to_system_mul, t.tsc_shift);
}

void guest_wallclock(uint64_t* sec, uint32_t* nsec) {
    if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
        guest_time_init();
    *sec = clock.wall_ns_at_zero / kNsPerSec;
    *nsec = static_cast<uint32_t>(clock.wall_ns_at_zero % kNsPerSec);
}

} // namespace arch
