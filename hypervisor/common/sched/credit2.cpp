// Credit2, with Xen 4.17's documented model and constants. Each unit holds credit (in
// ns of run time at the heaviest weight of its runqueue); running burns it at
// max_weight / weight times the time run, so over an epoch a unit of weight w gets run
// time in proportion to w. A runqueue is ordered by credit; when the unit about to run
// has none left, every unit of the runqueue gets CREDIT_INIT more (what it kept beyond
// a small carry-over is lost): the epoch's reset. CPUs share runqueues by topology;
// load (runnable units, and its decaying average) is evened out between runqueues at
// resets, on wake-up and when a CPU would go idle. Caps are a per-domain budget of run
// time refilled every 10 ms; a unit without budget is parked until the refill.
#include "common/sched/policy.h"

namespace sched {
namespace {

constexpr int64_t kCreditInit = 10'000'000;
constexpr int64_t kCreditMin = -kCreditInit;
constexpr int64_t kIdleCredit = kCreditMin - 1;
constexpr int64_t kMinTimer = 500'000;
constexpr int64_t kMaxTimer = kCreditInit;
constexpr int64_t kCarryoverMax = kMinTimer;
constexpr int64_t kMigrateResist = 500'000;
constexpr int64_t kMigrateCompensation = 50'000;
constexpr int64_t kTickleTolerance = 50'000;
constexpr uint64_t kCapPeriod = 10'000'000;
constexpr unsigned kLoadWindowShift = 30;    // the average's window, 2^30 ns
constexpr unsigned kLoadPrecisionShift = 18; // fixed point of the average

struct Runqueue {
    CpuSet cpus;
    CpuSet idle;    // running nothing
    CpuSet tickled; // told to reschedule and not yet done so
    Unit* runq;     // waiting units, highest credit first
    Unit* members;  // every unit assigned here
    unsigned nr_members;
    unsigned max_weight;
    unsigned load;    // runnable or running units
    uint64_t avgload; // its average, << kLoadPrecisionShift
    uint64_t load_last;
    CpuTopology key;
};

struct State {
    Params p;
    unsigned nr_rqs;
    Runqueue rqs[kMaxCpus];
    unsigned rq_of[kMaxCpus];
    CpuSet online;
    Unit* curr[kMaxCpus];
    CpuSet tickles;
    Dom* capped;
};
constinit State s = {};

void wake(Unit& u, uint64_t now);

int64_t ratelimit_ns() {
    return int64_t(s.p.ratelimit_us) * 1000;
}

bool has_cap(const Unit& u) {
    return u.dom->cap != 0;
}

void recompute_max_weight(Runqueue& rq) {
    unsigned w = 1;
    for (Unit* m = rq.members; m; m = m->member_next)
        if (m->dom->weight > w)
            w = m->dom->weight;
    rq.max_weight = w;
}

void burn(Unit& u, uint64_t now) {
    if (now <= u.start_time)
        return;
    uint64_t delta = now - u.start_time;
    u.start_time = now;
    uint64_t val = delta * s.rqs[u.rq].max_weight + u.residual;
    u.credit -= int64_t(val / u.dom->weight);
    u.residual = val % u.dom->weight;
    if (u.credit < kCreditMin)
        u.credit = kCreditMin;
    if (has_cap(u))
        u.budget -= int64_t(delta);
}

// Run time in which u burns `credit`.
int64_t credit_to_time(const Unit& u, int64_t credit) {
    return int64_t(uint64_t(credit) * u.dom->weight / s.rqs[u.rq].max_weight);
}

void update_load(Runqueue& rq, int change, uint64_t now) {
    uint64_t window = uint64_t(1) << kLoadWindowShift;
    uint64_t delta = now > rq.load_last ? now - rq.load_last : 0;
    uint64_t cur = uint64_t(rq.load) << kLoadPrecisionShift;
    if (delta >= window)
        rq.avgload = cur;
    else
        rq.avgload = (delta * cur + (window - delta) * rq.avgload) >> kLoadWindowShift;
    rq.load_last = now;
    rq.load = unsigned(int(rq.load) + change);
}

void runq_insert(Runqueue& rq, Unit& u) {
    Unit** p = &rq.runq;
    while (*p && (*p)->credit >= u.credit)
        p = &(*p)->rq_next;
    u.rq_next = *p;
    *p = &u;
    u.queued = true;
}

void runq_remove(Runqueue& rq, Unit& u) {
    for (Unit** p = &rq.runq; *p; p = &(*p)->rq_next) {
        if (*p == &u) {
            *p = u.rq_next;
            break;
        }
    }
    u.rq_next = nullptr;
    u.queued = false;
}

void members_remove(Runqueue& rq, Unit& u) {
    for (Unit** p = &rq.members; *p; p = &(*p)->member_next) {
        if (*p == &u) {
            *p = u.member_next;
            break;
        }
    }
    u.member_next = nullptr;
    rq.nr_members--;
    recompute_max_weight(rq);
}

void members_add(unsigned idx, Unit& u) {
    Runqueue& rq = s.rqs[idx];
    u.member_next = rq.members;
    rq.members = &u;
    rq.nr_members++;
    u.rq = idx;
    if (u.dom->weight > rq.max_weight)
        rq.max_weight = u.dom->weight;
}

void tickle(Runqueue& rq, unsigned cpu) {
    rq.tickled.set(cpu);
    s.tickles.set(cpu);
}

// A CPU of `among` for u: where it was, else one it prefers, else the first.
unsigned choose_cpu(const Unit& u, const CpuSet& among) {
    CpuSet soft = among & u.soft;
    const CpuSet& from = soft.empty() ? among : soft;
    return from.test(u.cpu) ? u.cpu : from.next(0);
}

// How much u deserves `cpu` over what runs there (> 0: preempt). `limited` says the
// runner is still within its rate limit.
int64_t tickle_score(const Unit& u, unsigned cpu, uint64_t now, bool* limited) {
    Unit& cur = *s.curr[cpu];
    *limited = ratelimit_ns() && int64_t(now - cur.state_entry) < ratelimit_ns() - kTickleTolerance;
    burn(cur, now);
    int64_t score = u.credit - cur.credit;
    if (u.cpu != cpu)
        score -= kMigrateResist;
    if (score > 0) {
        if (u.soft.test(cpu))
            score += kCreditInit;
        if (!cur.soft.test(cpu))
            score += kCreditInit;
    }
    return score;
}

// Tells a CPU of u's runqueue to pick u up: an idle one (of its soft affinity first),
// else the one whose runner it most deserves to preempt. A runner within its rate
// limit is told too when u deserves its CPU: it keeps running until the limit ends
// (the runtime it is given), then u goes.
void runq_tickle(Unit& u, uint64_t now, int exclude = -1) {
    Runqueue& rq = s.rqs[u.rq];
    CpuSet mask = (u.hard & rq.cpus).without(rq.tickled);
    if (exclude >= 0)
        mask.clear(unsigned(exclude));
    CpuSet idle = mask & rq.idle;
    if (!idle.empty()) {
        unsigned cpu = choose_cpu(u, idle);
        tickle(rq, cpu);
        u.tickled_cpu = int(cpu);
        return;
    }
    int best = -1, deferred = -1;
    int64_t best_score = 0, deferred_score = 0;
    SCHED_FOR_EACH_CPU(cpu, mask) {
        if (!s.curr[cpu])
            continue;
        bool limited;
        int64_t score = tickle_score(u, cpu, now, &limited);
        if (limited && score > deferred_score) {
            deferred = int(cpu);
            deferred_score = score;
        } else if (!limited && score > best_score) {
            best = int(cpu);
            best_score = score;
        }
    }
    if (best >= 0) {
        tickle(rq, unsigned(best));
        u.tickled_cpu = best;
        return;
    }
    if (deferred >= 0) {
        tickle(rq, unsigned(deferred));
        return;
    }
    // Nothing here for it: an idle CPU of another runqueue pulls work (pull()).
    for (unsigned i = 0; i < s.nr_rqs; i++) {
        Runqueue& o = s.rqs[i];
        CpuSet free = (u.hard & o.idle).without(o.tickled);
        if (i != u.rq && !free.empty()) {
            tickle(o, free.next(0));
            return;
        }
    }
}

// Moves a unit that is not running to runqueue `to`, onto a CPU it may use there.
void migrate(Unit& u, unsigned to, uint64_t now) {
    Runqueue& from = s.rqs[u.rq];
    bool queued = u.queued;
    if (queued) {
        runq_remove(from, u);
        update_load(from, -1, now);
    }
    members_remove(from, u);
    members_add(to, u);
    u.cpu = choose_cpu(u, s.rqs[to].cpus & u.hard);
    u.tickled_cpu = -1;
    if (queued) {
        update_load(s.rqs[to], 1, now);
        runq_insert(s.rqs[to], u);
    }
}

// The runqueue for a unit about to become runnable: its own unless another it may use
// holds fewer runnable units (or its own has no CPU it may use); soft affinity first.
unsigned pick_runqueue(const Unit& u) {
    unsigned best = u.rq;
    bool own_ok = u.hard.intersects(s.rqs[u.rq].cpus);
    bool best_soft = own_ok && u.soft.intersects(s.rqs[u.rq].cpus);
    unsigned best_load = own_ok ? s.rqs[u.rq].load : ~0u;
    for (unsigned i = 0; i < s.nr_rqs; i++) {
        const Runqueue& rq = s.rqs[i];
        if (i == u.rq || !u.hard.intersects(rq.cpus))
            continue;
        bool soft = u.soft.intersects(rq.cpus);
        if ((soft && !best_soft) || (soft == best_soft && rq.load < best_load)) {
            best = i;
            best_soft = soft;
            best_load = rq.load;
        }
    }
    return best;
}

void park(Unit& u) {
    u.parked = true;
    u.parked_next = u.dom->parked;
    u.dom->parked = &u;
}

void unpark_all(Dom& d, uint64_t now) {
    Unit* u = d.parked;
    d.parked = nullptr;
    while (u) {
        Unit* next = u->parked_next;
        u->parked_next = nullptr;
        u->parked = false;
        Runqueue& rq = s.rqs[u->rq];
        update_load(rq, 1, now);
        runq_insert(rq, *u);
        runq_tickle(*u, now);
        u = next;
    }
}

// Takes some of the domain's budget for u; false when there is none.
bool grab_budget(Unit& u) {
    Dom& d = *u.dom;
    if (u.budget > 0)
        return true;
    int64_t quota = d.budget_total / int64_t(d.nr_units ? d.nr_units : 1);
    if (quota < kMinTimer)
        quota = kMinTimer;
    while (u.budget <= 0 && d.budget > 0) {
        int64_t take = d.budget < quota ? d.budget : quota;
        d.budget -= take;
        u.budget += take;
    }
    return u.budget > 0;
}

// What u holds goes back (an overrun is charged to the domain).
void return_budget(Unit& u, uint64_t now) {
    Dom& d = *u.dom;
    d.budget += u.budget;
    u.budget = 0;
    if (d.budget > 0 && d.parked)
        unpark_all(d, now);
}

void reset_credit(Runqueue& rq, const Unit& snext, uint64_t now) {
    int64_t add = kCreditInit;
    if (snext.credit <= kCreditMin)
        add += kCreditInit;
    for (Unit* m = rq.members; m; m = m->member_next) {
        if (m->running && m != &snext) {
            burn(*m, now);
            if (has_cap(*m) && m->budget <= 0)
                tickle(rq, m->cpu);
        }
        m->credit += add;
        if (m->credit > kCreditInit + kCarryoverMax)
            m->credit = kCreditInit + kCarryoverMax;
        m->start_time = now;
    }
    // Everyone moved up alike (or was clipped alike): the order stands.
}

// The queued unit of `from` that may run on a CPU of `to`, lowest credit first (the
// one `from` would run last).
Unit* movable(const Runqueue& from, const CpuSet& to_cpus) {
    Unit* found = nullptr;
    for (Unit* u = from.runq; u; u = u->rq_next)
        if (u->hard.intersects(to_cpus))
            found = u;
    return found;
}

// At a reset on `cpu`: even out runnable units between its runqueue and each other.
void balance(unsigned cpu, uint64_t now) {
    unsigned li = s.rq_of[cpu];
    for (unsigned i = 0; i < s.nr_rqs; i++) {
        if (i == li)
            continue;
        Runqueue& l = s.rqs[li];
        Runqueue& o = s.rqs[i];
        update_load(l, 0, now);
        update_load(o, 0, now);
        if (l.load > o.load + 1) {
            if (Unit* u = movable(l, o.cpus)) {
                migrate(*u, i, now);
                runq_tickle(*u, now);
            }
        } else if (o.load > l.load + 1) {
            if (Unit* u = movable(o, l.cpus)) {
                migrate(*u, li, now);
                runq_tickle(*u, now);
            }
        }
    }
}

// `cpu` found nothing to run: take a waiting unit from the busiest other runqueue.
bool pull(unsigned cpu, uint64_t now) {
    unsigned li = s.rq_of[cpu];
    int best = -1;
    unsigned best_load = 0;
    for (unsigned i = 0; i < s.nr_rqs; i++) {
        if (i == li || s.rqs[i].load <= best_load)
            continue;
        for (Unit* u = s.rqs[i].runq; u; u = u->rq_next) {
            if (u->hard.test(cpu)) {
                best = int(i);
                best_load = s.rqs[i].load;
                break;
            }
        }
    }
    if (best < 0)
        return false;
    for (Unit* u = s.rqs[best].runq; u; u = u->rq_next) {
        if (u->hard.test(cpu)) {
            migrate(*u, li, now);
            return true;
        }
    }
    return false;
}

int64_t runtime(const Unit* snext, bool continuing, int64_t inflight, uint64_t now) {
    if (!snext)
        return -1;
    int64_t min_time = kMinTimer;
    if (ratelimit_ns()) {
        int64_t rl = ratelimit_ns();
        if (continuing)
            rl = int64_t(snext->state_entry + uint64_t(ratelimit_ns()) - now);
        if (rl > min_time)
            min_time = rl;
    }
    const Runqueue& rq = s.rqs[snext->rq];
    int64_t swait = rq.runq && rq.runq->credit > 0 ? rq.runq->credit : 0;
    if (swait < inflight)
        swait = inflight;
    int64_t rt_credit = swait > 0 ? snext->credit - swait : snext->credit;
    int64_t time = rt_credit > 0 ? credit_to_time(*snext, rt_credit) : 0;
    if (has_cap(*snext) && snext->budget < time)
        time = snext->budget;
    if (time < min_time)
        time = min_time;
    else if (time > kMaxTimer)
        time = kMaxTimer;
    return time;
}

// The unit `cpu` should run: `base` (what ran, if it may go on, or nullptr) unless a
// queued unit has more credit (any queued one, when `yield`).
Unit* candidate(Runqueue& rq, unsigned cpu, Unit* base, bool yield, uint64_t now) {
    int64_t base_credit = base ? base->credit : kIdleCredit;
    for (Unit* u = rq.runq; u;) {
        Unit* next = u->rq_next;
        if (!yield && u->credit <= base_credit)
            break;
        bool skip = !u->hard.test(cpu) ||
                    (u->tickled_cpu >= 0 && unsigned(u->tickled_cpu) != cpu &&
                     rq.tickled.test(unsigned(u->tickled_cpu))) ||
                    (u->cpu != cpu && base_credit + kMigrateResist > u->credit && base);
        if (!skip && has_cap(*u) && !grab_budget(*u)) {
            runq_remove(rq, *u);
            update_load(rq, -1, now);
            park(*u);
            skip = true;
        }
        if (!skip)
            return u;
        u = next;
    }
    return base;
}

// Whether cur, running outside its soft affinity, should make way: a CPU it prefers
// is idle and untold.
bool soft_affinity_preempt(const Unit& cur, unsigned cpu) {
    if (cur.soft.test(cpu))
        return false;
    const Runqueue& rq = s.rqs[cur.rq];
    CpuSet free = (cur.soft & cur.hard & rq.idle).without(rq.tickled);
    return !free.empty();
}

Decision schedule(unsigned cpu, Unit* cur, bool runnable, uint64_t now) {
    unsigned li = s.rq_of[cpu];
    Runqueue& rq = s.rqs[li];
    rq.tickled.clear(cpu);
    bool here = false, parked = false, yield = false;
    if (cur) {
        burn(*cur, now);
        here = runnable && cur->hard.test(cpu) && cur->rq == li;
        if (here && has_cap(*cur) && cur->budget <= 0 && !grab_budget(*cur)) {
            here = false;
            parked = true;
        }
        yield = cur->yield;
        cur->yield = false;
    }
    Unit* snext;
    if (here && !yield && ratelimit_ns() && int64_t(now - cur->state_entry) < ratelimit_ns()) {
        snext = cur;
    } else {
        Unit* base = here && !soft_affinity_preempt(*cur, cpu) ? cur : nullptr;
        snext = candidate(rq, cpu, base, yield, now);
        if (!snext && !rq.runq && pull(cpu, now))
            snext = candidate(rq, cpu, nullptr, false, now);
        if (!snext && here)
            snext = cur; // yielded with no one else to run
    }
    bool requeue = false, rewake = false;
    if (cur && snext != cur) {
        cur->running = false;
        s.curr[cpu] = nullptr;
        if (parked) {
            update_load(s.rqs[cur->rq], -1, now);
            park(*cur);
        } else if (here) {
            requeue = true;
        } else {
            update_load(s.rqs[cur->rq], -1, now);
            rewake = runnable; // but not here (its affinity changed): elsewhere
        }
        if (has_cap(*cur))
            return_budget(*cur, now);
    }
    int64_t inflight = 0;
    if (snext) {
        bool continuing = snext == cur;
        if (!continuing) {
            runq_remove(rq, *snext);
            snext->running = true;
            snext->state_entry = now;
        } else {
            update_load(rq, 0, now);
        }
        rq.idle.clear(cpu);
        int64_t top = rq.runq && rq.runq->credit > snext->credit ? rq.runq->credit : snext->credit;
        if (top <= 0) {
            reset_credit(rq, *snext, now);
            balance(cpu, now);
        }
        if (requeue)
            inflight = cur->credit;
        snext->start_time = now;
        snext->tickled_cpu = -1;
        if (snext->cpu != cpu) {
            snext->credit += kMigrateCompensation;
            snext->cpu = cpu;
        }
        s.curr[cpu] = snext;
        if (requeue) {
            runq_insert(s.rqs[cur->rq], *cur);
            runq_tickle(*cur, now, int(cpu)); // not here: it just lost this CPU
        }
        if (rewake)
            wake(*cur, now);
        return {snext, runtime(snext, continuing, inflight, now)};
    }
    rq.idle.set(cpu);
    update_load(rq, 0, now);
    if (rewake)
        wake(*cur, now);
    return {nullptr, -1};
}

void init(const Params& p) {
    s = State{};
    s.p = p;
}

void set_ratelimit(uint32_t us) {
    s.p.ratelimit_us = us;
}

bool same_runqueue(CpuTopology a, CpuTopology b) {
    switch (s.p.arrangement) {
    case RunqueueArrangement::cpu:
        return false;
    case RunqueueArrangement::core:
        return a.socket == b.socket && a.core == b.core;
    case RunqueueArrangement::socket:
        return a.socket == b.socket;
    case RunqueueArrangement::all:
        return true;
    }
    return false;
}

void add_cpu(unsigned cpu, CpuTopology t) {
    if (cpu >= kMaxCpus || s.online.test(cpu))
        return;
    unsigned i = 0;
    while (i < s.nr_rqs && !same_runqueue(s.rqs[i].key, t))
        i++;
    if (i == s.nr_rqs) {
        s.nr_rqs++;
        s.rqs[i].key = t;
        s.rqs[i].max_weight = 1;
    }
    s.rqs[i].cpus.set(cpu);
    s.rqs[i].idle.set(cpu);
    s.rq_of[cpu] = i;
    s.online.set(cpu);
}

void init_dom(Dom& d) {
    d = Dom{};
    d.weight = 256;
}

void insert(Unit& u, uint64_t now) {
    // The runqueue with the fewest units that has a CPU u may use.
    unsigned best = 0;
    bool found = false;
    for (unsigned i = 0; i < s.nr_rqs; i++) {
        if (!u.hard.intersects(s.rqs[i].cpus))
            continue;
        if (!found || s.rqs[i].nr_members < s.rqs[best].nr_members)
            best = i;
        found = true;
    }
    members_add(best, u);
    CpuSet cpus = s.rqs[best].cpus & u.hard;
    u.cpu = cpus.empty() ? s.rqs[best].cpus.next(0) : choose_cpu(u, cpus);
    u.credit = kCreditInit;
    u.start_time = now;
    u.tickled_cpu = -1;
    u.assigned = true;
    u.dom->nr_units++;
}

void remove_parked(Unit& u) {
    for (Unit** p = &u.dom->parked; *p; p = &(*p)->parked_next) {
        if (*p == &u) {
            *p = u.parked_next;
            break;
        }
    }
    u.parked_next = nullptr;
    u.parked = false;
}

void remove(Unit& u) {
    if (!u.assigned)
        return;
    if (u.parked)
        remove_parked(u);
    members_remove(s.rqs[u.rq], u);
    u.dom->nr_units--;
    u.assigned = false;
}

void wake(Unit& u, uint64_t now) {
    unsigned to = pick_runqueue(u);
    if (to != u.rq)
        migrate(u, to, now);
    else if (!u.hard.test(u.cpu))
        u.cpu = choose_cpu(u, s.rqs[to].cpus & u.hard);
    Runqueue& rq = s.rqs[u.rq];
    update_load(rq, 1, now);
    runq_insert(rq, u);
    runq_tickle(u, now);
}

void sleep(Unit& u, uint64_t now) {
    Runqueue& rq = s.rqs[u.rq];
    if (u.queued) {
        runq_remove(rq, u);
        update_load(rq, -1, now);
    }
    if (u.parked)
        remove_parked(u);
}

void capped_remove(Dom& d) {
    for (Dom** p = &s.capped; *p; p = &(*p)->capped_next) {
        if (*p == &d) {
            *p = d.capped_next;
            break;
        }
    }
    d.capped_next = nullptr;
    d.on_capped_list = false;
}

void set_dom_params(Dom& d, uint16_t weight, uint16_t cap, uint64_t now) {
    d.weight = weight ? weight : 1;
    for (unsigned i = 0; i < s.nr_rqs; i++)
        recompute_max_weight(s.rqs[i]);
    d.cap = cap;
    if (cap) {
        d.budget_total = int64_t(kCapPeriod) * cap / 100;
        if (!d.on_capped_list) {
            d.budget = d.budget_total;
            d.next_replenish = now + kCapPeriod;
            d.capped_next = s.capped;
            s.capped = &d;
            d.on_capped_list = true;
        }
    } else {
        if (d.on_capped_list)
            capped_remove(d);
        d.budget_total = 0;
        d.budget = 0;
        if (d.parked)
            unpark_all(d, now);
    }
}

void affinity_changed(Unit& u, uint64_t now) {
    if (u.queued && !u.hard.intersects(s.rqs[u.rq].cpus)) {
        Runqueue& rq = s.rqs[u.rq];
        runq_remove(rq, u);
        update_load(rq, -1, now);
        wake(u, now);
    } else if (u.queued && !u.hard.test(u.cpu)) {
        u.cpu = choose_cpu(u, s.rqs[u.rq].cpus & u.hard);
        runq_tickle(u, now);
    } else if (u.running && !u.hard.test(u.cpu)) {
        tickle(s.rqs[s.rq_of[u.cpu]], u.cpu);
    }
}

uint64_t replenish(uint64_t now) {
    uint64_t next = 0;
    for (Dom* d = s.capped; d; d = d->capped_next) {
        if (d->next_replenish <= now) {
            d->budget += d->budget_total;
            if (d->budget > d->budget_total)
                d->budget = d->budget_total;
            d->next_replenish += kCapPeriod;
            if (d->next_replenish <= now)
                d->next_replenish = now + kCapPeriod;
            if (d->budget > 0 && d->parked)
                unpark_all(*d, now);
        }
        if (!next || d->next_replenish < next)
            next = d->next_replenish;
    }
    return next;
}

CpuSet take_tickles() {
    CpuSet t = s.tickles;
    s.tickles = CpuSet{};
    return t;
}

} // namespace

const Policy kCredit2 = {
    "credit2", 6,     init,     set_ratelimit,  add_cpu,          init_dom,  insert,       remove,
    wake,      sleep, schedule, set_dom_params, affinity_changed, replenish, take_tickles,
};

} // namespace sched
