// CPU bitmaps between the hypervisor and a toolstack's xenctl_bitmap (cpupool and vCPU
// affinity), as Xen's bitmap_to_xenctl_bitmap / xenctl_bitmap_to_bitmap pass them: the
// first nbits bits (nbits: Xen's nr_cpu_ids, the possible CPUs) as bytes, CPU i in bit
// i % 8 of byte i / 8.
#pragma once
#include <stdint.h>

#include "arch/percpu.h"
#include "public/xen.h"

namespace hc {

inline constexpr unsigned kCpumapWords = arch::kMaxCpus / 64;

struct Cpumap {
    uint64_t bits[kCpumapWords];

    bool test(unsigned cpu) const { return bits[cpu / 64] >> (cpu % 64) & 1; }
    void set(unsigned cpu) { bits[cpu / 64] |= uint64_t(1) << (cpu % 64); }
    bool empty() const {
        for (uint64_t w : bits)
            if (w)
                return false;
        return true;
    }
};

// Xen's nr_cpu_ids: every CPU the machine may have (the bitmaps' width).
unsigned cpumap_width();
// The CPUs that are online now.
Cpumap cpumap_online();
// Xen's bitmap_to_xenctl_bitmap / xenctl_bitmap_to_bitmap for `width` bits (at most
// kMaxCpus): the guest's bytes past them are zeroed, its bits past nr_bits read as 0.
int bitmap_to_guest(const xen::xenctl_bitmap& g, const uint64_t* bits, unsigned width);
int bitmap_from_guest(uint64_t* bits, unsigned width, const xen::xenctl_bitmap& g);
// Bits [0, cpumap_width()) of map into the guest's buffer, the rest of its
// (nr_bits + 7) / 8 bytes zeroed: 0 or -EFAULT.
int cpumap_to_guest(const xen::xenctl_bitmap& g, const Cpumap& map);
// The guest's bitmap, clipped to cpumap_width() bits (bits past its nr_bits are zero):
// 0 or -EFAULT.
int cpumap_from_guest(Cpumap& map, const xen::xenctl_bitmap& g);

} // namespace hc
