// Helpers for the scheduler property tests (sched_*.cpp): credit2 parameters through
// XEN_DOMCTL_scheduler_op as `xl sched-credit2` sets them, vCPUs that spin, and the
// running time the hypervisor accounts to a vCPU (its runstate), which stays exact on a
// loaded host where QEMU's threads are not always running.
#pragma once
#include "toolstack_util.h"
#include "vcpu_util.h"

namespace sch {

inline void set_credit2(xen::domid_t dom, uint16_t weight, uint16_t cap) {
    auto& s = ts::domctl_init(xen::XEN_DOMCTL_scheduler_op, dom).u.scheduler_op;
    s.sched_id = xen::XEN_SCHEDULER_CREDIT2;
    s.cmd = xen::XEN_DOMCTL_SCHEDOP_putinfo;
    s.u.credit2.weight = weight;
    s.u.credit2.cap = cap;
    XT_CHECK_RC(ts::domctl(), 0);
}

// ns vCPU id has spent running, as the hypervisor accounts it (up to now, when it runs).
inline uint64_t running_ns(unsigned id) {
    return vc::runstate_info(id).time[xen::RUNSTATE_running];
}

inline volatile unsigned stop_spinning;
inline volatile uint64_t spins[xt::MAX_VCPUS];

// A vCPU entry that counts until stop_spinning is set.
inline void spinner(void* arg) {
    unsigned id = static_cast<unsigned>(reinterpret_cast<uintptr_t>(arg));
    while (!__atomic_load_n(&stop_spinning, __ATOMIC_ACQUIRE))
        __atomic_store_n(&spins[id], spins[id] + 1, __ATOMIC_RELAXED);
}

inline void start_spinner(unsigned id) {
    XT_CHECK_RC(xt::start_vcpu(id, spinner, reinterpret_cast<void*>(uintptr_t(id))), 0);
    vc::wait_runstate(id, xen::RUNSTATE_running, 5'000'000'000, "spinner started");
}

// Per mille of `ns` that `part` is.
inline uint64_t permille(uint64_t part, uint64_t ns) {
    return part * 1000 / ns;
}

} // namespace sch
