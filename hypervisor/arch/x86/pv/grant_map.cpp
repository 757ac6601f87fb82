// Grant mappings in a 64-bit PV guest's page tables (Xen's create_grant_pv_mapping and
// replace_grant_pv_mapping), and the grant-table code's environment on x86: frames
// through the direct map, shared grant frames from the page allocator, TLB flushes, and
// GNTTABOP_transfer's moves of a frame from one domain's reservation to another's.
//
// A grant's host mapping is an ordinary L1 entry of the calling vCPU's page tables,
// written under the page-type code's entry lock (memory::exchange_l1_entry); the grant
// code holds the references the entry stands for. The entry is present, accessed, dirty
// and not executable; writable unless GNTMAP_readonly; user-accessible only with
// GNTMAP_application_map (and so a kernel mapping otherwise, as every 64-bit PV entry is
// adjusted); GNTMAP_guest_avail bits go into the entry's three available bits.
#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/pv_mm.h"
#include "arch/pv_pagetable.h"
#include "arch/pv_shadow.h"
#include "common/domain.h"
#include "common/grant_table.h"
#include "common/memory/buddy.h"
#include "common/memory/domain_frames.h"
#include "common/memory/heap.h"
#include "common/memory/page_type.h"
#include "mm.h"
#include "public/errno.h"
#include "public/grant_table.h"

static_assert(gnttab::kMaxVcpus >= kMaxVcpusPerDomain);

namespace arch {
namespace {

using namespace pvpt;

uint64_t grant_pte_flags(uint32_t flags) {
    uint64_t f = kPresent | kAccessed | kDirty | (cpu_features().nx ? kNx : 0);
    if (flags & xen::GNTMAP_application_map)
        f |= kUser;
    if (!(flags & xen::GNTMAP_readonly))
        f |= kRw;
    f |= static_cast<uint64_t>((flags >> xen::GNTMAP_guest_avail0) & 7) << 9; // kAvail
    return f;
}

// Where a grant's entry is: a linear address, or the machine address of the entry itself
// (GNTMAP_contains_pte, which must be 8-byte aligned).
bool locate(const Vcpu& v, uint64_t addr, uint32_t flags, uint64_t* l1_mfn, unsigned* index) {
    if (flags & xen::GNTMAP_contains_pte) {
        if (addr & 7)
            return false;
        *l1_mfn = addr >> PAGE_SHIFT;
        *index = static_cast<unsigned>((addr & (PAGE_SIZE - 1)) >> 3);
        return true;
    }
    if (!pv_guest_l1(v, addr, l1_mfn))
        return false;
    *index = static_cast<unsigned>((addr >> PAGE_SHIFT) & 511);
    return true;
}

int16_t create_host_mapping(uint64_t addr, uint64_t mfn, uint32_t flags, uint32_t) {
    // cache_flags matter only for I/O frames, which PV grants never carry here.
    Vcpu& v = *current_vcpu();
    uint64_t l1_mfn;
    unsigned index;
    if (!locate(v, addr, flags, &l1_mfn, &index))
        return xen::GNTST_general_error;
    uint64_t old;
    if (memory::exchange_l1_entry(l1_mfn, index, (mfn << PAGE_SHIFT) | grant_pte_flags(flags),
                                  v.domain->domid, 0, 0, &old) != 0)
        return xen::GNTST_general_error;
    memory::put_l1e_references(old); // whatever the entry mapped before
    return xen::GNTST_okay;
}

int16_t replace_host_mapping(uint64_t addr, uint64_t mfn, uint64_t new_addr, uint32_t flags) {
    Vcpu& v = *current_vcpu();
    const memory::DomId d = v.domain->domid;
    // The entry must still map the frame, present, writable exactly when the grant is.
    const uint64_t expect =
        (mfn << PAGE_SHIFT) | kPresent | ((flags & xen::GNTMAP_readonly) ? 0 : kRw);
    const uint64_t expect_mask = kAddrMask | kPresent | kRw;
    uint64_t stolen = 0; // unmap_and_replace: the entry moved from new_addr
    if (new_addr) {
        if (flags & xen::GNTMAP_contains_pte)
            return xen::GNTST_general_error; // no replacing in this addressing mode
        uint64_t nl1;
        if (!pv_guest_l1(v, new_addr, &nl1) ||
            memory::exchange_l1_entry(nl1, (new_addr >> PAGE_SHIFT) & 511, 0, d, 0, 0, &stolen) !=
                0)
            return xen::GNTST_general_error;
    }
    uint64_t l1_mfn, old;
    unsigned index;
    if (!locate(v, addr, flags, &l1_mfn, &index) ||
        memory::exchange_l1_entry(l1_mfn, index, stolen, d, expect, expect_mask, &old) != 0) {
        memory::put_l1e_references(stolen); // still ours to drop
        return xen::GNTST_general_error;
    }
    return xen::GNTST_okay;
}

void* map_frame(uint64_t mfn) {
    return phys_to_virt(mfn << PAGE_SHIFT);
}

uint64_t alloc_frame() {
    void* p = memory::alloc_zeroed_page();
    if (!p)
        return ~0ull;
    uint64_t mfn = virt_to_phys(p) >> PAGE_SHIFT;
    m2p_set(mfn, ~0ull); // no pseudo-physical frame (Xen's INVALID_M2P_ENTRY), as Xen
    return mfn;
}

void free_frame(uint64_t mfn) {
    memory::free_pages(map_frame(mfn), 0);
}

void* zalloc(size_t size) {
    return xzalloc(size, 64);
}
void release(void* p) {
    xfree(p);
}

bool domain_live(memory::DomId id) {
    return domain_lookup(id) != nullptr;
}

void flush_domain_tlb(memory::DomId id) {
    if (Domain* d = domain_lookup(id))
        pv_flush_tlb_domain(*d);
}

void flush_cache(uint64_t mfn, unsigned offset, unsigned length) {
    auto* p = static_cast<volatile uint8_t*>(map_frame(mfn));
    constexpr unsigned kLine = 64; // CLFLUSH works on lines of at least this size
    for (unsigned at = offset & ~(kLine - 1); at < offset + length; at += kLine)
        asm volatile("clflush %0" : "+m"(p[at]));
    asm volatile("mfence" ::: "memory");
}

// GNTTABOP_transfer's frame moves (gnttab::Env): Xen's steal_page takes the frame out of
// the giver's reservation, assign_pages puts it into the receiver's.
int steal_for_transfer(uint64_t mfn, memory::DomId from) {
    if (int rc = memory::steal_frame(mfn, from))
        return rc;
    domain_uncharge_pages(from, 1);
    return 0;
}

bool domain_exists(memory::DomId id) {
    return domain_lookup_any(id) != nullptr;
}

int charge_for_transfer(memory::DomId to) {
    Domain* d = domain_lookup(to); // a dying domain takes no frame
    if (!d)
        return -xen::XEN_ESRCH;
    if (d->arch.hvm)
        return -xen::XEN_EOPNOTSUPP; // its frames live in a p2m xenon does not update here
    return domain_charge_pages(to, 1);
}

void assign_transferred(uint64_t mfn, memory::DomId to, uint64_t gpfn) {
    memory::assign_frames(memory::frame_table().page(mfn), 0, to);
    m2p_set(mfn, gpfn);
}

constinit int g_env_state = 0; // 0: not installed, 1: being installed, 2: installed

} // namespace
} // namespace arch

