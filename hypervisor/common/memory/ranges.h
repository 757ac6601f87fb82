// A small sorted set of disjoint physical ranges [start, end), for boot-time bookkeeping:
// usable RAM is the firmware's usable ranges minus everything already spoken for.
// Fixed capacity, no allocation; an operation that would overflow fails and changes
// nothing.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace memory {

struct MemRange {
    uint64_t start;
    uint64_t end; // exclusive
};

class RangeSet {
  public:
    static constexpr size_t kCapacity = 128;

    constexpr RangeSet() = default;

    // Union with [start, end); touching ranges merge. Empty ranges are ignored.
    [[nodiscard]] bool add(uint64_t start, uint64_t end);
    // Removes [start, end), splitting a range if needed.
    [[nodiscard]] bool subtract(uint64_t start, uint64_t end);
    // Shrinks every range inward to multiples of align (a power of two), dropping
    // the ones left empty.
    void trim_inward(uint64_t align);
    void clear() { count_ = 0; }

    size_t count() const { return count_; }
    bool empty() const { return count_ == 0; }
    const MemRange &operator[](size_t i) const { return ranges_[i]; }
    const MemRange *begin() const { return ranges_; }
    const MemRange *end() const { return ranges_ + count_; }

    uint64_t total() const;                            // sum of the lengths
    bool contains(uint64_t start, uint64_t end) const; // wholly inside one range
    bool overlaps(uint64_t start, uint64_t end) const;
    // The highest start, a multiple of align, of `size` bytes inside one range.
    bool highest_fit(uint64_t size, uint64_t align, uint64_t *start) const;

  private:
    size_t first_ending_after(uint64_t addr, bool touching) const;
    size_t first_starting_after(uint64_t addr, bool touching) const;
    void replace(size_t from, size_t to, const MemRange *with, size_t n);

    MemRange ranges_[kCapacity] = {};
    size_t count_ = 0;
};

} // namespace memory
