// A domain's own frames after it is built: handed out an extent at a time within its
// reservation (populate_physmap, increase_reservation), given back a frame at a time
// (decrease_reservation), and freed only when the last reference to them goes away.
//
// As in Xen, giving a frame back drops only the owner's allocation reference: a frame
// still mapped, used as a page table, pinned or held by a grant stays the owner's (and
// counts in its reservation) until its general count reaches 0. Then it leaves the owner
// and waits on a released list: a CPU may still hold a translation of it (the mapping
// that held the last reference may have gone without a flush), so it is scrubbed and
// handed to the allocator only after every TLB has been flushed (drain_released_frames).
//
// Every frame a domain gets here is an order-0 block of the allocator, so any one of
// them can be freed on its own.
#pragma once
#include <stdint.h>

#include "common/memory/buddy.h"
#include "common/memory/page_info.h"

namespace memory {

// What this module needs from the machine and from the domains.
struct DomainFramesEnv {
    FrameTable* frames;
    BuddyAllocator* buddy;
    uint64_t* (*map)(uint64_t mfn);              // the frame's 4 KiB, to scrub it
    void (*flush_all_tlbs)();                    // every CPU's TLB, global entries too
    void (*set_m2p)(uint64_t mfn, uint64_t pfn); // the M2P entry of a frame
    // Reservation accounting of domain d: charge takes n pages within its max_pages (0;
    // -EPERM if it is already over, -E2BIG if n do not fit, -ESRCH if d is gone, as Xen's
    // assign_pages); uncharge gives them back (nothing if d is gone).
    int (*charge)(DomId d, uint64_t n);
    void (*uncharge)(DomId d, uint64_t n);
    // A reference on dead domain d, taken for each hypervisor page it was shown
    // (kCountXenHeap) while it is relinquished, and dropped when that page comes back.
    void (*hold_domain)(DomId d);
    void (*drop_domain)(DomId d);
    // Whether d's own structures free hypervisor page mfn (its shared_info, freed with
    // the domain); the others (its grant-table frames) are freed when they come back.
    bool (*keeps_xen_page)(DomId d, uint64_t mfn);
};

inline constexpr uint64_t kInvalidM2pEntry = ~0ull; // Xen's INVALID_M2P_ENTRY

void domain_frames_init(const DomainFramesEnv& env);

// 2^order contiguous frames for d, lying below max_mfn_exclusive: each its own order-0
// block, owned by d with its allocation reference, untyped, with an invalid M2P entry,
// and charged to d's reservation. nullptr when the reservation or the memory is
// exhausted. Frames reach the allocator only scrubbed, so these hold nothing of anyone.
PageInfo* alloc_domain_frames(DomId d, unsigned order, uint64_t max_mfn_exclusive);

// Xen's guest_remove_page for a PV domain: frame mfn of d gives up its allocation
// reference. 0 (also when it had already given it up), -EINVAL for no such frame,
// -ENXIO for a frame that is not d's.
int give_back_frame(uint64_t mfn, DomId d);

// XENMEM_exchange, which trades frames without changing the reservation:
// steal_frame (Xen's steal_page) takes frame mfn from d when nothing but the allocation
// holds it (no mapping, type or grant): 0, or -EINVAL. The frame is then ownerless and
// unreachable, still counted in d's reservation; free_stolen_frame releases it, and
// return_stolen_frame gives it back to d as it was.
int steal_frame(uint64_t mfn, DomId d);
void free_stolen_frame(uint64_t mfn);
void return_stolen_frame(uint64_t mfn, DomId d);
// The exchange's output: frames as alloc_domain_frames gives them, but nobody's (no
// reference can be taken) and uncharged until assign_frames gives them to d; frames
// never assigned go back with free_unowned_frames.
PageInfo* alloc_unowned_frames(unsigned order, uint64_t max_mfn_exclusive);
void assign_frames(PageInfo* first, unsigned order, DomId d);
void free_unowned_frames(PageInfo* first, unsigned order);

// Xen's relinquish_memory, for dead domain d (its vCPUs' base pointers dropped, its
// grant mappings gone): every frame it owns loses its pin and its allocation reference,
// and its page tables are devalidated top-down (force_devalidate), so the references
// they held on d's own frames go. A frame nobody else references is released at once;
// one another domain still maps stays d's, counted in its tot_pages, until the last
// reference goes (frame_released). Hypervisor pages shown to d go back the same way.
void relinquish_frames(DomId d);

// The page-type code's `released` hook: the last general reference to pg went away.
// A domain frame leaves its owner (uncharged) for the released list; a hypervisor page
// shown to a dead domain (kCountXenHeap) becomes xenon's again, and goes to the released
// list too unless the domain keeps it (keeps_xen_page).
void frame_released(PageInfo* pg);

// Flushes every TLB, then scrubs the released frames, invalidates their M2P entries and
// frees them. Returns how many were freed. Not with a lock held or interrupts off (the
// flush reaches the other CPUs).
uint64_t drain_released_frames();
// Whether a drain has work: one load, for the hypercall exit path.
extern uint64_t g_released_count; // written under the released list's lock
inline bool released_frames_pending() {
    return __atomic_load_n(&g_released_count, __ATOMIC_RELAXED) != 0;
}
// Released frames not yet drained.
uint64_t released_frame_count();

} // namespace memory