void gnttab::init_arch_env() {
    using namespace arch;
    if (__atomic_load_n(&g_env_state, __ATOMIC_ACQUIRE) == 2)
        return;
    int expected = 0;
    if (!__atomic_compare_exchange_n(&g_env_state, &expected, 1, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&g_env_state, __ATOMIC_ACQUIRE) != 2)
            __builtin_ia32_pause();
        return;
    }
    static constinit Env env = {};
    env.frames = &memory::frame_table();
    env.map = map_frame;
    env.alloc_frame = alloc_frame;
    env.free_frame = free_frame;
    env.zalloc = zalloc;
    env.free = release;
    env.domain_live = domain_live;
    env.dead_table_freed = domain_grant_table_freed;
    env.create_host_mapping = create_host_mapping;
    env.replace_host_mapping = replace_host_mapping;
    env.flush_tlb = flush_domain_tlb;
    env.flush_cache = flush_cache;
    env.dirtied = pv_mark_dirty_mfn;
    env.steal_frame = steal_for_transfer;
    env.free_stolen_frame = memory::free_stolen_frame;
    env.domain_exists = domain_exists;
    env.charge_frame = charge_for_transfer;
    env.uncharge_frame = [](memory::DomId to) { domain_uncharge_pages(to, 1); };
    env.assign_frame = assign_transferred;
    gnttab::init(env);
    __atomic_store_n(&g_env_state, 2, __ATOMIC_RELEASE);
}
