#include "common/memory/log_dirty.h"

namespace memory {

void LogDirty::mark(uint64_t pfn) {
    if (pfn >= nr_pfns_) {
        count_failure();
        return;
    }
    uint64_t bit = uint64_t(1) << (pfn % 64);
    uint64_t* w = &words_[pfn / 64];
    if (__atomic_load_n(w, __ATOMIC_RELAXED) & bit)
        return; // already dirty: no locked instruction
    if (!(__atomic_fetch_or(w, bit, __ATOMIC_ACQ_REL) & bit))
        __atomic_add_fetch(&dirty_, 1, __ATOMIC_RELAXED);
}

bool LogDirty::test(uint64_t pfn) const {
    return pfn < nr_pfns_ &&
           (__atomic_load_n(&words_[pfn / 64], __ATOMIC_ACQUIRE) >> (pfn % 64) & 1);
}

size_t LogDirty::take(uint64_t first, uint64_t* out, size_t n, bool clean) {
    uint64_t nw = words_for(nr_pfns_);
    size_t inside = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t w = first + i;
        if (w >= nw || first + i < first) {
            out[i] = 0;
            continue;
        }
        out[i] = clean ? __atomic_exchange_n(&words_[w], 0, __ATOMIC_ACQ_REL)
                       : __atomic_load_n(&words_[w], __ATOMIC_ACQUIRE);
        inside++;
    }
    return inside;
}

void LogDirty::restore(uint64_t first, const uint64_t* in, size_t n) {
    uint64_t nw = words_for(nr_pfns_);
    for (size_t i = 0; i < n && first + i < nw; i++)
        if (in[i])
            __atomic_fetch_or(&words_[first + i], in[i], __ATOMIC_ACQ_REL);
}

void LogDirty::reset_counts() {
    __atomic_store_n(&dirty_, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&faults_, 0, __ATOMIC_RELAXED);
}

} // namespace memory
