// A domain's frames after it is built (common/memory/domain_frames.cpp) over a fake
// machine: allocation within the reservation, giving frames back while they are still
// referenced (mapped, pinned as page tables), stealing for XENMEM_exchange, the released
// list (no frame reaches the allocator before a TLB flush, every one scrubbed), and a
// balloon loop that must leave the free-page count where it started.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <vector>

#include "arch/pv_pagetable.h"
#include "common/memory/domain_frames.h"
#include "common/memory/page_type.h"
#include "host_support.h"
#include "public/errno.h"

namespace {

using memory::DomId;
using memory::PageInfo;
using memory::PageType;

constexpr uint64_t kFrames = 256;
constexpr DomId kDomA = 1;
constexpr DomId kDomB = 2;
constexpr uint64_t kJunk = 0x5a5a5a5a5a5a5a5aull;

struct Reservation {
    uint64_t tot = 0, max = 0;
};

std::vector<std::array<uint64_t, 512>>* g_mem;
std::map<DomId, Reservation>* g_res;
std::map<uint64_t, uint64_t>* g_m2p;
unsigned g_flushes;

uint64_t* map_frame(uint64_t mfn) {
    return (*g_mem)[mfn].data();
}
void flush_all() {
    g_flushes++;
}
void set_m2p(uint64_t mfn, uint64_t pfn) {
    (*g_m2p)[mfn] = pfn;
}
int charge(DomId d, uint64_t n) {
    auto it = g_res->find(d);
    if (it == g_res->end())
        return -xen::XEN_ESRCH;
    Reservation& r = it->second;
    if (r.tot > r.max)
        return -xen::XEN_EPERM;
    if (n > r.max - r.tot)
        return -xen::XEN_E2BIG;
    r.tot += n;
    return 0;
}
void uncharge(DomId d, uint64_t n) {
    if (auto it = g_res->find(d); it != g_res->end()) {
        ASSERT_GE(it->second.tot, n);
        it->second.tot -= n;
    }
}
void released(PageInfo* pg) {
    memory::frame_released(pg);
}
// References a dead domain's hypervisor pages hold on it, and the page its structures
// free themselves (its shared_info).
std::map<DomId, int>* g_holds;
uint64_t g_kept_mfn;
void hold(DomId d) {
    (*g_holds)[d]++;
}
void drop(DomId d) {
    ASSERT_GT((*g_holds)[d], 0);
    (*g_holds)[d]--;
}
bool keeps(DomId, uint64_t mfn) {
    return mfn == g_kept_mfn;
}

class DomainFrames : public ::testing::Test {
  protected:
    void SetUp() override {
        mem_.assign(kFrames, {});
        for (auto& page : mem_)
            page.fill(kJunk); // what the previous user left
        g_mem = &mem_;
        g_res = &res_;
        g_m2p = &m2p_;
        g_flushes = 0;
        pages_.assign(kFrames, PageInfo{});
        table_.init(pages_.data(), kFrames);
        buddy_.init(&table_);
        buddy_.add_free_range(16, kFrames - 16); // 0..15 stay reserved
        memory::PageTableEnv pt{};
        pt.frames = &table_;
        pt.map = map_frame;
        pt.flush_tlbs = [](DomId) {};
        pt.released = released;
        pt.privileged = [](DomId d) { return d == kDomB; }; // may map A's frames
        memory::page_type_init(pt);
        memory::domain_frames_init(
            {&table_, &buddy_, map_frame, flush_all, set_m2p, charge, uncharge, hold, drop, keeps});
        g_holds = &holds_;
        g_kept_mfn = ~0ull;
        res_[kDomA] = {0, 64};
        res_[kDomB] = {0, 64};
        free_at_start_ = buddy_.free_pages();
    }
    void TearDown() override {
        memory::drain_released_frames();
        g_mem = nullptr;
        g_res = nullptr;
        g_m2p = nullptr;
        g_holds = nullptr;
    }

