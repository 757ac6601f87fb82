// PV log-dirty through shadow page tables (arch/pv_shadow.h; docs/migration.md).
//
// xenon already sees every write to a PV guest's page tables (they are read-only to the
// guest and change only through mmu_update, ptwr emulation and the grant code, all in
// common/memory/page_type.cpp), so a shadow never goes out of sync: each validated table
// of a domain in log-dirty mode has one shadow frame (its PageInfo::aux holds the
// shadow's frame number), made when the table validates, rewritten entry by entry as
// the guest's changes, and dropped when the table devalidates. The CPU loads the shadow
// of the guest's L4; shadow L2-L4 entries point at the shadows below, xenon's L4 slots
// and linear (same-level) entries at the guest's own frames, which the CPU then only
// reads through. A shadow L1 entry is the guest's, except:
//   - absent while the guest entry has no Accessed bit (the fault sets it, as the CPU
//     would have),
//   - read-only while a writable guest entry has no Dirty bit (likewise),
//   - Dirty clear: the CPU sets it in the shadow on the next write through the entry,
//     and a harvest (before every CLEAN/PEEK, the domain paused) moves it to the bitmap.
// So the guest's entries read back as it wrote them, with Accessed and Dirty appearing
// when its accesses would have set them; log-dirty itself costs no page faults.
#include "arch/pv_shadow.h"

#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/pv_mm.h"
#include "arch/pv_pagetable.h"
#include "arch/smp.h"
#include "common/console.h"
#include "common/grace_period.h"
#include "common/memory/buddy.h"
#include "common/memory/heap.h"
#include "common/memory/log_dirty.h"
#include "common/memory/page_type.h"
#include "common/sched/sched.h"
#include "lib/spinlock.h"
#include "mm.h"
#include "public/errno.h"

using namespace arch::pvpt;

// Shadow frames whose table devalidated wait here for one TLB flush, then go.
constexpr unsigned kPendingMax = 64;

struct PvShadow {
    PvShadow(uint64_t* w, uint64_t n) : log(w, n), words(w) {}
    memory::LogDirty log;
    uint64_t* words;
    uint64_t pages = 0; // shadow frames held
    lib::SpinLock lock; // pending
    unsigned npending = 0;
    uint64_t pending[kPendingMax];
    grace::Deferred free_later;
};

