// The interface between the scheduler's mechanism (common/sched/sched_hv.cpp: locks,
// timers, vCPU flags, context switches) and a scheduling policy (credit2.cpp today; a
// credit1 would be another file filling the same table). A policy sees vCPUs only as
// Units and time only as the nanoseconds it is given, so it is host-tested on scripted
// timelines. Every call is made with the scheduler lock held.
#pragma once
#include <stdint.h>

namespace sched {

constexpr unsigned kMaxCpus = 256; // arch::kMaxCpus

struct CpuSet {
    uint64_t w[kMaxCpus / 64];

    bool test(unsigned cpu) const { return cpu < kMaxCpus && (w[cpu / 64] >> (cpu % 64) & 1); }
    void set(unsigned cpu) { w[cpu / 64] |= uint64_t(1) << (cpu % 64); }
    void clear(unsigned cpu) { w[cpu / 64] &= ~(uint64_t(1) << (cpu % 64)); }
    bool empty() const {
        for (uint64_t x : w)
            if (x)
                return false;
        return true;
    }
    bool intersects(const CpuSet& o) const {
        for (unsigned i = 0; i < kMaxCpus / 64; i++)
            if (w[i] & o.w[i])
                return true;
        return false;
    }
    CpuSet operator&(const CpuSet& o) const {
        CpuSet r;
        for (unsigned i = 0; i < kMaxCpus / 64; i++)
            r.w[i] = w[i] & o.w[i];
        return r;
    }
    CpuSet without(const CpuSet& o) const {
        CpuSet r;
        for (unsigned i = 0; i < kMaxCpus / 64; i++)
            r.w[i] = w[i] & ~o.w[i];
        return r;
    }
    // The first CPU at or after `from`, or kMaxCpus.
    unsigned next(unsigned from) const {
        for (unsigned c = from; c < kMaxCpus; c++) {
            uint64_t x = w[c / 64] >> (c % 64);
            if (x)
                return c + __builtin_ctzll(x);
            c |= 63;
        }
        return kMaxCpus;
    }
    static CpuSet all() {
        CpuSet r;
        for (uint64_t& x : r.w)
            x = ~uint64_t(0);
        return r;
    }
    static CpuSet none() { return CpuSet{}; }
    static CpuSet one(unsigned cpu) {
        CpuSet r{};
        r.set(cpu);
        return r;
    }
};

#define SCHED_FOR_EACH_CPU(c, set)                                                                 \
    for (unsigned c = (set).next(0); c < ::sched::kMaxCpus; c = (set).next(c + 1))

struct Unit;

// A domain's parameters (XEN_DOMCTL_scheduler_op) and its cap's budget.
struct Dom {
    uint16_t weight; // 1..65535
    uint16_t cap;    // percent of one CPU; 0: none
    unsigned nr_units;
    int64_t budget;       // ns left in this cap period (shared by its units)
    int64_t budget_total; // cap% of the period
    uint64_t next_replenish;
    Unit* parked; // out of budget, waiting for the next period
    Dom* capped_next;
    bool on_capped_list;
};

// A vCPU as a policy sees it. The mechanism owns `cpu` (where the vCPU was last placed)
// only through the policy's calls; the rest is the policy's.
struct Unit {
    void* owner; // the mechanism's (the Vcpu)
    Dom* dom;
    unsigned cpu;
    CpuSet hard;   // may run only there
    CpuSet soft;   // prefers
    bool assigned; // inserted and not removed
    bool running;  // the policy's pick on `cpu` now
    bool queued;   // in its runqueue, waiting
    bool parked;   // runnable but out of its domain's budget
    bool yield;    // SCHEDOP_yield: let anyone else go first once
    // credit2's accounting.
    int64_t credit;
    uint64_t residual;    // remainder of the last burn's division
    uint64_t start_time;  // last time credit was burned up to
    uint64_t state_entry; // when it was picked (rate limit)
    int64_t budget;       // ns of its domain's budget it holds
    int tickled_cpu;
    unsigned rq;
    Unit* rq_next;     // runqueue order
    Unit* member_next; // every unit of the runqueue
    Unit* parked_next;
};

struct CpuTopology {
    uint32_t core;
    uint32_t socket;
};

// How CPUs share runqueues (credit2_runqueue=).
enum class RunqueueArrangement : uint8_t { cpu, core, socket, all };

struct Params {
    uint32_t ratelimit_us; // 0: none
    RunqueueArrangement arrangement;
};

// What a CPU runs next: nullptr is idle; `runtime` ns until it must decide again (< 0:
// only when told).
struct Decision {
    Unit* next;
    int64_t runtime;
};

struct Policy {
    const char* name;
    uint32_t sched_id; // XEN_SCHEDULER_*
    void (*init)(const Params& p);
    void (*set_ratelimit)(uint32_t us);
    // A CPU joins (once, before it schedules or is given work).
    void (*add_cpu)(unsigned cpu, CpuTopology t);
    void (*init_dom)(Dom& d);
    // A new unit, not runnable; it is placed on a CPU of its hard affinity.
    void (*insert)(Unit& u, uint64_t now);
    // A unit that is neither running nor queued leaves for good.
    void (*remove)(Unit& u);
    // The unit became runnable (it is neither running nor queued).
    void (*wake)(Unit& u, uint64_t now);
    // The unit stopped being runnable while queued or parked.
    void (*sleep)(Unit& u, uint64_t now);
    // On `cpu`: `cur` is what ran (nullptr: idle), `runnable` whether it still may.
    Decision (*schedule)(unsigned cpu, Unit* cur, bool runnable, uint64_t now);
    // New weight/cap for a domain; new affinity for a unit (not running elsewhere).
    void (*set_dom_params)(Dom& d, uint16_t weight, uint16_t cap, uint64_t now);
    void (*affinity_changed)(Unit& u, uint64_t now);
    // Cap periods that ended by `now` refill budgets and unpark units; returns when the
    // next one ends (0: no capped domain).
    uint64_t (*replenish)(uint64_t now);
    // The CPUs told to reschedule since the last call (the set is cleared).
    CpuSet (*take_tickles)();
};

extern const Policy kCredit2;

} // namespace sched
