// The hypervisor's grace periods (common/grace_period.h): one list under one lock, looked
// at by a CPU's quiescent point only while something waits, so the exit to a guest pays
// one load when nothing does.
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "common/grace_period.h"
#include "lib/spinlock.h"

static_assert(grace::kMaxCpus == arch::kMaxCpus);

namespace grace {
namespace {

constinit lib::SpinLock g_lock;
constinit GraceList g_list;
constinit bool g_pending = false; // g_list is not empty (read without the lock)

} // namespace

void call_after_grace_period(Deferred* d, void (*free)(Deferred*)) {
    d->free = free;
    CpuMask online{};
    for (unsigned cpu = 0; cpu < arch::cpus_possible(); cpu++)
        if (arch::PerCpu* c = arch::cpu(cpu); c && c->online)
            online.set(cpu);
    uint64_t flags = arch::irq_save();
    g_lock.lock();
    g_list.defer(d, online);
    __atomic_store_n(&g_pending, true, __ATOMIC_SEQ_CST);
    g_lock.unlock();
    arch::irq_restore(flags);
    // An idle CPU passes its quiescent point only when something wakes it.
    unsigned self = arch::this_cpu_id();
    for (unsigned cpu = 0; cpu < arch::cpus_possible(); cpu++)
        if (cpu != self)
            arch::smp_kick(cpu);
}

void quiescent_point() {
    if (!__atomic_load_n(&g_pending, __ATOMIC_ACQUIRE))
        return;
    g_lock.lock();
    Deferred* done = g_list.quiescent(arch::this_cpu_id());
    __atomic_store_n(&g_pending, !g_list.empty(), __ATOMIC_RELEASE);
    g_lock.unlock();
    while (done) {
        Deferred* next = done->next;
        done->free(done);
        done = next;
    }
}

} // namespace grace
