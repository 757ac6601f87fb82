// common/sched/credit2.cpp on scripted timelines: a small discrete-event machine drives
// the policy as the mechanism would (schedule on each CPU when its runtime ends or it is
// tickled, wake-ups and blocks at given times) and records who ran where for how long.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/sched/policy.h"

namespace {

using namespace sched;

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kNever = ~uint64_t(0);

// How a unit behaves: always runnable (burst 0), or runs `burst` then sleeps `sleep`.
struct Behaviour {
    uint64_t burst = 0;
    uint64_t sleep = 0;
};

struct Machine {
    static constexpr unsigned kMaxUnits = 16;
    const Policy& p = kCredit2;
    unsigned ncpus;
    uint64_t now = 0;
    std::vector<Dom> doms = std::vector<Dom>(8);
    std::vector<Unit> units = std::vector<Unit>(kMaxUnits);
    std::vector<Behaviour> how = std::vector<Behaviour>(kMaxUnits);
    std::vector<bool> runnable = std::vector<bool>(kMaxUnits);
    std::vector<uint64_t> wake_at = std::vector<uint64_t>(kMaxUnits, kNever);
    std::vector<uint64_t> woke_at = std::vector<uint64_t>(kMaxUnits, kNever);
    std::vector<uint64_t> burst_left = std::vector<uint64_t>(kMaxUnits);
    std::vector<uint64_t> ran = std::vector<uint64_t>(kMaxUnits);
    std::vector<std::vector<uint64_t>> ran_on =
        std::vector<std::vector<uint64_t>>(kMaxUnits, std::vector<uint64_t>(8));
    std::vector<uint64_t> max_latency = std::vector<uint64_t>(kMaxUnits);
    unsigned nunits = 0;
    Unit* cur[8] = {};
    uint64_t deadline[8];
    uint64_t next_replenish = 0;

    Machine(unsigned cpus, RunqueueArrangement arr = RunqueueArrangement::all,
            uint32_t ratelimit_us = 1000)
        : ncpus(cpus) {
        p.init(Params{ratelimit_us, arr});
        for (unsigned c = 0; c < cpus; c++) {
            p.add_cpu(c, CpuTopology{0, arr == RunqueueArrangement::all ? 0 : c});
            deadline[c] = kNever;
        }
        for (Dom& d : doms)
            p.init_dom(d);
    }

    unsigned add(unsigned dom, Behaviour b = {}, CpuSet hard = CpuSet::all()) {
        unsigned i = nunits++;
        Unit& u = units[i];
        u = Unit{};
        u.dom = &doms[dom];
        u.hard = hard;
        u.soft = CpuSet::all();
        how[i] = b;
        p.insert(u, now);
        return i;
    }

    void wake(unsigned i) {
        runnable[i] = true;
        burst_left[i] = how[i].burst;
        woke_at[i] = now;
        p.wake(units[i], now);
        tickles();
    }

    void params(unsigned dom, uint16_t weight, uint16_t cap) {
        p.set_dom_params(doms[dom], weight, cap, now);
        next_replenish = p.replenish(now);
        tickles();
    }

    void run_cpu(unsigned c) {
        Unit* prev = cur[c];
        bool r = prev && runnable[prev - units.data()];
        Decision d = p.schedule(c, prev, r, now);
        cur[c] = d.next;
        deadline[c] = d.runtime < 0 ? kNever : now + uint64_t(d.runtime);
        if (d.next) {
            unsigned i = unsigned(d.next - units.data());
            EXPECT_TRUE(runnable[i]);
            EXPECT_TRUE(d.next->hard.test(c)) << "unit " << i << " on cpu " << c;
            if (woke_at[i] != kNever) {
                max_latency[i] = std::max(max_latency[i], now - woke_at[i]);
                woke_at[i] = kNever;
            }
            // A unit running elsewhere was not picked twice.
            for (unsigned o = 0; o < ncpus; o++)
                if (o != c)
                    EXPECT_NE(cur[o], d.next);
        }
    }

