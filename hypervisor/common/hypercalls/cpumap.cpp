#include "common/hypercalls/cpumap.h"

#include "arch/guest_access.h"
#include "lib/string.h"
#include "public/errno.h"

namespace hc {

unsigned cpumap_width() {
    unsigned n = arch::cpus_possible();
    return n < arch::kMaxCpus ? n : arch::kMaxCpus;
}

Cpumap cpumap_online() {
    Cpumap map{};
    for (unsigned cpu = 0; cpu < cpumap_width(); cpu++)
        if (arch::PerCpu* c = arch::cpu(cpu); c && c->online)
            map.set(cpu);
    return map;
}

int cpumap_to_guest(const xen::xenctl_bitmap& g, const Cpumap& map) {
    unsigned width = cpumap_width();
    uint8_t bytes[arch::kMaxCpus / 8] = {};
    for (unsigned cpu = 0; cpu < width; cpu++)
        if (map.test(cpu))
            bytes[cpu / 8] |= 1u << (cpu % 8);
    uint64_t guest_bytes = (uint64_t(g.nr_bits) + 7) / 8;
    uint64_t ours = (width + 7) / 8;
    uint64_t n = guest_bytes < ours ? guest_bytes : ours;
    if (n && arch::copy_to_guest(g.bitmap.p, bytes, n))
        return -xen::XEN_EFAULT;
    static constexpr uint8_t kZeros[64] = {};
    for (uint64_t at = n; at < guest_bytes;) {
        uint64_t len = guest_bytes - at < sizeof(kZeros) ? guest_bytes - at : sizeof(kZeros);
        if (arch::copy_to_guest(g.bitmap.p + at, kZeros, len))
            return -xen::XEN_EFAULT;
        at += len;
    }
    return 0;
}

int cpumap_from_guest(Cpumap& map, const xen::xenctl_bitmap& g) {
    unsigned width = cpumap_width();
    uint8_t bytes[arch::kMaxCpus / 8] = {};
    uint64_t guest_bytes = (uint64_t(g.nr_bits) + 7) / 8;
    uint64_t ours = (width + 7) / 8;
    uint64_t n = guest_bytes < ours ? guest_bytes : ours;
    if (n) {
        if (arch::copy_from_guest(bytes, g.bitmap.p, n))
            return -xen::XEN_EFAULT;
        if ((g.nr_bits & 7) && guest_bytes == n)
            bytes[n - 1] &= ~(0xffu << (g.nr_bits & 7));
    }
    map = Cpumap{};
    for (unsigned cpu = 0; cpu < width; cpu++)
        if (bytes[cpu / 8] >> (cpu % 8) & 1)
            map.set(cpu);
    return 0;
}

} // namespace hc
