// The scheduler's mechanism: vCPU flags, the lock the policy runs under, each CPU's
// reschedule flag and decision timer, the cap replenishment timer, runstates, and the
// hand-over of a vCPU's context from the CPU that saves it to the one that loads it.
//
// One lock covers the policy: credit2 shares runqueues between CPUs and balances
// between them, and with Xen's default (a runqueue per socket) a machine's CPUs mostly
// share one lock anyway. Returning to the same vCPU, the hot path, takes no lock.
#include "common/sched/sched.h"

#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "arch/topology.h"
#include "common/cmdline.h"
#include "common/console.h"
#include "common/domain.h"
#include "common/grace_period.h"
#include "common/timer.h"
#include "lib/spinlock.h"
#include "lib/string.h"

static_assert(sched::kMaxCpus == arch::kMaxCpus);

namespace {

using sched::CpuSet;

const sched::Policy& policy = sched::kCredit2;

struct PerCpu {
    volatile bool need_resched;
    Timer decision; // the policy's runtime for what runs here ends
    // Time with nothing to run (Xen's idle vCPU running): the total of past stints and
    // the start of the current one (0 while busy).
    uint64_t idle_total;
    uint64_t idle_since;
};
constinit PerCpu cpus[arch::kMaxCpus] = {};
constinit lib::SpinLock lock;
constinit CpuSet cpus_added = {};
constinit Timer replenish_timer = {};

// Boot options, as Xen's: sched=, sched_ratelimit_us=, credit2_runqueue=.
constinit char opt_sched[16] = "credit2";
constinit uint32_t opt_ratelimit_us = kCredit2DefaultRatelimitUs;
constinit sched::RunqueueArrangement opt_runqueue = sched::RunqueueArrangement::socket;

bool parse_runqueue(const char* v) {
    using A = sched::RunqueueArrangement;
    if (!strcmp(v, "cpu"))
        opt_runqueue = A::cpu;
    else if (!strcmp(v, "core"))
        opt_runqueue = A::core;
    else if (!strcmp(v, "socket") || !strcmp(v, "node")) // one NUMA node
        opt_runqueue = A::socket;
    else if (!strcmp(v, "all"))
        opt_runqueue = A::all;
    else
        return false;
    return true;
}

} // namespace

XENON_PARAM_STRING("sched", opt_sched);
XENON_PARAM_UINT("sched_ratelimit_us", opt_ratelimit_us);
XENON_PARAM_CUSTOM("credit2_runqueue", parse_runqueue);

namespace {

Vcpu* vcpu_of(sched::Unit* u) {
    return u ? static_cast<Vcpu*>(u->owner) : nullptr;
}

bool can_run(const Vcpu* v) {
    return !v->sched.blocked && !v->sched.down && v->sched.pause_count == 0 &&
           !v->domain->shutting_down;
}

void set_runstate(Vcpu* v, int state) {
    uint64_t now = system_time();
    if (v->runstate.state >= 0 && v->runstate.state < 4)
        v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
    v->runstate.state = state;
    v->runstate.state_entry_time = now;
}

int stopped_state(const Vcpu* v) {
    return v->sched.down || v->sched.pause_count || v->domain->shutting_down
               ? xen::RUNSTATE_offline
               : xen::RUNSTATE_blocked;
}

// Every CPU online takes part (they all are by the time the first vCPU is placed).
void add_cpus_locked() {
    for (unsigned cpu = 0; cpu < arch::cpus_possible(); cpu++) {
        arch::PerCpu* c = arch::cpu(cpu);
        if (c && c->online && !cpus_added.test(cpu)) {
            arch::CpuTopology t = arch::cpu_topology(cpu);
            policy.add_cpu(cpu, sched::CpuTopology{t.core, t.socket});
            cpus_added.set(cpu);
        }
    }
}

CpuSet allowed(const uint64_t* excluded) {
    CpuSet s;
    for (unsigned i = 0; i < sched::kMaxCpus / 64; i++)
        s.w[i] = ~excluded[i];
    return s;
}

// After the lock: the CPUs the policy told to reschedule.
void kick(const CpuSet& t) {
    unsigned self = arch::this_cpu_id();
    SCHED_FOR_EACH_CPU(cpu, t) {
        cpus[cpu].need_resched = true;
        if (cpu != self)
            arch::smp_kick(cpu);
    }
}

struct Locked {
    uint64_t flags;
    Locked() : flags(arch::irq_save()) { lock.lock(); }
    // Unlocks, then kicks the CPUs the policy tickled.
    ~Locked() {
        CpuSet t = policy.take_tickles();
        lock.unlock();
        arch::irq_restore(flags);
        if (!t.empty())
            kick(t);
    }
};

void arm_replenish(uint64_t next) {
    if (next)
        timer_set(&replenish_timer, next);
}

void replenish_fn(Timer*) {
    uint64_t next;
    {
        Locked l;
        next = policy.replenish(system_time());
    }
    arm_replenish(next);
}

// Re-evaluates v after a change of its flags.
void update(Vcpu* v) {
    Locked l;
    sched::Unit& u = v->sched.unit;
    if (!u.assigned)
        return;
    uint64_t now = system_time();
    if (can_run(v)) {
        if (!u.running && !u.queued && !u.parked) {
            policy.wake(u, now);
            set_runstate(v, xen::RUNSTATE_runnable);
        }
    } else if (u.queued || u.parked) {
        policy.sleep(u, now);
        set_runstate(v, stopped_state(v));
    } else if (u.running) {
        cpus[u.cpu].need_resched = true; // its CPU takes it off on the way to the guest
        if (u.cpu != arch::this_cpu_id())
            arch::smp_kick(u.cpu);
    }
}

sched::Dom& dom_of(Domain& d) {
    if (!d.sched_dom.weight)
        policy.init_dom(d.sched_dom);
    return d.sched_dom;
}

} // namespace

