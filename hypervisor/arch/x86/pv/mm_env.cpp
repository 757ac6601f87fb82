// The PV MMU's hypervisor side: what the page-type code (common/memory/page_type.cpp)
// needs from the machine (frame contents through the direct map, xenon's L4 slots, TLB
// flushes) and from the domains (who may map I/O memory), plus taking over a freshly
// built domain's memory.
#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/power.h"
#include "arch/pv_mm.h"
#include "arch/smp.h"
#include "common/domain.h"
#include "common/memory/domain_frames.h"
#include "common/memory/page_type.h"
#include "mm.h"
#include "public/xen.h"

namespace arch {

uint64_t phys_frame_limit() {
    unsigned bits = 36;
    if (cpu_features().max_ext_leaf >= 0x80000008)
        bits = cpuid(0x80000008).eax & 0xff;
    return 1ull << (bits - PAGE_SHIFT);
}

size_t dom0_denied_frames(memory::FrameRange* out, size_t cap) {
    constexpr uint64_t kMsiFirst = 0xfee00, kMsiLast = 0xfeeff; // 0xfee00000-0xfeefffff
    const acpi::MadtInfo& madt = acpi_madt();
    memory::FrameRange all[acpi::kMaxIoApics + 2];
    size_t n = 0;
    all[n++] = {kMsiFirst, kMsiLast};
    uint64_t lapic = madt.lapic_address >> PAGE_SHIFT;
    if (lapic < kMsiFirst || lapic > kMsiLast)
        all[n++] = {lapic, lapic};
    for (size_t i = 0; i < madt.ioapic_count && i < acpi::kMaxIoApics; i++)
        all[n++] = {madt.ioapics[i].address >> PAGE_SHIFT, madt.ioapics[i].address >> PAGE_SHIFT};
    // Sorted and merged: a handful of entries, insertion sort.
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && all[j].first < all[j - 1].first; j--) {
            memory::FrameRange t = all[j];
            all[j] = all[j - 1];
            all[j - 1] = t;
        }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && all[i].first <= out[m - 1].last + 1) {
            if (all[i].last > out[m - 1].last)
                out[m - 1].last = all[i].last;
        } else if (m < cap) {
            out[m++] = all[i];
        }
    }
    return m;
}

namespace {

constexpr uint64_t kCr4Pge = 1 << 7;
constexpr size_t kMaxDenied = acpi::kMaxIoApics + 2;

uint64_t* map_frame(uint64_t mfn) { return static_cast<uint64_t*>(phys_to_virt(mfn << PAGE_SHIFT)); }

// As Xen's init_xen_l4_slots for a validated L4: all of xenon's slots, but the read-only
// M2P (slot 256) only with VMASST_TYPE_m2p_strict; otherwise a kernel base pointer gets
// it when it is loaded (MMUEXT_NEW_BASEPTR), user page tables never.
void install_slots(uint64_t* l4, uint64_t l4_mfn) {
    pv_install_xen_slots(l4);
    Domain* d = pv_find_domain(memory::frame_table().page(l4_mfn)->owner);
    if (!d || !(d->vm_assist & (1ul << xen::VMASST_TYPE_m2p_strict)))
        __atomic_store_n(&l4[xen::MACH2PHYS_VIRT_START >> 39 & 511], 0, __ATOMIC_RELEASE);
}

void flush_owner(memory::DomId owner) {
    if (Domain* d = pv_find_domain(owner)) {
        pv_flush_tlb_domain(*d);
    } else {
        pv_flush_tlb_local();
        smp_call_others([](void*) { pv_flush_tlb_local(); }, nullptr);
    }
}

bool privileged(memory::DomId id) {
    Domain* d = pv_find_domain(id);
    return d && d->privileged;
}

// Machine frames the initial domain may not map even though they are not RAM: those
// xenon drives itself (dom0_denied_frames).
bool reserved_for_xenon(uint64_t mfn) {
    memory::FrameRange denied[kMaxDenied];
    size_t n = dom0_denied_frames(denied, kMaxDenied);
    for (size_t i = 0; i < n; i++)
        if (mfn >= denied[i].first && mfn <= denied[i].last)
            return true;
    return false;
}

// As Xen's initial domain: every I/O frame below the CPU's physical address limit,
// except the interrupt controllers. Other domains get none until I/O rights are granted.
bool iomem_permitted(memory::DomId id, uint64_t mfn) {
    return privileged(id) && mfn < phys_frame_limit() && !reserved_for_xenon(mfn);
}

void flush_all_tlbs() {
    pv_flush_tlb_local();
    smp_call_others([](void*) { pv_flush_tlb_local(); }, nullptr);
}

constinit memory::PageTableEnv g_env = {};
constinit bool g_initialised = false;

} // namespace

