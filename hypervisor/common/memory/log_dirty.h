// A domain's log-dirty bitmap (XEN_DOMCTL_shadow_op's CLEAN and PEEK): one bit per
// pseudo-physical frame, set when the frame may have changed since the last CLEAN.
// Marking is lock-free (one atomic OR per frame) so that every writer can afford it:
// the shadow tables' Dirty-bit harvest, xenon's own writes into the domain's frames, and
// other domains' writable mappings of them. The bitmap is sized when log-dirty mode is
// enabled; a frame beyond it cannot be recorded and is counted as a failure, which the
// next CLEAN or PEEK reports (-ENOMEM, as Xen's failed allocations).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace memory {

class LogDirty {
  public:
    // A bitmap for frames [0, nr_pfns), in `words` (nr_pfns rounded up to 64 bits,
    // zeroed, owned by the caller).
    LogDirty(uint64_t* words, uint64_t nr_pfns) : words_(words), nr_pfns_(nr_pfns) {}

    uint64_t nr_pfns() const { return nr_pfns_; }
    static uint64_t words_for(uint64_t nr_pfns) { return (nr_pfns + 63) / 64; }

    // Frame pfn may have changed. Counts newly dirty frames (Xen's dirty_count).
    void mark(uint64_t pfn);
    // A write that could not be tracked (a frame beyond the bitmap, a shadow that could
    // not be allocated): the next CLEAN or PEEK fails with -ENOMEM.
    void count_failure() { __atomic_add_fetch(&failed_, 1, __ATOMIC_RELAXED); }
    // A log-dirty fault was taken (Xen's fault_count).
    void count_fault() { __atomic_add_fetch(&faults_, 1, __ATOMIC_RELAXED); }

    uint64_t dirty_count() const { return __atomic_load_n(&dirty_, __ATOMIC_RELAXED); }
    uint64_t fault_count() const { return __atomic_load_n(&faults_, __ATOMIC_RELAXED); }
    uint64_t failures() const { return __atomic_load_n(&failed_, __ATOMIC_RELAXED); }
    bool test(uint64_t pfn) const;

    // Copies n words from word `first` into out (words past the bitmap read as 0); with
    // clean, the bits copied are cleared at the same time (atomically, so a mark is
    // never lost between the copy and the clear). Returns how many words lay within.
    size_t take(uint64_t first, uint64_t* out, size_t n, bool clean);
    // Puts back bits taken by a CLEAN whose copy-out failed.
    void restore(uint64_t first, const uint64_t* in, size_t n);
    // After a completed CLEAN: the counts start again.
    void reset_counts();

  private:
    uint64_t* words_;
    uint64_t nr_pfns_;
    uint64_t dirty_ = 0;
    uint64_t faults_ = 0;
    uint64_t failed_ = 0;
};

} // namespace memory