    void tickles() {
        for (int rounds = 0; rounds < 100; rounds++) {
            CpuSet t = p.take_tickles();
            if (t.empty())
                return;
            SCHED_FOR_EACH_CPU(c, t) {
                if (c < ncpus)
                    run_cpu(c);
            }
        }
        ADD_FAILURE() << "tickle storm";
    }

    void advance(uint64_t until) {
        while (now < until) {
            uint64_t next = until;
            for (unsigned c = 0; c < ncpus; c++) {
                next = std::min(next, deadline[c]);
                if (cur[c] && how[cur[c] - units.data()].burst)
                    next = std::min(next, now + burst_left[cur[c] - units.data()]);
            }
            for (unsigned i = 0; i < nunits; i++)
                next = std::min(next, wake_at[i]);
            if (next_replenish)
                next = std::min(next, next_replenish);
            uint64_t dt = next - now;
            for (unsigned c = 0; c < ncpus; c++) {
                if (!cur[c])
                    continue;
                unsigned i = unsigned(cur[c] - units.data());
                ran[i] += dt;
                ran_on[i][c] += dt;
                if (how[i].burst)
                    burst_left[i] -= dt;
            }
            now = next;
            if (next_replenish && now >= next_replenish) {
                next_replenish = p.replenish(now);
                tickles();
            }
            for (unsigned i = 0; i < nunits; i++) {
                if (wake_at[i] <= now) {
                    wake_at[i] = kNever;
                    wake(i);
                }
            }
            for (unsigned c = 0; c < ncpus; c++) {
                if (cur[c] && how[cur[c] - units.data()].burst &&
                    burst_left[cur[c] - units.data()] == 0) {
                    unsigned i = unsigned(cur[c] - units.data());
                    runnable[i] = false;
                    wake_at[i] = now + how[i].sleep;
                    run_cpu(c);
                    tickles();
                } else if (deadline[c] <= now) {
                    run_cpu(c);
                    tickles();
                }
            }
        }
    }

    void reset_stats() {
        std::fill(ran.begin(), ran.end(), 0);
        std::fill(max_latency.begin(), max_latency.end(), 0);
        for (auto& v : ran_on)
            std::fill(v.begin(), v.end(), 0);
    }

