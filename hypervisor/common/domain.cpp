#include "common/domain.h"

#include "arch/machine.h"
#include "arch/percpu.h"
#include "common/console.h"
#include "common/memory/buddy.h"
#include "common/memory/heap.h"
#include "common/panic.h"
#include "common/sched/sched.h"
#include "lib/string.h"
#include "public/sched.h"

namespace {
constinit Domain* initial_domain = nullptr;
}

Vcpu* current_vcpu() { return static_cast<Vcpu*>(arch::cpu_info()->current_vcpu); }
void set_current_vcpu(Vcpu* v) { arch::cpu_info()->current_vcpu = v; }

Domain* dom0() { return initial_domain; }

Domain* domain_create(uint16_t domid, bool privileged, unsigned vcpus) {
    if (vcpus == 0 || vcpus > kMaxVcpusPerDomain)
        return nullptr;
    auto* d = static_cast<Domain*>(xzalloc(sizeof(Domain), 64));
    if (!d)
        return nullptr;
    d->domid = domid;
    d->privileged = privileged;
    d->vcpu_count = vcpus;
    void* shared = memory::alloc_zeroed_page();
    if (!shared)
        return nullptr;
    d->shared_info = static_cast<xen::shared_info*>(shared);
    d->shared_info_mfn = arch::virt_to_phys(shared) >> PAGE_SHIFT;
    for (unsigned i = 0; i < vcpus; i++) {
        auto* v = static_cast<Vcpu*>(xzalloc(sizeof(Vcpu), 64));
        if (!v)
            return nullptr;
        v->id = i;
        v->domain = d;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        v->vcpu_info->evtchn_upcall_mask = 1; // guests start with events masked
        v->runstate.state = xen::RUNSTATE_offline;
        d->vcpus[i] = v;
    }
    if (domid == 0)
        initial_domain = d;
    return d;
}

void domain_shutdown(Domain& d, unsigned reason) {
    static constexpr const char* kReasons[] = {"poweroff", "reboot", "suspend", "crash",
                                               "watchdog", "soft_reset"};
    const char* name = reason < 6 ? kReasons[reason] : "unknown";
    log_info("d%u: shutdown (%s)", d.domid, name);
    d.shutting_down = true;
    d.shutdown_reason = reason;
    if (d.privileged) {
        // As in Xen: the initial domain's shutdown decides the machine's fate.
        if (reason == xen::SHUTDOWN_poweroff)
            arch::machine_power_off();
        if (reason == xen::SHUTDOWN_reboot)
            arch::machine_restart();
        log_error("d%u: the initial domain %s; stopping", d.domid,
                  reason == xen::SHUTDOWN_crash ? "crashed" : "stopped");
        arch::machine_fail();
    }
    if (d.shutting_down_paused)
        return;
    d.shutting_down_paused = true;
    for (unsigned i = 0; i < d.vcpu_count; i++)
        vcpu_pause(d.vcpus[i]); // off their CPUs until the domain is destroyed
}

void domain_crash(Domain& d, const char* why) {
    log_error("d%u: crashed: %s", d.domid, why);
    if (Vcpu* v = current_vcpu(); v && v->domain == &d)
        arch::dump_frame(*arch::guest_frame());
    domain_shutdown(d, xen::SHUTDOWN_crash);
}
