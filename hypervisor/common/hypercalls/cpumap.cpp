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

int bitmap_to_guest(const xen::xenctl_bitmap& g, const uint64_t* bits, unsigned width) {
    uint8_t bytes[arch::kMaxCpus / 8] = {};
    for (unsigned i = 0; i < width; i++)
        if (bits[i / 64] >> (i % 64) & 1)
            bytes[i / 8] |= 1u << (i % 8);
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

int bitmap_from_guest(uint64_t* bits, unsigned width, const xen::xenctl_bitmap& g) {
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
    for (unsigned i = 0; i < (width + 63) / 64; i++)
        bits[i] = 0;
    for (unsigned i = 0; i < width; i++)
        if (bytes[i / 8] >> (i % 8) & 1)
            bits[i / 64] |= uint64_t(1) << (i % 64);
    return 0;
}

int cpumap_to_guest(const xen::xenctl_bitmap& g, const Cpumap& map) {
    return bitmap_to_guest(g, map.bits, cpumap_width());
}

int cpumap_from_guest(Cpumap& map, const xen::xenctl_bitmap& g) {
    map = Cpumap{};
    return bitmap_from_guest(map.bits, cpumap_width(), g);
}

} // namespace hc
