// Ticket spinlock: fair, one cache line, no allocation. Interrupt masking is the
// caller's business (arch/irq.h has the guard that does both).
#pragma once
#include <stdint.h>

namespace lib {

inline void cpu_relax() {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

class SpinLock {
  public:
    constexpr SpinLock() = default;
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;

    void lock() {
        uint32_t ticket = __atomic_fetch_add(&next_, 1, __ATOMIC_RELAXED);
        while (__atomic_load_n(&owner_, __ATOMIC_ACQUIRE) != ticket)
            cpu_relax();
    }
    bool try_lock() {
        uint32_t owner = __atomic_load_n(&owner_, __ATOMIC_RELAXED);
        uint32_t expected = owner;
        return __atomic_compare_exchange_n(&next_, &expected, owner + 1, false, __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED);
    }
    void unlock() { __atomic_store_n(&owner_, owner_ + 1, __ATOMIC_RELEASE); }
    bool is_locked() const {
        return __atomic_load_n(&owner_, __ATOMIC_RELAXED) !=
               __atomic_load_n(&next_, __ATOMIC_RELAXED);
    }

  private:
    uint32_t next_ = 0;
    uint32_t owner_ = 0;
};

template <typename Lock> class LockGuard {
  public:
    explicit LockGuard(Lock& lock) : lock_(lock) { lock_.lock(); }
    ~LockGuard() { lock_.unlock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

  private:
    Lock& lock_;
};

} // namespace lib
