#include "common/grace_period.h"

namespace grace {

bool CpuMask::any() const {
    for (uint64_t w : bits)
        if (w)
            return true;
    return false;
}

void GraceList::defer(Deferred* d, const CpuMask& cpus) {
    d->waiting = cpus;
    d->next = head_;
    head_ = d;
}

Deferred* GraceList::quiescent(unsigned cpu) {
    Deferred* done = nullptr;
    Deferred** link = &head_;
    while (Deferred* d = *link) {
        d->waiting.clear(cpu);
        if (d->waiting.any()) {
            link = &d->next;
            continue;
        }
        *link = d->next;
        d->next = done;
        done = d;
    }
    return done;
}

} // namespace grace
