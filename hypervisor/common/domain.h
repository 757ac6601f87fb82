// Domains and their virtual CPUs: the objects every hypercall acts on.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arch/vcpu.h"
#include "common/sched/sched.h"
#include "lib/spinlock.h"
#include "public/vcpu.h"
#include "public/xen.h"

constexpr unsigned kMaxVcpusPerDomain = 32; // the legacy shared_info vcpu_info slots

struct Domain;

struct Vcpu {
    unsigned id;
    Domain* domain;
    unsigned processor; // the physical CPU it runs on
    xen::vcpu_info* vcpu_info; // in shared_info, or where VCPUOP_register_vcpu_info put it
    ArchVcpu arch;

    // Runstate accounting (VCPUOP_get_runstate_info, register_runstate_memory_area).
    xen::vcpu_runstate_info runstate;
    uint64_t runstate_guest_area; // guest virtual address, 0 if none

    // Timers, in nanoseconds of system time; 0 means not armed.
    uint64_t singleshot_deadline;
    uint64_t periodic_period;
    uint64_t periodic_next;

    VcpuSched sched;
};

struct Domain {
    uint16_t domid;
    bool privileged; // the initial domain
    unsigned vcpu_count;
    Vcpu* vcpus[kMaxVcpusPerDomain];

    lib::SpinLock page_lock; // pages owned and their counts
    uint64_t tot_pages;
    uint64_t max_pages;

    xen::shared_info* shared_info;
    uint64_t shared_info_mfn;
    unsigned long vm_assist; // enabled VMASST_TYPE_* bits

    bool shutting_down;
    bool shutting_down_paused; // its vCPUs have been paused for the shutdown
    unsigned shutdown_reason;
    ArchDomain arch;
};

// The vCPU running on this physical CPU, or nullptr when none is.
Vcpu* current_vcpu();
void set_current_vcpu(Vcpu* vcpu);

// The initial domain, once built.
Domain* dom0();
Domain* domain_create(uint16_t domid, bool privileged, unsigned vcpus);

// Stops a domain's execution for good with a SHUTDOWN_* reason. For the initial domain
// this ends the machine's run, as in Xen: poweroff powers off, reboot reboots. Otherwise
// it returns; the domain's vCPUs leave their CPUs on their way back to the guest, so a
// caller in the middle of handling that guest just finishes (its results are never seen).
void domain_shutdown(Domain& d, unsigned reason);
// A fatal error in a guest: its state is logged and it is shut down as crashed.
void domain_crash(Domain& d, const char* why);
