#include "common/domain.h"

#include "arch/machine.h"
#include "arch/percpu.h"
#include "arch/pv_mm.h"
#include "arch/pv_shadow.h"
#include "common/console.h"
#include "common/event_channel.h"
#include "common/grant_table.h"
#include "common/memory/buddy.h"
#include "common/memory/domain_frames.h"
#include "common/memory/heap.h"
#include "common/panic.h"
#include "common/sched/sched.h"
#include "common/vcpu_time.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/sched.h"

namespace {

constexpr unsigned kMaxDomains = 64;
constinit Domain* initial_domain = nullptr;
constinit lib::SpinLock domains_lock;
constinit Domain* domains[kMaxDomains] = {};
// XENMEM_claim_pages: every domain's outstanding claim, changed under claims_lock.
constinit lib::SpinLock claims_lock;
constinit uint64_t outstanding_claims = 0;

int register_domain(Domain* d) {
    lib::LockGuard guard(domains_lock);
    for (Domain*& slot : domains) {
        if (slot && slot->domid == d->domid)
            return -xen::XEN_EEXIST;
    }
    for (Domain*& slot : domains) {
        if (!slot) {
            slot = d;
            return 0;
        }
    }
    return -xen::XEN_ENOMEM;
}

void unregister_domain(Domain* d) {
    lib::LockGuard guard(domains_lock);
    for (Domain*& slot : domains)
        if (slot == d)
            slot = nullptr;
}

// As Xen's domain_relinquish_resources: the vCPUs' base pointers go, then every frame
// gives up what the domain itself held on it (memory::relinquish_frames). Frames nobody
// else references are scrubbed and freed after a flush of every TLB (a CPU may still
// hold the domain's global user mappings); the others stay the domain's until their last
// reference goes.
void release_frames(Domain& d) {
    for (unsigned i = 0; i < d.vcpu_count; i++)
        arch::pv_mm_drop_baseptrs(*d.vcpus[i]);
    memory::relinquish_frames(d.domid);
    memory::drain_released_frames();
}

void free_structures(Domain* d) {
    for (unsigned i = 0; i < d->vcpu_count; i++)
        xfree(d->vcpus[i]);
    if (d->shared_info)
        memory::free_pages(d->shared_info, 0);
    if (d->e820)
        xfree(d->e820);
    xfree(d);
}

Vcpu* alloc_vcpu(Domain& d, unsigned id) {
    auto* v = static_cast<Vcpu*>(xzalloc(sizeof(Vcpu), 64));
    if (!v)
        return nullptr;
    v->id = id;
    v->domain = &d;
    v->vcpu_info = &d.shared_info->vcpu_info[id];
    v->vcpu_info->evtchn_upcall_mask = 1; // guests start with events masked
    v->runstate.state = xen::RUNSTATE_offline;
    d.vcpus[id] = v;
    __atomic_store_n(&d.vcpu_count, id + 1, __ATOMIC_RELEASE); // found once complete
    return v;
}

void free_domain(grace::Deferred* later) {
    Domain* d = reinterpret_cast<Domain*>(reinterpret_cast<char*>(later) -
                                          __builtin_offsetof(Domain, free_later));
    evtchn::domain_free(*d);
    free_structures(d);
}

// VIRQ_DOM_EXC to the initial domain (xenstored's @releaseDomain watch), as Xen sends it:
// when a domain has shut down, when it is dead, and when it is gone.
void notify_domain_change() {
    if (Domain* d0 = initial_domain)
        evtchn::send_global_virq(*d0, xen::VIRQ_DOM_EXC);
}

// The last reference to a dead domain is gone: its id is free at once, its structures
// once no CPU can still be using a pointer to it found before.
void domain_put(Domain& d) {
    if (__atomic_sub_fetch(&d.refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    unregister_domain(&d);
    log_info("d%u: gone", d.domid);
    grace::call_after_grace_period(&d.free_later, free_domain);
    notify_domain_change();
}

} // namespace

Domain* domain_lookup(uint16_t domid) {
    Domain* d = domain_lookup_any(domid);
    return d && __atomic_load_n(&d->life, __ATOMIC_ACQUIRE) == DomainLife::alive ? d : nullptr;
}

Domain* domain_lookup_any(uint16_t domid) {
    lib::LockGuard guard(domains_lock);
    for (Domain* d : domains)
        if (d && d->domid == domid)
            return d;
    return nullptr;
}

Domain* domain_next(uint16_t domid) {
    lib::LockGuard guard(domains_lock);
    Domain* best = nullptr;
    for (Domain* d : domains)
        if (d && d->domid >= domid && (!best || d->domid < best->domid))
            best = d;
    return best;
}

// As Xen's domain_adjust_tot_pages: a domain that owns pages holds a reference on
// itself, so a dying domain stays listed until its last frame is freed.
int domain_charge_pages(uint16_t domid, uint64_t n) {
    Domain* d = domain_lookup(domid);
    if (!d)
        return -xen::XEN_ESRCH;
    lib::LockGuard guard(d->page_lock);
    if (d->tot_pages > d->max_pages)
        return -xen::XEN_EPERM; // ratcheted down below what it has: no new pages
    if (n > d->max_pages - d->tot_pages)
        return -xen::XEN_E2BIG;
    if (d->tot_pages == 0 && n != 0)
        __atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQ_REL);
    d->tot_pages += n;
    if (d->outstanding_pages) {
        uint64_t used = n < d->outstanding_pages ? n : d->outstanding_pages;
        d->outstanding_pages -= used;
        __atomic_sub_fetch(&outstanding_claims, used, __ATOMIC_RELAXED);
    }
    return 0;
}

int domain_claim_pages(Domain& d, uint64_t pages) {
    lib::LockGuard guard(d.page_lock);
    lib::LockGuard claims(claims_lock);
    if (pages == 0) {
        __atomic_sub_fetch(&outstanding_claims, d.outstanding_pages, __ATOMIC_RELAXED);
        d.outstanding_pages = 0;
        return 0;
    }
    if (d.outstanding_pages || pages <= d.tot_pages || pages > d.max_pages)
        return -xen::XEN_EINVAL;
    uint64_t free = memory::buddy().free_pages();
    uint64_t claimed = __atomic_load_n(&outstanding_claims, __ATOMIC_RELAXED);
    uint64_t avail = free > claimed ? free - claimed : 0;
    if (pages - d.tot_pages > avail)
        return -xen::XEN_ENOMEM;
    d.outstanding_pages = pages - d.tot_pages;
    __atomic_add_fetch(&outstanding_claims, d.outstanding_pages, __ATOMIC_RELAXED);
    return 0;
}

uint64_t domain_outstanding_claims() {
    return __atomic_load_n(&outstanding_claims, __ATOMIC_RELAXED);
}

void domain_uncharge_pages(uint16_t domid, uint64_t n) {
    Domain* d = domain_lookup_any(domid); // a dying domain's frames come back too
    if (!d || n == 0)
        return;
    bool last;
    {
        lib::LockGuard guard(d->page_lock);
        ASSERT(d->tot_pages >= n);
        d->tot_pages -= n;
        last = d->tot_pages == 0;
    }
    if (last)
        domain_put(*d);
}

void domain_hold(uint16_t domid) {
    Domain* d = domain_lookup_any(domid);
    ASSERT(d != nullptr);
    __atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQ_REL);
}

