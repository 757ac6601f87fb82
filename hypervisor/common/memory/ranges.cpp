#include "common/memory/ranges.h"

namespace memory {

// Index of the first range that ends after addr (or at it, when touching counts).
size_t RangeSet::first_ending_after(uint64_t addr, bool touching) const {
    size_t i = 0;
    while (i < count_ && (touching ? ranges_[i].end < addr : ranges_[i].end <= addr))
        i++;
    return i;
}

// Index of the first range that starts after addr (or at it, unless touching counts).
size_t RangeSet::first_starting_after(uint64_t addr, bool touching) const {
    size_t i = 0;
    while (i < count_ && (touching ? ranges_[i].start <= addr : ranges_[i].start < addr))
        i++;
    return i;
}

// Replaces ranges [from, to) with n new ones; the caller has checked the capacity.
void RangeSet::replace(size_t from, size_t to, const MemRange *with, size_t n) {
    size_t tail = count_ - to;
    size_t dest = from + n;
    if (dest < to) {
        for (size_t k = 0; k < tail; k++)
            ranges_[dest + k] = ranges_[to + k];
    } else if (dest > to) {
        for (size_t k = tail; k-- > 0;)
            ranges_[dest + k] = ranges_[to + k];
    }
    for (size_t k = 0; k < n; k++)
        ranges_[from + k] = with[k];
    count_ = count_ - (to - from) + n;
}

bool RangeSet::add(uint64_t start, uint64_t end) {
    if (start >= end)
        return true;
    // Ranges i..j-1 overlap or touch the new one and merge with it.
    size_t i = first_ending_after(start, true);
    size_t j = first_starting_after(end, true);
    MemRange merged = {start, end};
    if (i < j) {
        if (ranges_[i].start < merged.start)
            merged.start = ranges_[i].start;
        if (ranges_[j - 1].end > merged.end)
            merged.end = ranges_[j - 1].end;
    } else if (count_ == kCapacity) {
        return false;
    }
    replace(i, j, &merged, 1);
    return true;
}

bool RangeSet::subtract(uint64_t start, uint64_t end) {
    if (start >= end)
        return true;
    // Ranges i..j-1 overlap [start, end); what sticks out on either side survives.
    size_t i = first_ending_after(start, false);
    size_t j = first_starting_after(end, false);
    if (i >= j)
        return true;
    MemRange keep[2];
    size_t n = 0;
    if (ranges_[i].start < start)
        keep[n++] = {ranges_[i].start, start};
    if (ranges_[j - 1].end > end)
        keep[n++] = {end, ranges_[j - 1].end};
    if (count_ - (j - i) + n > kCapacity)
        return false;
    replace(i, j, keep, n);
    return true;
}

void RangeSet::trim_inward(uint64_t align) {
    size_t out = 0;
    for (size_t i = 0; i < count_; i++) {
        uint64_t e = ranges_[i].end & ~(align - 1);
        if (e <= ranges_[i].start)
            continue;
        // start < e, so rounding start up cannot overflow.
        uint64_t s = (ranges_[i].start + (align - 1)) & ~(align - 1);
        if (s < e)
            ranges_[out++] = {s, e};
    }
    count_ = out;
}

uint64_t RangeSet::total() const {
    uint64_t sum = 0;
    for (const MemRange &r : *this)
        sum += r.end - r.start;
    return sum;
}

bool RangeSet::contains(uint64_t start, uint64_t end) const {
    if (start >= end)
        return true;
    for (const MemRange &r : *this) {
        if (r.start <= start && end <= r.end)
            return true;
    }
    return false;
}

bool RangeSet::overlaps(uint64_t start, uint64_t end) const {
    for (const MemRange &r : *this) {
        if (r.start < end && start < r.end)
            return true;
    }
    return false;
}

bool RangeSet::highest_fit(uint64_t size, uint64_t align, uint64_t *start) const {
    for (size_t i = count_; i-- > 0;) {
        const MemRange &r = ranges_[i];
        if (r.end - r.start < size)
            continue;
        uint64_t s = (r.end - size) & ~(align - 1);
        if (s >= r.start) {
            *start = s;
            return true;
        }
    }
    return false;
}

} // namespace memory
