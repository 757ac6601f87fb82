// A domain's frames after it is built; see domain_frames.h for the model.
#include "common/memory/domain_frames.h"

#include "common/memory/page_type.h"
#include "common/panic.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "public/errno.h"

namespace memory {

constinit uint64_t g_released_count = 0; // see released_frames_pending

namespace {

constinit DomainFramesEnv g_env = {};

// Released frames waiting for a TLB flush, linked through PageInfo::next.
constinit lib::SpinLock g_released_lock;
constinit uint32_t g_released_head = kNoFrame;

constexpr uint64_t kPageBytes = 4096;

void scrub(uint64_t mfn) {
    memset(g_env.map(mfn), 0, kPageBytes);
}

// Makes an allocated block of 2^order frames order-0 blocks, each freeable on its own.
void split(PageInfo* first, unsigned order) {
    for (uint64_t i = 0; i < (1ull << order); i++)
        first[i].order = 0;
}

PageInfo* alloc_frames(unsigned order, uint64_t max_mfn_exclusive, DomId owner) {
    PageInfo* first = g_env.buddy->alloc(order, max_mfn_exclusive);
    if (!first)
        return nullptr;
    split(first, order);
    uint64_t mfn = g_env.frames->mfn(first);
    for (uint64_t i = 0; i < (1ull << order); i++) {
        // Frames the hypervisor gave back were not scrubbed.
        scrub(mfn + i);
        g_env.set_m2p(mfn + i, kInvalidM2pEntry);
        first[i].type_info = 0;
        first[i].owner = owner;
        __atomic_store_n(&first[i].count_info, owner == kDomIdInvalid ? 0 : kCountAllocated | 1,
                         __ATOMIC_RELEASE);
    }
    return first;
}

void push_released(PageInfo* pg) {
    lib::LockGuard guard(g_released_lock);
    pg->next = g_released_head;
    g_released_head = static_cast<uint32_t>(g_env.frames->mfn(pg));
    __atomic_store_n(&g_released_count, g_released_count + 1, __ATOMIC_RELAXED);
}

} // namespace

void domain_frames_init(const DomainFramesEnv& env) {
    g_env = env;
}

PageInfo* alloc_domain_frames(DomId d, unsigned order, uint64_t max_mfn_exclusive) {
    if (g_env.charge(d, 1ull << order) != 0)
        return nullptr;
    PageInfo* first = alloc_frames(order, max_mfn_exclusive, d);
    if (!first)
        g_env.uncharge(d, 1ull << order);
    return first;
}

int give_back_frame(uint64_t mfn, DomId d) {
    if (!g_env.frames->valid(mfn))
        return -xen::XEN_EINVAL;
    PageInfo* pg = g_env.frames->page(mfn);
    if (!get_page(pg, d))
        return -xen::XEN_ENXIO;
    // Only the allocation's reference: our own keeps the frame alive meanwhile.
    if (__atomic_fetch_and(&pg->count_info, ~kCountAllocated, __ATOMIC_ACQ_REL) & kCountAllocated)
        put_page(pg);
    put_page(pg);
    return 0;
}

int steal_frame(uint64_t mfn, DomId d) {
    if (!g_env.frames->valid(mfn))
        return -xen::XEN_EINVAL;
    PageInfo* pg = g_env.frames->page(mfn);
    if (!get_page(pg, d))
        return -xen::XEN_EINVAL;
    uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);
    for (;;) {
        // Exactly our reference and the allocation's: nothing maps, types or grants it.
        if ((x & (kCountXenHeap | kCountAllocated | kCountMask)) != (kCountAllocated | 2)) {
            put_page(pg);
            return -xen::XEN_EINVAL;
        }
        if (__atomic_compare_exchange_n(&pg->count_info, &x, x & ~(kCountAllocated | kCountMask),
                                        false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            break;
    }
    ASSERT((pg->type_info & (kTypeCountMask | kTypePinned | kTypeLocked)) == 0);
    pg->type_info = 0;
    pg->owner = kDomIdInvalid;
    return 0;
}

void free_stolen_frame(uint64_t mfn) {
    push_released(g_env.frames->page(mfn));
}

void return_stolen_frame(uint64_t mfn, DomId d) {
    assign_frames(g_env.frames->page(mfn), 0, d);
}

PageInfo* alloc_unowned_frames(unsigned order, uint64_t max_mfn_exclusive) {
    return alloc_frames(order, max_mfn_exclusive, kDomIdInvalid);
}

void assign_frames(PageInfo* first, unsigned order, DomId d) {
    for (uint64_t i = 0; i < (1ull << order); i++) {
        first[i].owner = d;
        __atomic_store_n(&first[i].count_info, kCountAllocated | 1, __ATOMIC_RELEASE);
    }
}

void free_unowned_frames(PageInfo* first, unsigned order) {
    // Never reachable by a guest: no flush needed.
    for (uint64_t i = 0; i < (1ull << order); i++)
        g_env.buddy->free(&first[i], 0);
}

void relinquish_frames(DomId d) {
    static constexpr PageType kTopDown[] = {PageType::l4, PageType::l3, PageType::l2};
    for (PageType level : kTopDown) {
        for (uint64_t mfn = 0; mfn < g_env.frames->frame_count(); mfn++) {
            PageInfo* pg = g_env.frames->page(mfn);
            if (pg->state != FrameState::allocated || pg->owner != d || !get_page(pg, d))
                continue;
            if (level == PageType::l4) {
                drop_pin(pg);
                if (pg->count_info & kCountXenHeap) {
                    // The share's type reference goes, which tells frame_released the
                    // page was relinquished; the domain stays until the page is back.
                    g_env.hold_domain(d);
                    put_page_type(pg);
                }
                if (__atomic_fetch_and(&pg->count_info, ~kCountAllocated, __ATOMIC_ACQ_REL) &
                    kCountAllocated)
                    put_page(pg);
            }
            force_devalidate(pg, level);
            put_page(pg);
        }
    }
}

void frame_released(PageInfo* pg) {
    DomId owner = pg->owner;
    ASSERT(!(pg->count_info & kCountAllocated));
    if (pg->count_info & kCountXenHeap) {
        if (type_count(pg) != 0)
            return; // given back by a live domain: the share still holds it
        // The last user of a hypervisor page a dead domain was shown is gone.
        pg->type_info = 0;
        pg->owner = kDomIdXen;
        __atomic_store_n(&pg->count_info, 0, __ATOMIC_RELEASE);
        if (!g_env.keeps_xen_page(owner, g_env.frames->mfn(pg)))
            push_released(pg);
        g_env.drop_domain(owner);
        return;
    }
    pg->type_info = 0;
    pg->owner = kDomIdInvalid;
    g_env.uncharge(owner, 1);
    push_released(pg);
}

uint64_t drain_released_frames() {
    uint32_t head;
    uint64_t count;
    {
        lib::LockGuard guard(g_released_lock);
        head = g_released_head;
        count = g_released_count;
        g_released_head = kNoFrame;
        __atomic_store_n(&g_released_count, 0, __ATOMIC_RELAXED);
    }
    if (head == kNoFrame)
        return 0;
    g_env.flush_all_tlbs();
    while (head != kNoFrame) {
        PageInfo* pg = g_env.frames->page(head);
        uint32_t next = pg->next;
        scrub(head);
        g_env.set_m2p(head, kInvalidM2pEntry);
        pg->count_info = 0;
        pg->next = kNoFrame;
        g_env.buddy->free(pg, 0);
        head = next;
    }
    return count;
}

uint64_t released_frame_count() {
    lib::LockGuard guard(g_released_lock);
    return g_released_count;
}

} // namespace memory