Domain* pv_find_domain(memory::DomId id) { return domain_lookup(id); }

void pv_flush_tlb_local() {
    uint64_t cr4 = read_cr4();
    if (cr4 & kCr4Pge) {
        // Toggling PGE drops global entries too.
        write_cr4(cr4 & ~kCr4Pge);
        write_cr4(cr4);
    } else {
        flush_tlb_local();
    }
}

void pv_mm_cpu_enter(Domain& d) {
    unsigned cpu = this_cpu_id();
    uint64_t bit = uint64_t(1) << (cpu % 64);
    // Set before the CR3 load, with a locked (fully ordered) instruction: a flusher that
    // does not see the bit has written its entries before this CPU can walk them.
    if (!(__atomic_load_n(&d.arch.dirty_cpus[cpu / 64], __ATOMIC_RELAXED) & bit))
        __atomic_fetch_or(&d.arch.dirty_cpus[cpu / 64], bit, __ATOMIC_SEQ_CST);
}

void pv_flush_tlb_domain(Domain& d) {
    pv_flush_tlb_local();
    // The entries changed are visible to every CPU before the mask is read (see above).
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    unsigned self = this_cpu_id();
    for (unsigned w = 0; w < kMaxCpus / 64; w++) {
        uint64_t others = __atomic_load_n(&d.arch.dirty_cpus[w], __ATOMIC_RELAXED);
        if (w == self / 64)
            others &= ~(uint64_t(1) << (self % 64));
        if (others) {
            smp_call_others([](void*) { pv_flush_tlb_local(); }, nullptr);
            return;
        }
    }
}

void pv_mm_init() {
    if (g_initialised)
        return;
    g_env.frames = &memory::frame_table();
    g_env.map = map_frame;
    g_env.install_xen_slots = install_slots;
    g_env.flush_tlbs = flush_owner;
    g_env.io_capable = privileged; // Xen's initial domain holds all I/O rights
    g_env.iomem_permitted = iomem_permitted;
    g_env.privileged = privileged;
    g_env.segdesc_ok = nullptr; // descriptor pages: not yet (GDT/LDT frames)
    // Frames given back or of a dead domain, once nothing holds them.
    g_env.released = [](memory::PageInfo* pg) { memory::frame_released(pg); };
    g_env.nx = cpu_features().nx;
    g_env.shadow_validated = shadow_hook_validated;
    g_env.shadow_devalidate = shadow_hook_devalidate;
    g_env.shadow_entry = shadow_hook_entry;
    g_env.frame_written = shadow_hook_frame_written;
    memory::page_type_init(g_env);
    memory::domain_frames_init(
        {&memory::frame_table(), &memory::buddy(), map_frame, flush_all_tlbs,
         [](uint64_t mfn, uint64_t pfn) { m2p_set(mfn, pfn); },
         [](memory::DomId d, uint64_t n) { return domain_charge_pages(d, n); },
         [](memory::DomId d, uint64_t n) { domain_uncharge_pages(d, n); },
         [](memory::DomId d) { domain_hold(d); }, [](memory::DomId d) { domain_release(d); },
         [](memory::DomId d, uint64_t mfn) { return domain_keeps_xen_page(d, mfn); }});
    m2p_init();
    g_initialised = true;
}

int pv_mm_adopt_domain(Domain& d, const uint64_t* p2m, uint64_t nr_pages, uint64_t l4_mfn) {
    pv_mm_init();
    memory::FrameTable& ft = memory::frame_table();
    for (uint64_t pfn = 0; pfn < nr_pages; pfn++) {
        memory::PageInfo* pg = ft.page(p2m[pfn]);
        ASSERT(pg->owner == d.domid && (pg->count_info & memory::kCountMask) == 0);
        pg->count_info = memory::kCountAllocated | 1; // the allocation's reference
        pg->type_info = 0;
        m2p_set(p2m[pfn], pfn);
    }
    if (ft.valid(d.shared_info_mfn))
        memory::share_xen_page_with_guest(ft.page(d.shared_info_mfn), d.domid, false);
    // The L4 as vCPU 0's base pointer (one general and one type reference), validating
    // the whole initial tree, then pinned (one more of each), as Xen's builder leaves it.
    if (int rc = memory::get_page_and_type(l4_mfn, d.domid, memory::PageType::l4))
        return rc;
    if (int rc = memory::pin_table(l4_mfn, d.domid, memory::PageType::l4))
        return rc;
    m2p_fill_slot(l4_mfn); // Xen's builder gives the initial L4 the read-only M2P
    d.vcpus[0]->arch.cr3_kernel = l4_mfn << PAGE_SHIFT;
    return 0;
}

} // namespace arch