    uint64_t Alloc(DomId d, unsigned order = 0, uint64_t limit = ~0ull) {
        PageInfo* pg = memory::alloc_domain_frames(d, order, limit);
        return pg ? table_.mfn(pg) : ~0ull;
    }
    PageInfo* P(uint64_t mfn) { return table_.page(mfn); }
    uint64_t Count(uint64_t mfn) { return memory::page_count(P(mfn)); }
    uint64_t* T(uint64_t mfn) { return mem_[mfn].data(); }
    static uint64_t E(uint64_t mfn, uint64_t flags) { return (mfn << 12) | flags; }
    // B's L1 table at mfn, entry i: maps A's frame `target` (0: unmaps).
    int BMaps(uint64_t l1, unsigned i, uint64_t target) {
        return memory::update_entry(l1, i, target ? E(target, kRw) : 0, memory::EntryWrite::normal,
                                    kDomB, kDomA, nullptr);
    }
    // A hypervisor page shown to d, as shared_info is (not charged to d).
    uint64_t XenPageFor(DomId d) {
        uint64_t mfn = Alloc(d);
        res_[d].tot--;
        P(mfn)->count_info = 0;
        P(mfn)->owner = memory::kDomIdXen;
        memory::share_xen_page_with_guest(P(mfn), d, false);
        return mfn;
    }
    static constexpr uint64_t kRw = arch::pvpt::kPresent | arch::pvpt::kRw | arch::pvpt::kUser;
    static constexpr uint64_t kRo = arch::pvpt::kPresent | arch::pvpt::kUser;
    bool Allocated(uint64_t mfn) { return P(mfn)->count_info & memory::kCountAllocated; }
    bool Scrubbed(uint64_t mfn) {
        for (uint64_t w : mem_[mfn])
            if (w)
                return false;
        return true;
    }

