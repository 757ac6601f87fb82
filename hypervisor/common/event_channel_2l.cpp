// The 2-level port ABI of common/event_channel_2l.h, as Xen 4.17's event_2l.c behaves.
#include "common/event_channel_2l.h"

namespace evtchn {
namespace {

volatile uint64_t* word_ptr(volatile uint64_t* base, uint32_t port) {
    return base + port / 64;
}

bool test_and_set(volatile uint64_t* word, unsigned bit) {
    return __atomic_fetch_or(word, uint64_t(1) << bit, __ATOMIC_SEQ_CST) & (uint64_t(1) << bit);
}
bool test_and_clear(volatile uint64_t* word, unsigned bit) {
    return __atomic_fetch_and(word, ~(uint64_t(1) << bit), __ATOMIC_SEQ_CST) & (uint64_t(1) << bit);
}
bool test(const volatile uint64_t* word, unsigned bit) {
    return __atomic_load_n(word, __ATOMIC_SEQ_CST) & (uint64_t(1) << bit);
}

} // namespace

bool set_pending_bits(xen::shared_info& s, xen::vcpu_info& vi, uint32_t port, bool* upcall) {
    const unsigned bit = port % 64, word = port / 64;
    *upcall = false;
    if (test_and_set(word_ptr(s.evtchn_pending, port), bit))
        return false;
    *upcall =
        !test(word_ptr(s.evtchn_mask, port), bit) && !test_and_set(&vi.evtchn_pending_sel, word);
    return true;
}

bool unmask_bits(xen::shared_info& s, xen::vcpu_info* vi, uint32_t port) {
    const unsigned bit = port % 64, word = port / 64;
    return test_and_clear(word_ptr(s.evtchn_mask, port), bit) &&
           test(word_ptr(s.evtchn_pending, port), bit) && vi &&
           !test_and_set(&vi->evtchn_pending_sel, word);
}

void clear_pending(xen::shared_info& s, uint32_t port) {
    test_and_clear(word_ptr(s.evtchn_pending, port), port % 64);
}

bool is_pending(const xen::shared_info& s, uint32_t port) {
    return test(&s.evtchn_pending[port / 64], port % 64);
}

bool set_upcall_pending(xen::vcpu_info& vi) {
    return !__atomic_exchange_n(&vi.evtchn_upcall_pending, uint8_t(1), __ATOMIC_SEQ_CST);
}

namespace {

bool has_bits(uint32_t port) {
    return port < kMax2lPorts;
}

Raise abi_set_pending(EvtchnDomain& e, Target t, Port&, uint32_t port) {
    Raise r{};
    if (has_bits(port) && t.vi)
        r.newly_pending = set_pending_bits(*e.shared, *t.vi, port, &r.upcall);
    return r;
}

void abi_clear_pending(EvtchnDomain& e, Port&, uint32_t port) {
    if (has_bits(port))
        clear_pending(*e.shared, port);
}

bool abi_unmask(EvtchnDomain& e, Target t, Port&, uint32_t port) {
    return has_bits(port) && unmask_bits(*e.shared, t.vi, port);
}

bool abi_is_pending(const EvtchnDomain& e, uint32_t port) {
    return has_bits(port) && is_pending(*e.shared, port);
}

bool abi_is_busy(const EvtchnDomain&, uint32_t) {
    return false;
}

} // namespace

const PortAbi kAbi2l{abi_set_pending, abi_clear_pending, abi_unmask,
                     abi_is_pending,  abi_is_busy,       nullptr};

} // namespace evtchn