namespace arch {
namespace {

// Enable, disable and harvest of any domain, one at a time (Xen's paging lock).
constinit lib::SpinLock g_op_lock;

memory::FrameTable& frames() {
    return memory::frame_table();
}
uint64_t* map(uint64_t mfn) {
    return static_cast<uint64_t*>(phys_to_virt(mfn << PAGE_SHIFT));
}
uint64_t entry_mfn(uint64_t e) {
    return (e & kAddrMask) >> PAGE_SHIFT;
}
unsigned level_of(memory::PageType t) {
    return static_cast<unsigned>(t) - static_cast<unsigned>(memory::PageType::l1) + 1;
}
memory::PageType table_type(unsigned level) {
    return static_cast<memory::PageType>(static_cast<unsigned>(memory::PageType::l1) + level - 1);
}
uint32_t shadow_of(const memory::PageInfo* pg) {
    return __atomic_load_n(&pg->aux, __ATOMIC_ACQUIRE);
}

PvShadow* shadow_state(memory::DomId owner) {
    Domain* d = domain_lookup_any(owner);
    return d ? __atomic_load_n(&d->arch.shadow, __ATOMIC_ACQUIRE) : nullptr;
}

// The shadow of L1 entry g (see the top of the file).
uint64_t shadow_l1e(uint64_t g) {
    if ((g & (kPresent | kAccessed)) != (kPresent | kAccessed))
        return 0;
    uint64_t s = g & ~kDirty;
    if ((g & (kRw | kDirty)) == kRw)
        s &= ~kRw;
    return s;
}

// The shadow of entry `index` (g) of table table_mfn at level 2..4.
uint64_t shadow_upper(uint64_t g, uint64_t table_mfn, unsigned level, unsigned index,
                      PvShadow* sh) {
    if (level == 4 && !is_guest_l4_slot(index))
        return g; // xenon's own slots
    if (!(g & kPresent))
        return 0;
    uint64_t child = entry_mfn(g);
    if (child == table_mfn || !frames().valid(child))
        return g; // a table mapping itself: the CPU reads the guest's frame
    const memory::PageInfo* c = frames().page(child);
    if (memory::type_of(__atomic_load_n(&c->type_info, __ATOMIC_ACQUIRE)) == table_type(level))
        return g; // linear: the guest's tables seen read-only
    uint32_t s = shadow_of(c);
    if (!s) {
        // No shadow below (allocation failed): the guest's own tables, untracked.
        if (sh)
            sh->log.count_failure();
        return g;
    }
    return (g & ~kAddrMask) | (uint64_t(s) << PAGE_SHIFT);
}

uint64_t shadow_entry_for(unsigned level, uint64_t g, uint64_t table_mfn, unsigned index,
                          PvShadow* sh) {
    return level == 1 ? shadow_l1e(g) : shadow_upper(g, table_mfn, level, index, sh);
}

void mark_pfn_of(PvShadow* sh, uint64_t mfn) {
    uint64_t pfn = m2p_get(mfn);
    if (pfn >> 63)
        return; // no pseudo-physical frame (shared_info and the like)
    sh->log.mark(pfn);
}

// A present shadow L1 entry the CPU marked Dirty: its frame is dirty in its owner's log.
void harvest_entry(uint64_t* p) {
    uint64_t e = __atomic_load_n(p, __ATOMIC_RELAXED);
    if ((e & (kPresent | kDirty)) != (kPresent | kDirty))
        return;
    __atomic_fetch_and(p, ~kDirty, __ATOMIC_ACQ_REL);
    pv_mark_dirty_mfn(entry_mfn(e));
}

void free_shadow_frames(const uint64_t* mfns, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        memory::free_pages(map(mfns[i]), 0);
}

// Shadow frame smfn of d is no longer reachable from any shadow or root: once every TLB
// that may have walked it is flushed, it goes back.
void retire(Domain* d, PvShadow* sh, uint64_t smfn) {
    uint64_t batch[kPendingMax + 1];
    unsigned n = 0;
    if (sh) {
        __atomic_sub_fetch(&sh->pages, 1, __ATOMIC_RELAXED);
        sh->lock.lock();
        if (sh->npending < kPendingMax) {
            sh->pending[sh->npending++] = smfn;
            sh->lock.unlock();
            return;
        }
        for (; n < sh->npending; n++)
            batch[n] = sh->pending[n];
        sh->npending = 0;
        sh->lock.unlock();
    }
    batch[n++] = smfn;
    if (d) {
        pv_flush_tlb_domain(*d);
    } else {
        pv_flush_tlb_local(); // no domain left to ask: every CPU
        smp_call_others([](void*) { pv_flush_tlb_local(); }, nullptr);
    }
    free_shadow_frames(batch, n);
}

void flush_pending(Domain& d, PvShadow* sh) {
    sh->lock.lock();
    uint64_t batch[kPendingMax];
    unsigned n = sh->npending;
    for (unsigned i = 0; i < n; i++)
        batch[i] = sh->pending[i];
    sh->npending = 0;
    sh->lock.unlock();
    if (!n)
        return;
    pv_flush_tlb_domain(d);
    free_shadow_frames(batch, n);
}

// Builds the shadow of table pg (frame gmfn, `level`) from its entries; false when no
// frame was to be had (the table is then walked as the guest's, and the log fails).
bool make_shadow(memory::PageInfo* pg, uint64_t gmfn, unsigned level, PvShadow* sh) {
    auto* s = static_cast<uint64_t*>(memory::alloc_pages(0));
    if (!s) {
        sh->log.count_failure();
        log_warn("shadow: no frame for the shadow of mfn %#lx", gmfn);
        return false;
    }
    const uint64_t* g = map(gmfn);
    for (unsigned i = 0; i < kEntries; i++)
        s[i] = shadow_entry_for(level, __atomic_load_n(&g[i], __ATOMIC_ACQUIRE), gmfn, i, sh);
    uint32_t smfn = static_cast<uint32_t>(virt_to_phys(s) >> PAGE_SHIFT);
    uint32_t none = 0;
    if (!__atomic_compare_exchange_n(&pg->aux, &none, smfn, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        memory::free_pages(s, 0); // someone was first
        return true;
    }
    __atomic_add_fetch(&sh->pages, 1, __ATOMIC_RELAXED);
    return true;
}

// The pseudo-physical frames the bitmap covers: the guest's p2m size, its reservation,
// and the highest frame it has now, whichever is largest.
uint64_t bitmap_frames(const Domain& d) {
    uint64_t n = __atomic_load_n(&d.shared_info->arch.max_pfn, __ATOMIC_RELAXED);
    if (d.max_pages > n && d.max_pages < (uint64_t(1) << 40))
        n = d.max_pages;
    for (uint64_t mfn = 0; mfn < frames().frame_count(); mfn++) {
        const memory::PageInfo* pg = frames().page(mfn);
        if (pg->state != memory::FrameState::allocated || pg->owner != d.domid)
            continue;
        uint64_t pfn = m2p_get(mfn);
        if (!(pfn >> 63) && pfn >= n && pfn < (uint64_t(1) << 40))
            n = pfn + 1;
    }
    return (n + 4095) & ~uint64_t(4095);
}

} // namespace

// --- page_type.cpp's hooks (mm.h) --------------------------------------------------------

void shadow_hook_validated(memory::PageInfo* pg, memory::PageType type) {
    PvShadow* sh = shadow_state(pg->owner);
    if (!sh)
        return;
    uint64_t gmfn = frames().mfn(pg);
    mark_pfn_of(sh, gmfn); // validation may have adjusted entries
    make_shadow(pg, gmfn, level_of(type), sh);
}

void shadow_hook_devalidate(memory::PageInfo* pg, memory::PageType type) {
    uint32_t smfn = __atomic_exchange_n(&pg->aux, 0, __ATOMIC_ACQ_REL);
    if (!smfn)
        return;
    Domain* d = domain_lookup_any(pg->owner);
    PvShadow* sh = d ? __atomic_load_n(&d->arch.shadow, __ATOMIC_ACQUIRE) : nullptr;
    if (type == memory::PageType::l1) {
        uint64_t* s = map(smfn);
        for (unsigned i = 0; i < kEntries; i++)
            harvest_entry(&s[i]);
    }
    retire(d, sh, smfn);
}

uint64_t shadow_hook_entry(memory::PageInfo* table, unsigned index) {
    uint32_t smfn = shadow_of(table);
    if (!smfn)
        return 0;
    uint64_t gmfn = frames().mfn(table);
    unsigned level =
        level_of(memory::type_of(__atomic_load_n(&table->type_info, __ATOMIC_ACQUIRE)));
    if (level < 1 || level > 4)
        return 0;
    PvShadow* sh = shadow_state(table->owner);
    uint64_t g = __atomic_load_n(&map(gmfn)[index], __ATOMIC_ACQUIRE);
    uint64_t s = shadow_entry_for(level, g, gmfn, index, sh);
    uint64_t old = __atomic_exchange_n(&map(smfn)[index], s, __ATOMIC_ACQ_REL);
    if (level == 1 && (old & (kPresent | kDirty)) == (kPresent | kDirty))
        pv_mark_dirty_mfn(entry_mfn(old)); // written through the entry replaced
    return s;
}

void shadow_hook_frame_written(memory::PageInfo* pg) {
    pv_mark_dirty_mfn(frames().mfn(pg));
}

// --- The interface (arch/pv_shadow.h) ----------------------------------------------------

void pv_mark_dirty_mfn(uint64_t mfn) {
    if (!memory::shadows_active() || !frames().valid(mfn))
        return;
    const memory::PageInfo* pg = frames().page(mfn);
    if (pg->owner >= xen::DOMID_FIRST_RESERVED)
        return;
    if (PvShadow* sh = shadow_state(pg->owner))
        mark_pfn_of(sh, mfn);
}

uint64_t pv_shadow_root(uint64_t cr3) {
    uint64_t mfn = cr3 >> PAGE_SHIFT;
    uint32_t s = frames().valid(mfn) ? shadow_of(frames().page(mfn)) : 0;
    return s ? (uint64_t(s) << PAGE_SHIFT) | (cr3 & (PAGE_SIZE - 1)) : cr3;
}

void pv_shadow_copy_slot(uint64_t l4_mfn, unsigned slot) {
    if (!memory::shadows_active() || !frames().valid(l4_mfn))
        return;
    if (uint32_t s = shadow_of(frames().page(l4_mfn)))
        __atomic_store_n(&map(s)[slot], __atomic_load_n(&map(l4_mfn)[slot], __ATOMIC_ACQUIRE),
                         __ATOMIC_RELEASE);
}

void pv_domain_pause_sync(Domain& d) {
    for (unsigned i = 0; i < d.vcpu_count; i++)
        vcpu_pause(d.vcpus[i]);
    // A vCPU paused from another CPU leaves it on that CPU's next way back to the guest.
    for (unsigned i = 0; i < d.vcpu_count; i++)
        while (__atomic_load_n(&d.vcpus[i]->sched.running, __ATOMIC_ACQUIRE))
            lib::cpu_relax();
}

void pv_domain_unpause(Domain& d) {
    for (unsigned i = 0; i < d.vcpu_count; i++)
        vcpu_unpause(d.vcpus[i]);
}

memory::LogDirty* pv_logdirty(Domain& d) {
    PvShadow* sh = __atomic_load_n(&d.arch.shadow, __ATOMIC_ACQUIRE);
    return sh ? &sh->log : nullptr;
}

uint64_t pv_shadow_pages(const Domain& d) {
    PvShadow* sh = __atomic_load_n(&d.arch.shadow, __ATOMIC_ACQUIRE);
    return sh ? __atomic_load_n(&sh->pages, __ATOMIC_RELAXED) : 0;
}

int pv_logdirty_enable(Domain& d) {
    lib::LockGuard guard(g_op_lock);
    if (d.arch.shadow)
        return -xen::XEN_EINVAL;
    uint64_t nr = bitmap_frames(d);
    auto* words = static_cast<uint64_t*>(xzalloc(memory::LogDirty::words_for(nr) * 8, 64));
    if (!words)
        return -xen::XEN_ENOMEM;
    PvShadow* sh = xnew<PvShadow>(words, nr);
    if (!sh) {
        xfree(words);
        return -xen::XEN_ENOMEM;
    }
    __atomic_add_fetch(&memory::g_shadow_domains, 1, __ATOMIC_ACQ_REL);
    __atomic_store_n(&d.arch.shadow, sh, __ATOMIC_RELEASE);
    // Bottom-up, so that every upper shadow finds the shadows below it.
    for (unsigned level = 1; level <= 4; level++) {
        for (uint64_t mfn = 0; mfn < frames().frame_count(); mfn++) {
            memory::PageInfo* pg = frames().page(mfn);
            if (pg->state != memory::FrameState::allocated || pg->owner != d.domid)
                continue;
            uint64_t ti = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
            if (memory::type_of(ti) != table_type(level) || !(ti & memory::kTypeValidated) ||
                !(ti & memory::kTypeCountMask) || shadow_of(pg))
                continue;
            make_shadow(pg, mfn, level, sh);
        }
    }
    // From here the CPU walks the shadows (the vCPUs load them when they next run);
    // nothing may keep a translation of the guest's own entries, global ones included.
    __atomic_store_n(&d.arch.shadow_on, true, __ATOMIC_RELEASE);
    pv_flush_tlb_domain(d);
    return 0;
}

void pv_logdirty_disable(Domain& d) {
    lib::LockGuard guard(g_op_lock);
    PvShadow* sh = d.arch.shadow;
    if (!sh)
        return;
    __atomic_store_n(&d.arch.shadow_on, false, __ATOMIC_RELEASE);
    __atomic_store_n(&d.arch.shadow, nullptr, __ATOMIC_RELEASE);
    // No CPU runs d now: once no TLB holds a shadow translation, every shadow goes.
    pv_flush_tlb_domain(d);
    for (uint64_t mfn = 0; mfn < frames().frame_count(); mfn++) {
        memory::PageInfo* pg = frames().page(mfn);
        if (pg->owner != d.domid || !shadow_of(pg))
            continue;
        if (uint32_t s = __atomic_exchange_n(&pg->aux, 0, __ATOMIC_ACQ_REL))
            memory::free_pages(map(s), 0);
    }
    free_shadow_frames(sh->pending, sh->npending);
    sh->npending = 0;
    __atomic_sub_fetch(&memory::g_shadow_domains, 1, __ATOMIC_ACQ_REL);
    // Hooks on other CPUs may still hold sh: it goes after a grace period.
    grace::call_after_grace_period(&sh->free_later, [](grace::Deferred* p) {
        auto* s = reinterpret_cast<PvShadow*>(reinterpret_cast<char*>(p) -
                                              __builtin_offsetof(PvShadow, free_later));
        xfree(s->words);
        xdelete(s);
    });
}

void pv_logdirty_harvest(Domain& d) {
    lib::LockGuard guard(g_op_lock);
    PvShadow* sh = d.arch.shadow;
    if (!sh)
        return;
    for (uint64_t mfn = 0; mfn < frames().frame_count(); mfn++) {
        memory::PageInfo* pg = frames().page(mfn);
        if (pg->owner != d.domid)
            continue;
        uint32_t s = shadow_of(pg);
        if (!s || memory::type_of(__atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE)) !=
                      memory::PageType::l1)
            continue;
        uint64_t* e = map(s);
        for (unsigned i = 0; i < kEntries; i++)
            harvest_entry(&e[i]);
    }
    // xenon writes a registered vcpu_info through the direct map whenever it likes.
    for (unsigned i = 0; i < d.vcpu_count; i++)
        if (uint64_t mfn = d.vcpus[i]->vcpu_info_mfn)
            mark_pfn_of(sh, mfn);
    // Translations cached with Dirty set would let writes go unseen: none may survive.
    pv_flush_tlb_domain(d);
    flush_pending(d, sh);
}

bool pv_shadow_fault(Vcpu& v, uint64_t va, uint32_t ec) {
    Domain& d = *v.domain;
    if (!__atomic_load_n(&d.arch.shadow_on, __ATOMIC_ACQUIRE) || !pv_canonical(va))
        return false;
    constexpr uint32_t kEcWrite = 1 << 1, kEcRsvd = 1 << 3, kEcFetch = 1 << 4;
    if (ec & kEcRsvd)
        return false;
    bool write = ec & kEcWrite, fetch = ec & kEcFetch;
    // The guest's walk of va (the tables loaded: kernel or user).
    uint64_t table = (v.arch.in_kernel ? v.arch.cr3_kernel : v.arch.cr3_user) >> PAGE_SHIFT;
    for (unsigned level = 4; level >= 2; level--) {
        if (!table || !frames().valid(table))
            return false;
        unsigned index = (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
        if (level == 4 && !is_guest_l4_slot(index))
            return false;
        uint64_t e = __atomic_load_n(&map(table)[index], __ATOMIC_ACQUIRE);
        if (!(e & kPresent) || (write && !(e & kRw)) || (fetch && (e & kNx)))
            return false;
        table = entry_mfn(e);
    }
    if (!frames().valid(table))
        return false;
    bool changed = false;
    uint64_t s = 0;
    if (memory::shadow_access_l1(table, (va >> PAGE_SHIFT) & 511, d.domid, write, &changed, &s))
        return false;
    if (!(s & kPresent) || (write && !(s & kRw)) || (fetch && (s & kNx)))
        return false; // the shadow still refuses: the guest's own fault
    if (changed && write)
        if (PvShadow* sh = __atomic_load_n(&d.arch.shadow, __ATOMIC_ACQUIRE))
            sh->log.count_fault();
    invlpg(reinterpret_cast<const void*>(va));
    return true;
}

} // namespace arch