void sched_init() {
    if (strcmp(opt_sched, "credit2"))
        log_warn("sched=%s: not available, using credit2", opt_sched);
    uint32_t rl = opt_ratelimit_us;
    if (rl && (rl < 100 || rl > 500'000)) { // XEN_SYSCTL_SCHED_RATELIMIT_MIN/MAX
        log_warn("sched_ratelimit_us=%u out of range, using %u", rl, kCredit2DefaultRatelimitUs);
        rl = kCredit2DefaultRatelimitUs;
    }
    policy.init(sched::Params{rl, opt_runqueue});
    for (unsigned cpu = 0; cpu < arch::kMaxCpus; cpu++)
        timer_init(
            &cpus[cpu].decision, [](Timer* t) { cpus[t->cpu].need_resched = true; }, nullptr, cpu);
    timer_init(&replenish_timer, replenish_fn, nullptr, 0);
}

void sched_get_params(Domain& d, uint16_t* weight, uint16_t* cap) {
    Locked l;
    sched::Dom& sd = dom_of(d);
    *weight = sd.weight;
    *cap = sd.cap;
}

void sched_set_params(Domain& d, uint16_t weight, uint16_t cap) {
    uint64_t next;
    {
        Locked l;
        sched::Dom& sd = dom_of(d);
        policy.set_dom_params(sd, weight, cap, system_time());
        next = policy.replenish(system_time());
    }
    arm_replenish(next);
}

uint32_t sched_ratelimit_us() {
    Locked l;
    return opt_ratelimit_us;
}

void sched_set_ratelimit_us(uint32_t us) {
    Locked l;
    opt_ratelimit_us = us;
    policy.set_ratelimit(us);
}

void sched_affinity_changed(Vcpu* v) {
    Locked l;
    sched::Unit& u = v->sched.unit;
    u.hard = allowed(v->hard_affinity_excluded);
    u.soft = allowed(v->soft_affinity_excluded);
    if (u.assigned)
        policy.affinity_changed(u, system_time());
}

unsigned sched_vcpu_cpu(const Vcpu* v) {
    return __atomic_load_n(&v->sched.unit.cpu, __ATOMIC_RELAXED);
}

void sched_context_saved(Vcpu* v) {
    __atomic_store_n(&v->sched.running, false, __ATOMIC_RELEASE);
}

void sched_add_vcpu(Vcpu* v) {
    Locked l;
    add_cpus_locked();
    v->sched = VcpuSched{};
    v->sched.down = true;
    sched::Unit& u = v->sched.unit;
    u.owner = v;
    u.dom = &dom_of(*v->domain);
    u.hard = allowed(v->hard_affinity_excluded);
    u.soft = allowed(v->soft_affinity_excluded);
    policy.insert(u, system_time());
    v->processor = u.cpu;
    v->runstate.state = xen::RUNSTATE_offline;
    v->runstate.state_entry_time = system_time();
}

void sched_remove_vcpu(Vcpu* v) {
    Locked l;
    sched::Unit& u = v->sched.unit;
    if (u.queued || u.parked) // cannot be: it is paused; but never leave it linked
        policy.sleep(u, system_time());
    policy.remove(u);
}

void vcpu_wake(Vcpu* v) {
    if (!v->sched.blocked)
        return;
    v->sched.blocked = false;
    update(v);
}

void vcpu_up(Vcpu* v) {
    v->sched.down = false;
    update(v);
}

void vcpu_pause(Vcpu* v) {
    __atomic_fetch_add(&v->sched.pause_count, 1, __ATOMIC_SEQ_CST);
    update(v);
}

void vcpu_unpause(Vcpu* v) {
    __atomic_fetch_sub(&v->sched.pause_count, 1, __ATOMIC_SEQ_CST);
    update(v);
}

void sched_block_current() {
    Vcpu* v = current_vcpu();
    v->sched.blocked = true;
    cpus[arch::this_cpu_id()].need_resched = true;
}

void sched_yield_current() {
    {
        Locked l;
        current_vcpu()->sched.unit.yield = true;
    }
    cpus[arch::this_cpu_id()].need_resched = true;
}

void sched_idle_enter() {
    PerCpu& c = cpus[arch::this_cpu_id()];
    __atomic_store_n(&c.idle_since, system_time(), __ATOMIC_RELEASE);
}

void sched_idle_exit() {
    PerCpu& c = cpus[arch::this_cpu_id()];
    uint64_t since = __atomic_exchange_n(&c.idle_since, 0, __ATOMIC_ACQ_REL);
    if (since)
        __atomic_add_fetch(&c.idle_total, system_time() - since, __ATOMIC_RELEASE);
}

uint64_t sched_idle_time(unsigned cpu) {
    if (cpu >= arch::kMaxCpus)
        return 0;
    const PerCpu& c = cpus[cpu];
    // Read the start first: a stint that ends meanwhile is counted at most once less.
    uint64_t since = __atomic_load_n(&c.idle_since, __ATOMIC_ACQUIRE);
    uint64_t total = __atomic_load_n(&c.idle_total, __ATOMIC_ACQUIRE);
    uint64_t now = system_time();
    return total + (since && now > since ? now - since : 0);
}

bool sched_work_pending() {
    grace::quiescent_point(); // the idle loop: this CPU holds nothing
    return cpus[arch::this_cpu_id()].need_resched;
}

[[gnu::hot]] Vcpu* sched_pick(Vcpu* current) {
    // Every exit to a guest: the hypercall or trap is over, no pointer it found is held.
    grace::quiescent_point();
    unsigned cpu = arch::this_cpu_id();
    PerCpu& c = cpus[cpu];
    // The common case on every return to a guest: it keeps its CPU. Checked without the
    // lock: whoever changes that sets need_resched and kicks this CPU.
    if (current && !__atomic_load_n(&c.need_resched, __ATOMIC_ACQUIRE) && can_run(current))
        return current;
    Vcpu* next;
    int64_t runtime;
    uint64_t now;
    {
        Locked l;
        c.need_resched = false;
        if (!cpus_added.test(cpu))
            add_cpus_locked();
        now = system_time();
        bool runnable = current && can_run(current);
        sched::Decision d =
            policy.schedule(cpu, current ? &current->sched.unit : nullptr, runnable, now);
        next = vcpu_of(d.next);
        runtime = d.runtime;
        if (next != current) {
            if (current)
                set_runstate(current, runnable ? xen::RUNSTATE_runnable : stopped_state(current));
            if (next) {
                set_runstate(next, xen::RUNSTATE_running);
                next->processor = cpu;
            }
        }
    }
    if (runtime >= 0)
        timer_set(&c.decision, now + uint64_t(runtime));
    else
        timer_stop(&c.decision);
    if (next && next != current) {
        // Another CPU may still be saving it (it ran there until just now).
        while (__atomic_load_n(&next->sched.running, __ATOMIC_ACQUIRE))
            asm volatile("pause");
        __atomic_store_n(&next->sched.running, true, __ATOMIC_RELAXED);
    }
    return next;
}
