// Deferred freeing after a grace period (quiescent-state based reclamation).
//
// An object that other CPUs may still be using through a pointer they found before it
// was unlinked (a Domain* from domain_lookup in the middle of a hypercall, a Vcpu* a
// context switch is still saving into) is not freed at once: it is queued with the set
// of CPUs online at that moment, and freed once each of them has passed a quiescent
// point, a place where it holds no such pointer. A CPU is quiescent whenever it is about
// to pick a vCPU to return to (every exit to a guest) and in its idle loop; the scheduler
// reports both (common/sched/sched_hv.cpp). Objects must be unreachable for new lookups
// before they are queued.
//
// GraceList is the bookkeeping alone (host-tested); grace_period_hv.cpp adds the lock,
// the CPU mask and the kicks that bring idle CPUs round.
#pragma once
#include <stdint.h>

namespace grace {

constexpr unsigned kMaxCpus = 256; // arch::kMaxCpus, which common/ cannot include here
constexpr unsigned kMaskWords = kMaxCpus / 64;

struct CpuMask {
    uint64_t bits[kMaskWords];
    void set(unsigned cpu) { bits[cpu / 64] |= uint64_t(1) << (cpu % 64); }
    void clear(unsigned cpu) { bits[cpu / 64] &= ~(uint64_t(1) << (cpu % 64)); }
    bool any() const;
};

struct Deferred {
    Deferred* next;
    CpuMask waiting; // CPUs yet to pass a quiescent point
    void (*free)(Deferred* self);
};

class GraceList {
  public:
    // Queues d until every CPU in `cpus` has passed a quiescent point.
    void defer(Deferred* d, const CpuMask& cpus);
    // CPU `cpu` is quiescent: returns the objects whose grace period just ended (linked
    // by next), for the caller to free.
    Deferred* quiescent(unsigned cpu);
    bool empty() const { return head_ == nullptr; }

  private:
    Deferred* head_ = nullptr;
};

// The hypervisor's instance.
// Frees d (d->free(d)) once every online CPU has passed a quiescent point.
void call_after_grace_period(Deferred* d, void (*free)(Deferred*));
// This CPU holds no pointer found before now: interrupts off, no locks held.
void quiescent_point();

} // namespace grace
