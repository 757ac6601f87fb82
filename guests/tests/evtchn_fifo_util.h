// Helpers for the FIFO event-channel conformance guests (evtchn_fifo_*.cpp): loopback
// pairs on the FIFO ABI and the order in which the runtime's walk hands events on.
#pragma once
#include "evtchn_util.h"
#include "fifo.h"

namespace fq {

// A loopback pair under FIFO: binding marks the bound end pending (Xen does, so no event
// sent before the bind is lost); that mark is dropped.
inline void loopback(unsigned* unbound, unsigned* bound) {
    ev::loopback(unbound, bound);
    xt::fifo::clear_pending(*bound);
}

inline uint32_t head(unsigned q, unsigned vcpu = 0) {
    return __atomic_load_n(&xt::fifo::control_block(vcpu)->head[q], __ATOMIC_SEQ_CST);
}
inline uint32_t ready(unsigned vcpu = 0) {
    return __atomic_load_n(&xt::fifo::control_block(vcpu)->ready, __ATOMIC_SEQ_CST);
}
inline uint8_t upcall_pending(unsigned vcpu = 0) {
    return __atomic_load_n(&ev::vcpu_info(vcpu)->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}
inline void clear_upcall_pending(unsigned vcpu = 0) {
    __atomic_store_n(&ev::vcpu_info(vcpu)->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
}

// The ports the runtime handed on, in order (the event hook), and a check of them.
inline unsigned seen[64];
inline unsigned nseen;
inline void record(unsigned port) {
    if (nseen < 64)
        seen[nseen] = port;
    nseen = nseen + 1;
}
inline void start_recording() {
    nseen = 0;
    xt::set_event_hook(record);
}
#define FQ_CHECK_SEEN(...)                                                                         \
    do {                                                                                           \
        const unsigned want_[] = {__VA_ARGS__};                                                    \
        XT_CHECK_EQ(fq::nseen, sizeof want_ / sizeof want_[0]);                                    \
        for (unsigned i_ = 0; i_ < sizeof want_ / sizeof want_[0]; i_++)                           \
            XT_CHECK_EQ(fq::seen[i_], want_[i_]);                                                  \
    } while (0)

} // namespace fq
