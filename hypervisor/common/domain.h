// Domains and their virtual CPUs: the objects every hypercall acts on.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arch/vcpu.h"
#include "common/grace_period.h"
#include "common/sched/sched.h"
#include "common/timer.h"
#include "lib/spinlock.h"
#include "public/vcpu.h"
#include "public/xen.h"

constexpr unsigned kMaxVcpusPerDomain = 32; // the legacy shared_info vcpu_info slots

struct Domain;
namespace xen {
struct e820entry;
}

struct Vcpu {
    unsigned id;
    Domain* domain;
    unsigned processor;        // the physical CPU it runs on
    xen::vcpu_info* vcpu_info; // in shared_info, or where VCPUOP_register_vcpu_info put it
    ArchVcpu arch;

    // Runstate accounting (VCPUOP_get_runstate_info, register_runstate_memory_area).
    xen::vcpu_runstate_info runstate;
    uint64_t runstate_guest_area; // guest virtual address, 0 if none

    // Guest timers (common/vcpu_time_hv.cpp), in nanoseconds of system time. The periodic
    // timer runs only while the vCPU is on its CPU, as in Xen.
    Timer singleshot_timer;
    Timer periodic_timer;
    Timer poll_timer;         // SCHEDOP_poll's timeout
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
    // XEN_DOMCTL_setvcpuaffinity: the CPUs (bit i: CPU i) left out of its hard and soft
    // affinity, so that a new vCPU (all zero) has every CPU in both, as on Xen. The
    // scheduler runs it only on its hard affinity and prefers its soft one.
    uint64_t hard_affinity_excluded[arch::kMaxCpus / 64];
    uint64_t soft_affinity_excluded[arch::kMaxCpus / 64];
};

// A domain's life, as Xen's is_dying: XEN_DOMCTL_destroydomain makes it dying while it
// releases what it holds, then dead. A dead domain stays listed (getdomaininfo shows
// XEN_DOMINF_dying) while anything still refers to it, then its id is free and its
// structures are freed after a grace period (common/grace_period.h).
enum class DomainLife : uint8_t { alive, dying, dead };

// The settings a toolstack gives a domain at creation and after (XEN_DOMCTL_*), kept
// to be reported back (getdomaininfo's handle and ssidref, settscinfo's mode).
struct DomainConfig {
    uint8_t handle[16]; // the toolstack's UUID
    uint32_t ssidref;
    uint32_t flags; // XEN_DOMCTL_CDF_*
    uint32_t max_evtchn_port;
    uint32_t max_grant_frames;
    uint32_t max_maptrack_frames;
    uint32_t max_grant_version;
    int64_t time_offset_seconds; // XEN_DOMCTL_settimeoffset, added to the wall clock
    uint32_t tsc_mode;           // XEN_DOMCTL_settscinfo
};

struct Domain {
    uint16_t domid;
    DomainLife life;
    // References that keep a dying domain listed: its own until it is dead, its grant
    // table's while another domain still maps one of its grants, one while it owns
    // frames (tot_pages > 0), one per hypervisor page it was shown that others still use.
    uint32_t refs;
    grace::Deferred free_later;
    bool privileged; // the initial domain
    // What XEN_DOMCTL_createdomain asked for (a domain built at boot has the defaults).
    DomainConfig config;
    unsigned max_vcpus;  // what it may have (createdomain's max_vcpus)
    unsigned vcpu_count; // what it has: vcpus[0..vcpu_count)
    Vcpu* vcpus[kMaxVcpusPerDomain];

    lib::SpinLock page_lock; // pages owned and their counts
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages; // XENMEM_claim_pages: claimed, not yet given

    // The pseudo-physical map XENMEM_set_memory_map gave it (none: nr_e820 == 0).
    lib::SpinLock e820_lock;
    xen::e820entry* e820;
    uint32_t nr_e820;

    xen::shared_info* shared_info;
    uint64_t shared_info_mfn;
    unsigned long vm_assist;     // enabled VMASST_TYPE_* bits
    struct EvtchnDomain* evtchn; // common/event_channel.h; created on first use

    // SCHEDOP_shutdown_code: the reason a later shutdown will report.
    bool shutdown_code_set;
    uint8_t shutdown_code;