void domain_release(uint16_t domid) {
    if (Domain* d = domain_lookup_any(domid))
        domain_put(*d);
}

bool domain_keeps_xen_page(uint16_t domid, uint64_t mfn) {
    Domain* d = domain_lookup_any(domid);
    return d && d->shared_info_mfn == mfn; // free_domain frees it
}

namespace {
// What keeps a dead domain's frames: the first few it still owns, with their counts, so
// whoever reads the log can tell a backend's mapping from a leaked reference.
void log_still_referenced(uint16_t domid) {
    memory::FrameTable& ft = memory::frame_table();
    unsigned shown = 0;
    for (uint64_t mfn = 0; mfn < ft.frame_count() && shown < 8; mfn++) {
        const memory::PageInfo* pg = ft.page(mfn);
        if (pg->owner != domid || pg->state != memory::FrameState::allocated)
            continue;
        log_info("d%u:   mfn %#lx count %#lx type %#lx", domid, mfn, pg->count_info,
                 pg->type_info);
        shown++;
    }
}
} // namespace

void domain_kill(Domain& d) {
    DomainLife alive = DomainLife::alive;
    if (!__atomic_compare_exchange_n(&d.life, &alive, DomainLife::dying, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&d.life, __ATOMIC_ACQUIRE) != DomainLife::dead)
            asm volatile("pause"); // another vCPU of the toolstack is killing it
        return;
    }
    for (unsigned i = 0; i < d.vcpu_count; i++)
        vcpu_pause(d.vcpus[i]);
    // A vCPU paused from another CPU leaves its own CPU on its next way back to the guest.
    for (unsigned i = 0; i < d.vcpu_count; i++)
        while (__atomic_load_n(&d.vcpus[i]->sched.running, __ATOMIC_ACQUIRE))
            asm volatile("pause");
    arch::pv_logdirty_disable(d); // its shadows, before its tables go
    evtchn::domain_destroy(d);
    __atomic_add_fetch(&d.refs, 1, __ATOMIC_ACQ_REL); // the grant table's, if it has one
    if (!gnttab::domain_destroy(d.domid))             // mappings, pins, shared frames
        domain_put(d);
    for (unsigned i = 0; i < d.vcpu_count; i++) {
        vcpu_time_destroy(*d.vcpus[i]);
        sched_remove_vcpu(d.vcpus[i]);
    }
    domain_claim_pages(d, 0);
    release_frames(d);
    log_info("d%u: dead, %lu pages still referenced", d.domid,
             __atomic_load_n(&d.tot_pages, __ATOMIC_RELAXED));
    log_still_referenced(d.domid);
    __atomic_store_n(&d.life, DomainLife::dead, __ATOMIC_RELEASE);
    notify_domain_change();
    domain_put(d); // its own
}

