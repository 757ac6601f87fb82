#include "arch/x86/hvm/p2m.h"

#include "arch/layout.h"
#include "arch/paging.h"
#include "common/memory/buddy.h"
#include "public/errno.h"

namespace hvm {
namespace {

// NPT treats every guest access as a user access: U is needed at every level.
constexpr uint64_t kTable = arch::kPtePresent | arch::kPteWrite | arch::kPteUser | (1 << 5);
constexpr uint64_t kLeaf =
    arch::kPtePresent | arch::kPteWrite | arch::kPteUser | (1 << 5) | (1 << 6);
constexpr unsigned kTypeShift = 52;
constexpr uint64_t kTypeMask = 0xfull << kTypeShift;

uint64_t* table_of(uint64_t entry) {
    return static_cast<uint64_t*>(arch::phys_to_virt(entry & arch::kPteAddrMask));
}

uint64_t leaf(uint64_t mfn, P2mType t, bool large) {
    return (mfn << PAGE_SHIFT) | kLeaf | (large ? arch::kPteLarge : 0) |
           (uint64_t(t) << kTypeShift);
}

// The table below entry, made if it is absent; a 2 MiB leaf there is split into 512
// 4 KiB leaves of the same frames. nullptr when out of memory.
uint64_t* next_table(P2m& p, uint64_t& entry) {
    if (entry & arch::kPtePresent && !(entry & arch::kPteLarge))
        return table_of(entry);
    auto* t = static_cast<uint64_t*>(memory::alloc_zeroed_page());
    if (!t)
        return nullptr;
    p.table_pages++;
    if (entry & arch::kPtePresent) {
        uint64_t mfn = (entry & arch::kPteAddrMask & ~((1ull << 21) - 1)) >> PAGE_SHIFT;
        P2mType type = P2mType((entry & kTypeMask) >> kTypeShift);
        for (unsigned i = 0; i < 512; i++)
            t[i] = leaf(mfn + i, type, false);
    }
    __atomic_store_n(&entry, arch::virt_to_phys(t) | kTable, __ATOMIC_RELEASE);
    return t;
}

void free_tables(uint64_t* t, unsigned level) {
    for (unsigned i = 0; level > 1 && i < 512; i++)
        if ((t[i] & arch::kPtePresent) && !(t[i] & arch::kPteLarge))
            free_tables(table_of(t[i]), level - 1);
    memory::free_pages(t, 0);
}

} // namespace

int p2m_init(P2m& p) {
    void* root = memory::alloc_zeroed_page();
    if (!root)
        return -xen::XEN_ENOMEM;
    p.root_pa = arch::virt_to_phys(root);
    p.table_pages = 1;
    return 0;
}

int p2m_set(P2m& p, uint64_t gfn, uint64_t mfn, unsigned order, P2mType t) {
    if ((order != 0 && order != 9) || gfn > kMaxGfn || (gfn & ((1ull << order) - 1)) ||
        (mfn != kInvalidMfn && (mfn & ((1ull << order) - 1))))
        return -xen::XEN_EINVAL;
    lib::LockGuard<lib::SpinLock> g(p.lock);
    uint64_t* tab = static_cast<uint64_t*>(arch::phys_to_virt(p.root_pa));
    unsigned stop = order == 9 ? 1 : 0; // level of the leaf: 0 = 4 KiB, 1 = 2 MiB
    for (unsigned level = 3; level > stop; level--) {
        uint64_t& e = tab[(gfn >> (9 * level)) & 511];
        if (mfn == kInvalidMfn && !(e & arch::kPtePresent))
            return 0; // nothing mapped there
        tab = next_table(p, e);
        if (!tab)
            return -xen::XEN_ENOMEM;
    }
    uint64_t& e = tab[(gfn >> (9 * stop)) & 511];
    if (stop == 1 && (e & arch::kPtePresent) && !(e & arch::kPteLarge)) {
        free_tables(table_of(e), 1);
        p.table_pages--;
    }
    __atomic_store_n(&e, mfn == kInvalidMfn ? 0 : leaf(mfn, t, stop == 1), __ATOMIC_RELEASE);
    if (mfn != kInvalidMfn && gfn + (1ull << order) - 1 > p.max_mapped_gfn)
        p.max_mapped_gfn = gfn + (1ull << order) - 1;
    return 0;
}

uint64_t p2m_lookup(P2m& p, uint64_t gfn, P2mType* type) {
    if (type)
        *type = P2mType::none;
    if (gfn > kMaxGfn || !p.root_pa)
        return kInvalidMfn;
    const uint64_t* t = static_cast<const uint64_t*>(arch::phys_to_virt(p.root_pa));
    for (unsigned level = 3;; level--) {
        uint64_t e = __atomic_load_n(&t[(gfn >> (9 * level)) & 511], __ATOMIC_ACQUIRE);
        if (!(e & arch::kPtePresent))
            return kInvalidMfn;
        if (level == 0 || (level == 1 && (e & arch::kPteLarge))) {
            if (type)
                *type = P2mType((e & kTypeMask) >> kTypeShift);
            uint64_t mfn = (e & arch::kPteAddrMask) >> PAGE_SHIFT;
            return level == 1 ? (mfn & ~511ull) + (gfn & 511) : mfn;
        }
        t = table_of(e);
    }
}

void p2m_destroy(P2m& p) {
    if (!p.root_pa)
        return;
    free_tables(static_cast<uint64_t*>(arch::phys_to_virt(p.root_pa)), 4);
    p.root_pa = 0;
    p.table_pages = 0;
}

} // namespace hvm