    bool shutting_down;
    bool shutting_down_paused; // its vCPUs have been paused for the shutdown
    unsigned toolstack_pauses; // XEN_DOMCTL_pausedomain minus unpausedomain
    // The toolstack's pauses first dropped to 0 (a domain built at boot: from the start);
    // what only a domain being built may change is fixed from then on, as in Xen.
    bool creation_finished;
    unsigned shutdown_reason;
    // The scheduler's view: XEN_DOMCTL_scheduler_op's weight and cap and the cap's
    // budget (common/sched/sched.h; a weight of 0 until its first use).
    sched::Dom sched_dom;
    // XEN_DOMCTL_setnodeaffinity's nodes (bit i: node i); 0 while automatic (every
    // node given), which is the nodes of its CPUs: node 0, the only one.
    uint64_t node_affinity;
    ArchDomain arch;
};

// The vCPU running on this physical CPU, or nullptr when none is.
Vcpu* current_vcpu();
void set_current_vcpu(Vcpu* vcpu);

// The initial domain, once built.
Domain* dom0();
// The live domain with this id, or nullptr (a dying domain is nobody's to act on).
Domain* domain_lookup(uint16_t domid);
// The domain with this id, live or dying (what Xen's rcu_lock_domain_by_id finds), for
// the few operations Xen allows on a dying domain. Like domain_lookup's, the pointer is
// good until this CPU's next return to a guest.
Domain* domain_lookup_any(uint16_t domid);
// Domains in id order: the first with an id >= domid, or nullptr.
Domain* domain_next(uint16_t domid);
// XEN_DOMCTL_destroydomain (Xen's domain_kill): the domain becomes dying, its vCPUs leave
// their CPUs, its event channels are closed (their peers' ends become unbound for it),
// its grants withdrawn and its frames relinquished (those nobody else references are
// scrubbed and freed); then it is dead. It stays listed until the last mapping of its
// grants and the last reference to its frames are gone. A second call, or one on a
// dying domain, waits for it to be dead. Never the caller's own domain.
void domain_kill(Domain& d);
// The grant table of dead domain domid was freed (grant table Env hook).
void domain_grant_table_freed(uint16_t domid);
Domain* domain_create(uint16_t domid, bool privileged, unsigned vcpus);
// The two halves of domain_create, for XEN_DOMCTL_createdomain: a domain's structures
// with `vcpus` of its max_vcpus vCPUs (nullptr when out of memory), then listing it under its id (-EEXIST if the id is taken,
// -ENOMEM if the table is full). An unlisted domain is freed with domain_free_unlisted.
Domain* domain_alloc(uint16_t domid, bool privileged, unsigned max_vcpus, unsigned vcpus);
// XEN_DOMCTL_max_vcpus: creates vCPUs up to max_vcpus (each down, in the scheduler,
// paused as the domain is). 0 or -ENOMEM.
int domain_create_vcpus(Domain& d);
int domain_register(Domain* d);
void domain_free_unlisted(Domain* d);
// A domain's reservation (tot_pages within max_pages), as Xen's assign_pages checks it:
// 0; -EPERM if it already holds more than max_pages, -E2BIG if n more do not fit, -ESRCH
// for no such domain or a dying one. Uncharging works on a dying domain too (its frames
// come back as their last references go). While tot_pages > 0 the domain holds a
// reference on itself, as in Xen: a dying domain stays listed until its last frame goes.
int domain_charge_pages(uint16_t domid, uint64_t n);
void domain_uncharge_pages(uint16_t domid, uint64_t n);
// XENMEM_claim_pages (Xen's domain_set_outstanding_pages): a claim that d will hold
// `pages` in all, or 0 to drop it. -EINVAL with a claim held, for a total not above
// tot_pages or above max_pages; -ENOMEM beyond the free pages not claimed. The claim
// shrinks as d is charged pages. Claims are counted, not yet kept from other domains.
int domain_claim_pages(Domain& d, uint64_t pages);
uint64_t domain_outstanding_claims(); // all domains' (physinfo)
// A reference on a listed domain (live or dying), and dropping it: the last one of a
// dead domain unlists it and frees its structures after a grace period.
void domain_hold(uint16_t domid);
void domain_release(uint16_t domid);
// Whether hypervisor page mfn, shown to domain domid, is freed with the domain's
// structures (its shared_info) rather than when the domain's last user of it goes.
bool domain_keeps_xen_page(uint16_t domid, uint64_t mfn);

// Stops a domain's execution for good with a SHUTDOWN_* reason. For the initial domain
// this ends the machine's run, as in Xen: poweroff powers off, reboot reboots. Otherwise
// it returns; the domain's vCPUs leave their CPUs on their way back to the guest, so a
// caller in the middle of handling that guest just finishes (its results are never seen).
void domain_shutdown(Domain& d, unsigned reason);
// A fatal error in a guest: its state is logged and it is shut down as crashed.
void domain_crash(Domain& d, const char* why);