void domain_grant_table_freed(uint16_t domid) {
    domain_release(domid);
}

Vcpu* current_vcpu() {
    return static_cast<Vcpu*>(arch::cpu_info()->current_vcpu);
}
void set_current_vcpu(Vcpu* v) {
    arch::cpu_info()->current_vcpu = v;
}

Domain* dom0() {
    return initial_domain;
}

Domain* domain_alloc(uint16_t domid, bool privileged, unsigned max_vcpus, unsigned vcpus) {
    if (max_vcpus == 0 || max_vcpus > kMaxVcpusPerDomain || vcpus > max_vcpus)
        return nullptr;
    auto* d = static_cast<Domain*>(xzalloc(sizeof(Domain), 64));
    if (!d)
        return nullptr;
    d->domid = domid;
    d->refs = 1;
    d->privileged = privileged;
    d->config.max_evtchn_port = UINT32_MAX;
    d->config.max_grant_frames = gnttab::kMaxFrames;
    d->config.max_maptrack_frames = gnttab::kMaxMaptrackFrames;
    d->config.max_grant_version = gnttab::kMaxVersion;
    void* shared = memory::alloc_zeroed_page();
    if (!shared) {
        free_structures(d);
        return nullptr;
    }
    d->shared_info = static_cast<xen::shared_info*>(shared);
    d->shared_info_mfn = arch::virt_to_phys(shared) >> PAGE_SHIFT;
    d->max_vcpus = max_vcpus;
    for (unsigned i = 0; i < vcpus; i++) {
        if (!alloc_vcpu(*d, i)) {
            free_structures(d);
            return nullptr;
        }
    }
    return d;
}

int domain_create_vcpus(Domain& d) {
    for (unsigned i = d.vcpu_count; i < d.max_vcpus; i++) {
        Vcpu* v = alloc_vcpu(d, i);
        if (!v)
            return -xen::XEN_ENOMEM;
        sched_add_vcpu(v);
        // Held as the domain's other vCPUs are: by the toolstack, and for good once it
        // has shut down.
        for (unsigned p = d.toolstack_pauses + (d.shutting_down_paused ? 1 : 0); p; p--)
            vcpu_pause(v);
    }
    return 0;
}

int domain_register(Domain* d) {
    if (int rc = register_domain(d))
        return rc;
    if (d->domid == 0)
        initial_domain = d;
    return 0;
}

void domain_free_unlisted(Domain* d) {
    free_structures(d);
}

Domain* domain_create(uint16_t domid, bool privileged, unsigned vcpus) {
    Domain* d = domain_alloc(domid, privileged, vcpus, vcpus);
    if (d && domain_register(d) != 0) {
        free_structures(d);
        return nullptr;
    }
    if (d)
        d->creation_finished = true; // built and started by the hypervisor
    return d;
}

void domain_shutdown(Domain& d, unsigned reason) {
    static constexpr const char* kReasons[] = {"poweroff", "reboot",   "suspend",
                                               "crash",    "watchdog", "soft_reset"};
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
    notify_domain_change();
}

void domain_crash(Domain& d, const char* why) {
    log_error("d%u: crashed: %s", d.domid, why);
    if (Vcpu* v = current_vcpu(); v && v->domain == &d)
        arch::dump_frame(*arch::guest_frame());
    domain_shutdown(d, xen::SHUTDOWN_crash);
}
