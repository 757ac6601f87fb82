// Small helpers the hypercall handlers share: finding the domain a guest names, and Xen's
// cheap "could this guest handle point at guest memory" test.
#pragma once
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "common/domain.h"
#include "public/xen.h"

namespace hc {

// The live domain with this id, or nullptr.
inline Domain* domain_by_id(uint16_t domid) { return domain_lookup(domid); }

// DOMID_SELF or a real id, as Xen's rcu_lock_domain_by_any_id resolves them.
inline Domain* domain_by_any_id(uint16_t domid, Domain& self) {
    return domid == xen::DOMID_SELF ? &self : domain_by_id(domid);
}

// Xen's guest_handle_okay for an array of `count` elements of `size` bytes: the count
// must not overflow and the first byte must lie in guest address space (below the
// canonical hole, or above the hypervisor's range). The end is not checked: each later
// copy is.
inline bool guest_handle_okay(uint64_t va, uint64_t count, uint64_t size) {
    if (size && count >= ~uint64_t(0) / size)
        return false;
    return va < (uint64_t(1) << 47) || va >= xen::HYPERVISOR_VIRT_END;
}

inline bool is_canonical(uint64_t va) {
    return static_cast<uint64_t>(static_cast<int64_t>(va << 16) >> 16) == va;
}

// Interrupts off and a lock held: what the timer interrupt also takes, so that a
// hypercall holding it cannot be interrupted by a tick that wants it on the same CPU.
template <typename Lock> class IrqLockGuard {
  public:
    explicit IrqLockGuard(Lock& lock) : lock_(lock), flags_(arch::irq_save()) { lock_.lock(); }
    ~IrqLockGuard() {
        lock_.unlock();
        arch::irq_restore(flags_);
    }
    IrqLockGuard(const IrqLockGuard&) = delete;
    IrqLockGuard& operator=(const IrqLockGuard&) = delete;

  private:
    Lock& lock_;
    uint64_t flags_;
};

} // namespace hc
