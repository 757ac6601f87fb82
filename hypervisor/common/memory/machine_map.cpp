#include "common/memory/machine_map.h"

#include "public/errno.h"
#include "public/memory.h"

namespace memory {
namespace {

constexpr unsigned kShift = 12;

struct Builder {
    const FrameRange* denied;
    size_t denied_count;
    uint64_t limit;
    const MachineMapSink& out;
    size_t n = 0;
    uint64_t next_free = 0; // the first frame not yet covered (Xen's ctxt.s)

    // Frame `at` may be mapped by dom0 or starts an E820 entry: the uncovered frames
    // before it become one reserved entry.
    long cover_until(uint64_t at) {
        if (at > next_free && at < limit) {
            if (out.capacity) {
                if (n + 1 >= out.capacity)
                    return -xen::XEN_EINVAL;
                E820Entry e{next_free << kShift, (at - next_free) << kShift, xen::E820_RESERVED};
                if (!out.store(out.ctx, n, e))
                    return -xen::XEN_EFAULT;
            }
            n++;
        }
        return 0;
    }

    // The frames dom0 may map in [from, to]: each run of them ends an uncovered stretch.
    long walk_permitted(uint64_t from, uint64_t to) {
        if (to >= limit)
            to = limit - 1;
        uint64_t at = from;
        for (size_t i = 0; i < denied_count && at <= to; i++) {
            const FrameRange& d = denied[i];
            if (d.last < at)
                continue;
            if (d.first > to)
                break;
            if (d.first > at) {
                if (long rc = cover_until(at))
                    return rc;
                next_free = d.first;
            }
            at = d.last + 1;
        }
        if (at <= to && from < limit) {
            if (long rc = cover_until(at))
                return rc;
            next_free = to + 1;
        }
        return 0;
    }
};

} // namespace

long machine_memory_map(const E820Entry* e820, size_t count, const FrameRange* denied,
                        size_t denied_count, uint64_t frame_limit, const MachineMapSink& out) {
    if (out.capacity && out.capacity < count + 1)
        return -xen::XEN_EINVAL;
    Builder b{denied, denied_count, frame_limit, out};
    for (size_t i = 0; i < count; i++, b.n++) {
        uint64_t start = e820[i].addr >> kShift;
        if (start > b.next_free) {
            if (long rc = b.walk_permitted(b.next_free, start - 1))
                return rc;
            if (long rc = b.cover_until(start))
                return rc;
        }
        if (out.capacity) {
            if (out.capacity <= b.n + (count - i))
                return -xen::XEN_EINVAL;
            if (!out.store(out.ctx, b.n, e820[i]))
                return -xen::XEN_EFAULT;
        }
        b.next_free = (e820[i].addr + e820[i].size + (1ull << kShift) - 1) >> kShift;
    }
    if (b.next_free && b.next_free < frame_limit)
        if (long rc = b.walk_permitted(b.next_free, frame_limit - 1))
            return rc;
    return static_cast<long>(b.n);
}

} // namespace memory