    std::vector<std::array<uint64_t, 512>> mem_;
    std::vector<PageInfo> pages_;
    memory::FrameTable table_;
    memory::BuddyAllocator buddy_;
    std::map<DomId, Reservation> res_;
    std::map<uint64_t, uint64_t> m2p_;
    std::map<DomId, int> holds_;
    uint64_t free_at_start_ = 0;
};

TEST_F(DomainFrames, AllocatedExtentIsOwnedScrubbedChargedAndSplit) {
    uint64_t mfn = Alloc(kDomA, 2);
    ASSERT_NE(mfn, ~0ull);
    EXPECT_EQ(res_[kDomA].tot, 4u);
    EXPECT_EQ(buddy_.free_pages(), free_at_start_ - 4);
    for (uint64_t i = 0; i < 4; i++) {
        EXPECT_EQ(P(mfn + i)->owner, kDomA);
        EXPECT_EQ(P(mfn + i)->count_info, memory::kCountAllocated | 1);
        EXPECT_EQ(P(mfn + i)->type_info, 0u);
        EXPECT_EQ(P(mfn + i)->order, 0u) << "each frame its own block";
        EXPECT_TRUE(Scrubbed(mfn + i));
        EXPECT_EQ(m2p_[mfn + i], memory::kInvalidM2pEntry);
    }
}

TEST_F(DomainFrames, ReservationLimitsAllocation) {
    res_[kDomA].max = 5;
    EXPECT_NE(Alloc(kDomA, 2), ~0ull);
    EXPECT_EQ(Alloc(kDomA, 1), ~0ull) << "4 + 2 > 5";
    EXPECT_NE(Alloc(kDomA, 0), ~0ull);
    EXPECT_EQ(Alloc(kDomA, 0), ~0ull);
    EXPECT_EQ(res_[kDomA].tot, 5u);
    EXPECT_EQ(buddy_.free_pages(), free_at_start_ - 5);
    // Ratcheted below what it holds: nothing more, even after giving one back.
    res_[kDomA].max = 2;
    EXPECT_EQ(Alloc(kDomA, 0), ~0ull);
    EXPECT_EQ(Alloc(kDomB, 0, 16), ~0ull) << "no frame below the limit";
    EXPECT_EQ(res_[kDomB].tot, 0u) << "a failed allocation is not charged";
    EXPECT_EQ(Alloc(7, 0), ~0ull) << "no such domain";
}

TEST_F(DomainFrames, AddressLimitIsHonoured) {
    uint64_t mfn = Alloc(kDomA, 0, 40);
    ASSERT_NE(mfn, ~0ull);
    EXPECT_LT(mfn, 40u);
}

TEST_F(DomainFrames, UnreferencedFrameGivenBackIsFreedOnlyAfterAFlush) {
    uint64_t mfn = Alloc(kDomA);
    mem_[mfn].fill(kJunk); // the guest's data
    ASSERT_EQ(memory::give_back_frame(mfn, kDomA), 0);
    EXPECT_EQ(res_[kDomA].tot, 0u);
    EXPECT_EQ(P(mfn)->owner, memory::kDomIdInvalid);
    EXPECT_EQ(P(mfn)->state, memory::FrameState::allocated) << "not reusable before the flush";
    EXPECT_EQ(memory::released_frame_count(), 1u);
    EXPECT_EQ(g_flushes, 0u);
    EXPECT_EQ(memory::drain_released_frames(), 1u);
    EXPECT_EQ(g_flushes, 1u);
    EXPECT_EQ(P(mfn)->state, memory::FrameState::free);
    EXPECT_TRUE(Scrubbed(mfn));
    EXPECT_EQ(m2p_[mfn], memory::kInvalidM2pEntry);
    EXPECT_EQ(buddy_.free_pages(), free_at_start_);
    EXPECT_EQ(memory::drain_released_frames(), 0u);
    EXPECT_EQ(g_flushes, 1u) << "nothing released: no flush";
}

TEST_F(DomainFrames, MappedFrameStaysUntilTheLastReferenceGoes) {
    uint64_t mfn = Alloc(kDomA);
    ASSERT_TRUE(memory::get_page(P(mfn), kDomA)); // a mapping's reference
    ASSERT_EQ(memory::give_back_frame(mfn, kDomA), 0);
    EXPECT_FALSE(Allocated(mfn));
    EXPECT_EQ(Count(mfn), 1u);
    EXPECT_EQ(P(mfn)->owner, kDomA);
    EXPECT_EQ(res_[kDomA].tot, 1u) << "still counted while referenced";
    EXPECT_EQ(memory::give_back_frame(mfn, kDomA), 0) << "again: nothing more to drop";
    EXPECT_EQ(Count(mfn), 1u);
    EXPECT_EQ(memory::drain_released_frames(), 0u);
    memory::put_page(P(mfn)); // the mapping goes
    EXPECT_EQ(res_[kDomA].tot, 0u);
    EXPECT_EQ(memory::drain_released_frames(), 1u);
    EXPECT_EQ(buddy_.free_pages(), free_at_start_);
    EXPECT_EQ(memory::give_back_frame(mfn, kDomA), -xen::XEN_ENXIO) << "freed";
}

TEST_F(DomainFrames, PinnedPageTableStaysUntilUnpinned) {
    uint64_t mfn = Alloc(kDomA);
    ASSERT_EQ(memory::pin_table(mfn, kDomA, PageType::l1), 0);
    ASSERT_EQ(memory::give_back_frame(mfn, kDomA), 0);
    EXPECT_EQ(memory::type_count(P(mfn)), 1u);
    EXPECT_EQ(memory::drain_released_frames(), 0u);
    ASSERT_EQ(memory::unpin_table(mfn, kDomA), 0);
    EXPECT_EQ(P(mfn)->type_info, 0u) << "reset on release";
    EXPECT_EQ(memory::drain_released_frames(), 1u);
    EXPECT_EQ(res_[kDomA].tot, 0u);
}

TEST_F(DomainFrames, OnlyOwnFramesCanBeGivenBack) {
    uint64_t a = Alloc(kDomA);
    EXPECT_EQ(memory::give_back_frame(a, kDomB), -xen::XEN_ENXIO);
    EXPECT_EQ(memory::give_back_frame(3, kDomA), -xen::XEN_ENXIO) << "reserved frame";
    EXPECT_EQ(memory::give_back_frame(kFrames, kDomA), -xen::XEN_EINVAL);
    EXPECT_EQ(memory::give_back_frame(~0ull, kDomA), -xen::XEN_EINVAL);
    EXPECT_EQ(P(a)->count_info, memory::kCountAllocated | 1);
    EXPECT_EQ(res_[kDomA].tot, 1u);
}

TEST_F(DomainFrames, SharedHypervisorPageIsNeverFreedHere) {
    uint64_t mfn = Alloc(kDomA);
    PageInfo* pg = P(mfn);
    pg->count_info = 0;
    pg->owner = memory::kDomIdXen;
    memory::share_xen_page_with_guest(pg, kDomA, false);
    ASSERT_EQ(memory::give_back_frame(mfn, kDomA), 0); // Xen lets it go, too
    EXPECT_EQ(Count(mfn), 0u);
    EXPECT_EQ(memory::released_frame_count(), 0u);
    EXPECT_EQ(pg->state, memory::FrameState::allocated);
}

TEST_F(DomainFrames, StealNeedsAFrameNothingElseHolds) {
    uint64_t mfn = Alloc(kDomA);
    ASSERT_TRUE(memory::get_page(P(mfn), kDomA));
    EXPECT_EQ(memory::steal_frame(mfn, kDomA), -xen::XEN_EINVAL) << "mapped";
    memory::put_page(P(mfn));
    EXPECT_EQ(memory::steal_frame(mfn, kDomB), -xen::XEN_EINVAL) << "not B's";
    EXPECT_EQ(memory::steal_frame(kFrames + 5, kDomA), -xen::XEN_EINVAL);
    ASSERT_EQ(memory::steal_frame(mfn, kDomA), 0);
    EXPECT_EQ(Count(mfn), 0u);
    EXPECT_EQ(P(mfn)->owner, memory::kDomIdInvalid);
    EXPECT_FALSE(memory::get_page(P(mfn), kDomA)) << "unreachable while stolen";
    EXPECT_EQ(memory::steal_frame(mfn, kDomA), -xen::XEN_EINVAL) << "twice";
    memory::return_stolen_frame(mfn, kDomA);
    EXPECT_EQ(P(mfn)->count_info, memory::kCountAllocated | 1);
    EXPECT_EQ(P(mfn)->owner, kDomA);
    ASSERT_EQ(memory::steal_frame(mfn, kDomA), 0);
    memory::free_stolen_frame(mfn);
    EXPECT_EQ(res_[kDomA].tot, 1u) << "an exchange keeps the reservation";
    EXPECT_EQ(memory::drain_released_frames(), 1u);
}

TEST_F(DomainFrames, UnownedFramesAreUnreachableUntilAssigned) {
    PageInfo* pg = memory::alloc_unowned_frames(1, ~0ull);
    ASSERT_NE(pg, nullptr);
    EXPECT_FALSE(memory::get_page(pg, kDomA));
    EXPECT_FALSE(memory::get_page(pg, memory::kDomIdInvalid));
    memory::assign_frames(pg, 1, kDomA);
    EXPECT_TRUE(memory::get_page(&pg[1], kDomA));
    memory::put_page(&pg[1]);
    EXPECT_EQ(res_[kDomA].tot, 0u) << "not charged";
    PageInfo* other = memory::alloc_unowned_frames(2, ~0ull);
    ASSERT_NE(other, nullptr);
    memory::free_unowned_frames(other, 2);
    EXPECT_EQ(buddy_.free_pages(), free_at_start_ - 2);
}

TEST_F(DomainFrames, DeadDomainTablesAndFramesAreAllFreed) {
    const uint64_t l4 = Alloc(kDomA), l3 = Alloc(kDomA), l2 = Alloc(kDomA), l1 = Alloc(kDomA);
    T(l4)[0] = E(l3, kRw);
    T(l3)[0] = E(l2, kRw);
    T(l2)[0] = E(l1, kRw);
    for (unsigned i = 0; i < 4; i++)
        T(l1)[i] = E(Alloc(kDomA), kRw);
    T(l1)[8] = E(l2, kRo); // a table seeing its own parent
    ASSERT_EQ(memory::pin_table(l4, kDomA, PageType::l4), 0);
    ASSERT_EQ(res_[kDomA].tot, 8u);
    memory::relinquish_frames(kDomA);
    EXPECT_EQ(res_[kDomA].tot, 0u);
    EXPECT_EQ(memory::drain_released_frames(), 8u);
    EXPECT_EQ(buddy_.free_pages(), free_at_start_);
}

TEST_F(DomainFrames, FrameAnotherDomainMapsStaysTheDeadDomainsUntilUnmapped) {
    const uint64_t mapped = Alloc(kDomA), unmapped = Alloc(kDomA);
    const uint64_t b_l1 = Alloc(kDomB);
    ASSERT_EQ(memory::pin_table(b_l1, kDomB, PageType::l1), 0);
    ASSERT_EQ(BMaps(b_l1, 5, mapped), 0);
    T(mapped)[7] = kJunk;
    memory::relinquish_frames(kDomA);
    EXPECT_EQ(memory::drain_released_frames(), 1u) << "only the frame nobody maps";
    EXPECT_EQ(P(mapped)->owner, kDomA);
    EXPECT_EQ(res_[kDomA].tot, 1u) << "still counted while B maps it";
    EXPECT_FALSE(Allocated(mapped));
    EXPECT_EQ(Count(mapped), 1u) << "B's mapping's reference only";
    EXPECT_EQ(T(mapped)[7], kJunk) << "neither scrubbed nor reused";
    EXPECT_EQ(P(unmapped)->state, memory::FrameState::free);
    ASSERT_EQ(BMaps(b_l1, 5, 0), 0);
    EXPECT_EQ(res_[kDomA].tot, 0u);
    EXPECT_EQ(memory::drain_released_frames(), 1u);
    EXPECT_TRUE(Scrubbed(mapped));
    EXPECT_EQ(P(mapped)->owner, memory::kDomIdInvalid);
}

TEST_F(DomainFrames, HypervisorPagesOfADeadDomainComeBackWhenTheLastUserGoes) {
    const uint64_t grant_frame = XenPageFor(kDomA), shared_info = XenPageFor(kDomA);
    g_kept_mfn = shared_info;                             // the domain's structures free it
    ASSERT_TRUE(memory::get_page(P(grant_frame), kDomA)); // B's mappings of both
    ASSERT_TRUE(memory::get_page(P(shared_info), kDomA));
    memory::relinquish_frames(kDomA);
    EXPECT_EQ(holds_[kDomA], 2) << "the domain stays while others use its pages";
    EXPECT_EQ(P(grant_frame)->owner, kDomA);
    EXPECT_EQ(memory::drain_released_frames(), 0u);
    memory::put_page(P(grant_frame));
    memory::put_page(P(shared_info));
    EXPECT_EQ(holds_[kDomA], 0);
    EXPECT_EQ(P(grant_frame)->owner, memory::kDomIdXen);
    EXPECT_EQ(P(shared_info)->owner, memory::kDomIdXen);
    EXPECT_EQ(P(shared_info)->count_info, 0u);
    EXPECT_EQ(memory::drain_released_frames(), 1u) << "the grant frame; shared_info is kept";
    buddy_.free(P(shared_info), 0);
    EXPECT_EQ(buddy_.free_pages(), free_at_start_);
}

TEST_F(DomainFrames, BalloonLoopLeaksNothing) {
    res_[kDomA].max = 200;
    std::vector<uint64_t> held;
    for (unsigned i = 0; i < 100; i++)
        held.push_back(Alloc(kDomA));
    const uint64_t free_before = buddy_.free_pages();
    for (unsigned round = 0; round < 50; round++) {
        // Give back the odd ones (one of them mapped meanwhile), then populate again.
        ASSERT_TRUE(memory::get_page(P(held[1]), kDomA));
        for (size_t i = 1; i < held.size(); i += 2)
            ASSERT_EQ(memory::give_back_frame(held[i], kDomA), 0);
        memory::put_page(P(held[1]));
        memory::drain_released_frames();
        EXPECT_EQ(res_[kDomA].tot, 50u);
        for (size_t i = 1; i < held.size(); i += 2) {
            held[i] = Alloc(kDomA);
            ASSERT_NE(held[i], ~0ull);
        }
        ASSERT_EQ(buddy_.free_pages(), free_before) << "round " << round;
        ASSERT_EQ(res_[kDomA].tot, 100u);
    }
}

} // namespace