    double share(unsigned i, uint64_t window) const { return 100.0 * ran[i] / window; }
};

TEST(Credit2, OneUnitRunsAlone) {
    Machine m(1);
    unsigned a = m.add(0);
    m.wake(a);
    m.advance(100 * kMs);
    EXPECT_EQ(m.ran[a], 100 * kMs);
}

TEST(Credit2, EqualWeightsShareEqually) {
    Machine m(1);
    unsigned a = m.add(0), b = m.add(1);
    m.wake(a);
    m.wake(b);
    m.advance(1000 * kMs);
    EXPECT_NEAR(m.share(a, 1000 * kMs), 50, 1);
    EXPECT_NEAR(m.share(b, 1000 * kMs), 50, 1);
}

// Weights 256, 512 and 1024 on one CPU: 1/7, 2/7, 4/7 of it.
TEST(Credit2, WeightsGiveSharesOneTwoFour) {
    Machine m(1);
    unsigned a = m.add(0), b = m.add(1), c = m.add(2);
    m.params(0, 256, 0);
    m.params(1, 512, 0);
    m.params(2, 1024, 0);
    m.wake(a);
    m.wake(b);
    m.wake(c);
    m.advance(100 * kMs);
    m.reset_stats();
    uint64_t w = 10'000 * kMs;
    m.advance(m.now + w);
    EXPECT_NEAR(m.share(a, w), 100.0 / 7, 1);
    EXPECT_NEAR(m.share(b, w), 200.0 / 7, 1);
    EXPECT_NEAR(m.share(c, w), 400.0 / 7, 1);
}

// Two CPUs sharing a runqueue, two units per domain: 2/7, 4/7 and 8/7 of a CPU.
TEST(Credit2, WeightsAcrossTwoCpusOfOneRunqueue) {
    Machine m(2);
    unsigned u[6];
    for (unsigned i = 0; i < 6; i++)
        u[i] = m.add(i / 2);
    m.params(0, 256, 0);
    m.params(1, 512, 0);
    m.params(2, 1024, 0);
    for (unsigned i : u)
        m.wake(i);
    m.advance(100 * kMs);
    m.reset_stats();
    uint64_t w = 10'000 * kMs;
    m.advance(m.now + w);
    double share[3];
    for (unsigned d = 0; d < 3; d++)
        share[d] = m.share(u[2 * d], w) + m.share(u[2 * d + 1], w);
    EXPECT_NEAR(share[0], 200.0 / 7, 2);
    EXPECT_NEAR(share[1], 400.0 / 7, 2);
    EXPECT_NEAR(share[2], 800.0 / 7, 2);
}

TEST(Credit2, CapLimitsToItsPercent) {
    Machine m(1);
    unsigned a = m.add(0), b = m.add(1);
    m.params(0, 256, 25);
    m.wake(a);
    m.wake(b);
    uint64_t w = 2000 * kMs;
    m.advance(w);
    EXPECT_NEAR(m.share(a, w), 25, 1);
    EXPECT_NEAR(m.share(b, w), 75, 1);
}

TEST(Credit2, CapLimitsEvenWhenAlone) {
    Machine m(2);
    unsigned a = m.add(0);
    m.params(0, 256, 25);
    m.wake(a);
    uint64_t w = 2000 * kMs;
    m.advance(w);
    EXPECT_NEAR(m.share(a, w), 25, 1);
    m.params(0, 256, 0); // uncapped again: all of a CPU
    m.reset_stats();
    m.advance(m.now + w);
    EXPECT_NEAR(m.share(a, w), 100, 1);
}

TEST(Credit2, HardAffinityIsNeverLeft) {
    Machine m(2);
    unsigned pinned = m.add(0, {}, CpuSet::one(1));
    unsigned a = m.add(1), b = m.add(2);
    m.wake(pinned);
    m.wake(a);
    m.wake(b);
    m.advance(1000 * kMs);
    EXPECT_EQ(m.ran_on[pinned][0], 0u);
    EXPECT_GT(m.ran_on[pinned][1], 0u);
    // Moved to CPU 0 while queued on CPU 1: from then on only CPU 0.
    m.units[pinned].hard = CpuSet::one(0);
    m.p.affinity_changed(m.units[pinned], m.now);
    m.tickles();
    m.advance(m.now + kMs); // it may finish its current run on CPU 1
    m.reset_stats();
    m.advance(m.now + 1000 * kMs);
    EXPECT_EQ(m.ran_on[pinned][1], 0u);
    EXPECT_GT(m.ran_on[pinned][0], 0u);
}

TEST(Credit2, SoftAffinityIsPreferred) {
    Machine m(2);
    CpuSet soft = CpuSet::one(1);
    unsigned a = m.add(0);
    m.units[a].soft = soft;
    m.wake(a);
    m.advance(100 * kMs);
    EXPECT_EQ(m.ran_on[a][1], 100 * kMs);
}

// A unit that wakes every 5 ms for 100 us preempts CPU hogs within the rate limit.
TEST(Credit2, WokenUnitPreemptsWithinRatelimit) {
    Machine m(2);
    unsigned h1 = m.add(0), h2 = m.add(1), h3 = m.add(2);
    unsigned io = m.add(3, Behaviour{100'000, 5 * kMs});
    m.wake(h1);
    m.wake(h2);
    m.wake(h3);
    m.wake(io);
    m.advance(100 * kMs);
    m.reset_stats();
    m.advance(m.now + 2000 * kMs);
    EXPECT_LE(m.max_latency[io], 1000'000u);
    EXPECT_GT(m.ran[io], 0u);
}

TEST(Credit2, RatelimitZeroPreemptsAtOnce) {
    Machine m(1, RunqueueArrangement::all, 0);
    unsigned h = m.add(0);
    unsigned io = m.add(1, Behaviour{100'000, 3 * kMs});
    m.wake(h);
    m.wake(io);
    m.advance(100 * kMs);
    m.reset_stats();
    m.advance(m.now + 1000 * kMs);
    EXPECT_LE(m.max_latency[io], 1000u);
}

// Four units on two CPUs with a runqueue each: balancing spreads them two and two.
TEST(Credit2, BalancingEvensRunqueues) {
    Machine m(2, RunqueueArrangement::cpu);
    unsigned u[4];
    for (unsigned i = 0; i < 4; i++)
        u[i] = m.add(i, {}, CpuSet::one(0)); // all start on CPU 0's runqueue
    for (unsigned i : u)
        m.wake(i);
    for (unsigned i : u) { // then free to go anywhere
        m.units[i].hard = CpuSet::all();
        m.p.affinity_changed(m.units[i], m.now);
    }
    m.tickles();
    m.advance(200 * kMs);
    m.reset_stats();
    uint64_t w = 2000 * kMs;
    m.advance(m.now + w);
    for (unsigned i : u)
        EXPECT_NEAR(m.share(i, w), 50, 5) << "unit " << i;
}

TEST(Credit2, IdleCpuPullsWaitingWork) {
    Machine m(2, RunqueueArrangement::cpu);
    unsigned a = m.add(0, {}, CpuSet::one(0)), b = m.add(1, {}, CpuSet::one(0));
    m.wake(a);
    m.wake(b);
    m.units[b].hard = CpuSet::all();
    m.p.affinity_changed(m.units[b], m.now);
    m.tickles();
    m.advance(100 * kMs);
    m.reset_stats();
    m.advance(m.now + 100 * kMs);
    EXPECT_EQ(m.ran[a] + m.ran[b], 200 * kMs);
}

TEST(Credit2, FourUnitsOnTwoCpusAllProgress) {
    Machine m(2);
    unsigned u[4];
    for (unsigned i = 0; i < 4; i++)
        u[i] = m.add(0);
    for (unsigned i : u)
        m.wake(i);
    uint64_t w = 1000 * kMs;
    m.advance(w);
    for (unsigned i : u)
        EXPECT_NEAR(m.share(i, w), 50, 3);
}

TEST(Credit2, BlockedUnitCostsNothing) {
    Machine m(2);
    unsigned idle = m.add(0, Behaviour{10'000, 1000 * kMs}); // 10 us a second
    unsigned h = m.add(1);
    m.wake(idle);
    m.wake(h);
    uint64_t w = 10'000 * kMs;
    m.advance(w);
    EXPECT_LT(m.share(idle, w), 0.01);
    EXPECT_NEAR(m.share(h, w), 100, 0.1);
}

TEST(Credit2, YieldLetsTheOtherRun) {
    Machine m(1);
    unsigned a = m.add(0), b = m.add(1);
    m.wake(a);
    m.wake(b);
    m.advance(50 * kMs);
    Unit* running = m.cur[0];
    ASSERT_NE(running, nullptr);
    m.now += 2 * kMs; // past the rate limit
    running->yield = true;
    m.run_cpu(0);
    EXPECT_NE(m.cur[0], running);
}

TEST(Credit2, SleepingQueuedUnitLeavesTheQueue) {
    Machine m(1);
    unsigned a = m.add(0), b = m.add(1);
    m.wake(a);
    m.wake(b);
    m.advance(5 * kMs);
    unsigned queued = m.cur[0] == &m.units[a] ? b : a;
    m.runnable[queued] = false;
    m.p.sleep(m.units[queued], m.now);
    m.reset_stats();
    m.advance(m.now + 100 * kMs);
    EXPECT_EQ(m.ran[queued], 0u);
}

} // namespace
