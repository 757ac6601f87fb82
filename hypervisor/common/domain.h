// Domains and their virtual CPUs: the objects every hypercall acts on.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arch/vcpu.h"
#include "common/sched/sched.h"
#include "common/timer.h"
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

    // Guest timers (common/vcpu_time_hv.cpp), in nanoseconds of system time. The periodic
    // timer runs only while the vCPU is on its CPU, as in Xen.
    Timer singleshot_timer;
    Timer periodic_timer;
    Timer poll_timer; // SCHEDOP_poll's timeout
    uint64_t periodic_period; // 0: stopped
    uint64_t periodic_last;   // when it last fired
    uint64_t time_area_guest; // VCPUOP_register_vcpu_time_memory_area, 0 if none
    uint64_t vcpu_info_mfn;   // VCPUOP_register_vcpu_info's frame, 0 while in shared_info
    bool runstate_area_stale; // the guest copy could not be written (user mode): retry
    bool timers_ready;        // the Timers above are initialised for `processor`
    bool in_multicall;

    // Event channels (common/event_channel_hv.cpp): the port each VIRQ is bound to here
    // (global VIRQs on vCPU 0), and SCHEDOP_poll's state.
    uint32_t virq_to_port[xen::NR_VIRQS];
    bool polling;
    uint32_t poll_port; // the one port polled, or 0 for any

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
    struct EvtchnDomain* evtchn; // common/event_channel.h; created on first use

    // SCHEDOP_shutdown_code: the reason a later shutdown will report.
    bool shutdown_code_set;
    uint8_t shutdown_code;

    bool shutting_down;
    bool shutting_down_paused; // its vCPUs have been paused for the shutdown
    unsigned toolstack_pauses;  // XEN_DOMCTL_pausedomain minus unpausedomain
    unsigned shutdown_reason;
    ArchDomain arch;
};

// The vCPU running on this physical CPU, or nullptr when none is.
Vcpu* current_vcpu();
void set_current_vcpu(Vcpu* vcpu);

// The initial domain, once built.
Domain* dom0();
// The live domain with this id, or nullptr.
Domain* domain_lookup(uint16_t domid);
// Domains in id order: the first with an id >= domid, or nullptr.
Domain* domain_next(uint16_t domid);
// Releases everything a shut-down or paused domain holds: its vCPUs leave their CPUs,
// its frames are scrubbed and freed, its id becomes free. The domain must not be the
// caller's own.
void domain_destroy(Domain& d);
Domain* domain_create(uint16_t domid, bool privileged, unsigned vcpus);
// A domain's reservation (tot_pages within max_pages), as Xen's assign_pages checks it:
// 0; -EPERM if it already holds more than max_pages, -E2BIG if n more do not fit, -ESRCH
// for no such domain. Uncharging a domain that is gone does nothing.
int domain_charge_pages(uint16_t domid, uint64_t n);
void domain_uncharge_pages(uint16_t domid, uint64_t n);

// Stops a domain's execution for good with a SHUTDOWN_* reason. For the initial domain
// this ends the machine's run, as in Xen: poweroff powers off, reboot reboots. Otherwise
// it returns; the domain's vCPUs leave their CPUs on their way back to the guest, so a
// caller in the middle of handling that guest just finishes (its results are never seen).
void domain_shutdown(Domain& d, unsigned reason);
// A fatal error in a guest: its state is logged and it is shut down as crashed.
void domain_crash(Domain& d, const char* why);
