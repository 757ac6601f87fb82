// GNTTABOP_transfer (common/grant_table/transfer.cpp) over fake frames: a frame moves from
// one domain's reservation to another's, into a version 1 or 2 accept-transfer entry,
// and every refusal answers Xen 4.17's status in Xen's order (the frame is stolen first,
// and a refusal after that loses it, as in Xen). memory::steal_frame is the real one.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include "common/grant_table.h"
#include "common/memory/domain_frames.h"
#include "common/memory/page_type.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "public/xen.h"

namespace {

using memory::DomId;
using memory::PageInfo;
using namespace xen;

constexpr uint64_t kFrames = 128;
constexpr DomId kGiver = 1;
constexpr DomId kTaker = 2;
constexpr DomId kDying = 3; // exists, takes no frame
constexpr DomId kHvm = 4;   // live, but cannot take frames this way
constexpr DomId kNoTable = 5;
constexpr uint64_t kGpfn = 0x1234; // where the taker wants its frame

std::vector<std::array<uint64_t, 512>>* g_mem;
memory::FrameTable* g_ft;
std::vector<uint64_t> g_pool;
std::map<DomId, uint64_t> g_tot, g_max;
std::map<uint64_t, uint64_t> g_m2p;
std::vector<uint64_t> g_lost; // frames freed after a steal
unsigned g_flushes;

void* map_frame(uint64_t mfn) {
    return (*g_mem)[mfn].data();
}
uint64_t* map_words(uint64_t mfn) {
    return (*g_mem)[mfn].data();
}
uint64_t alloc_frame() {
    uint64_t mfn = g_pool.back();
    g_pool.pop_back();
    PageInfo* pg = g_ft->page(mfn);
    pg->owner = memory::kDomIdXen;
    pg->state = memory::FrameState::allocated;
    (*g_mem)[mfn].fill(0);
    return mfn;
}
void free_frame(uint64_t mfn) {
    g_ft->page(mfn)->state = memory::FrameState::free;
    g_pool.push_back(mfn);
}
bool live(DomId d) {
    return d == kGiver || d == kTaker || d == kHvm || d == kNoTable;
}
int steal(uint64_t mfn, DomId from) {
    int rc = memory::steal_frame(mfn, from);
    if (rc == 0)
        g_tot[from]--;
    return rc;
}
int charge(DomId to) {
    if (to == kDying)
        return -XEN_ESRCH;
    if (to == kHvm)
        return -XEN_EOPNOTSUPP;
    if (g_tot[to] >= g_max[to])
        return -XEN_E2BIG;
    g_tot[to]++;
    return 0;
}

class GrantTransfer : public ::testing::Test {
  protected:
    void SetUp() override {
        mem_.assign(kFrames, {});
        g_mem = &mem_;
        pages_.assign(kFrames, PageInfo{});
        table_.init(pages_.data(), kFrames);
        g_ft = &table_;
        memory::PageTableEnv penv{};
        penv.frames = &table_;
        penv.map = map_words;
        memory::page_type_init(penv);
        memory::DomainFramesEnv fenv{};
        fenv.frames = &table_;
        memory::domain_frames_init(fenv);

        gnttab::Env env{};
        env.frames = &table_;
        env.map = map_frame;
        env.alloc_frame = alloc_frame;
        env.free_frame = free_frame;
        env.zalloc = [](size_t n) { return calloc(1, n); };
        env.free = [](void* p) { free(p); };
        env.domain_live = live;
        env.flush_tlb = [](DomId) { g_flushes++; };
        env.steal_frame = steal;
        env.free_stolen_frame = [](uint64_t mfn) { g_lost.push_back(mfn); };
        env.domain_exists = [](DomId d) { return live(d) || d == kDying; };
        env.charge_frame = charge;
        env.uncharge_frame = [](DomId to) { g_tot[to]--; };
        env.assign_frame = [](uint64_t mfn, DomId to, uint64_t gpfn) {
            memory::assign_frames(g_ft->page(mfn), 0, to);
            g_m2p[mfn] = gpfn;
        };
        gnttab::init(env);

        g_pool.clear();
        for (uint64_t f = kFrames - 1; f >= 100; f--)
            g_pool.push_back(f);
        g_tot = {{kGiver, 20}, {kTaker, 10}};
        g_max = {{kGiver, 20}, {kTaker, 11}};
        g_m2p.clear();
        g_lost.clear();
        g_flushes = 0;
        for (uint64_t f = 10; f < 30; f++)
            Give(f, kGiver);
        for (uint64_t f = 30; f < 40; f++)
            Give(f, kTaker);
        for (uint64_t i = 0; i < 512; i++)
            mem_[12][i] = 0x1212121212121212ull ^ i;
    }
    void TearDown() override {
        for (DomId d : {kGiver, kTaker, kHvm, kNoTable})
            gnttab::domain_destroy(d);
        g_mem = nullptr;
    }
    void Give(uint64_t mfn, DomId d) {
        PageInfo* pg = table_.page(mfn);
        pg->owner = d;
        pg->count_info = memory::kCountAllocated | 1;
        pg->type_info = 0;
        pg->state = memory::FrameState::allocated;
    }
    static gnttab::Caller As(DomId d) { return {d, 0, false}; }
    // d's table exists (created as the domain would, by using it).
    void UseTable(DomId d) {
        uint32_t nr, max;
        ASSERT_EQ(gnttab::query_size(As(d), DOMID_SELF, &nr, &max), GNTST_okay);
    }
    grant_entry_v1* V1(DomId d, uint32_t ref) {
        UseTable(d);
        uint64_t mfn = gnttab::shared_frame(d, ref / gnttab::kEntriesPerFrame);
        return reinterpret_cast<grant_entry_v1*>(mem_[mfn].data()) + ref % gnttab::kEntriesPerFrame;
    }
    grant_entry_v2* V2(DomId d, uint32_t ref) {
        uint64_t mfn = gnttab::shared_frame(d, ref / gnttab::kEntriesPerFrameV2);
        return reinterpret_cast<grant_entry_v2*>(mem_[mfn].data()) +
               ref % gnttab::kEntriesPerFrameV2;
    }
    // d accepts a transfer from `from` into its entry ref.
    void Accept(DomId d, uint32_t ref, DomId from, uint16_t flags = GTF_accept_transfer) {
        grant_entry_v1* e = V1(d, ref);
        e->domid = from;
        e->frame = kGpfn;
        e->flags = flags;
    }
    // The frame went nowhere: lost to its old owner, nobody's, counted by nobody.
    void ExpectLost(uint64_t mfn) {
        ASSERT_EQ(g_lost.size(), 1u);
        EXPECT_EQ(g_lost[0], mfn);
        EXPECT_EQ(table_.page(mfn)->owner, memory::kDomIdInvalid);
        EXPECT_EQ(table_.page(mfn)->count_info, 0u);
        EXPECT_EQ(g_tot[kGiver], 19u);
        EXPECT_EQ(g_tot[kTaker], 10u);
    }
    // The frame is still the giver's, untouched.
    void ExpectKept(uint64_t mfn, DomId owner = kGiver) {
        EXPECT_TRUE(g_lost.empty());
        EXPECT_EQ(table_.page(mfn)->owner, owner);
        EXPECT_EQ(g_tot[kGiver], 20u);
        EXPECT_EQ(g_flushes, 0u);
    }

    std::vector<std::array<uint64_t, 512>> mem_;
    std::vector<PageInfo> pages_;
    memory::FrameTable table_;
};

TEST_F(GrantTransfer, V1MovesTheFrameAndItsContents) {
    Accept(kTaker, 7, kGiver);
    EXPECT_EQ(gnttab::transfer(As(kGiver), 12, kTaker, 7), GNTST_okay);
    grant_entry_v1* e = V1(kTaker, 7);
    EXPECT_EQ(e->flags, GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
    EXPECT_EQ(e->frame, 12u);
    EXPECT_EQ(e->domid, kGiver);
    PageInfo* pg = table_.page(12);
    EXPECT_EQ(pg->owner, kTaker);
    EXPECT_EQ(pg->count_info, memory::kCountAllocated | 1);
    EXPECT_EQ(pg->type_info, 0u);
    EXPECT_EQ(g_m2p[12], kGpfn);
    EXPECT_EQ(mem_[12][5], 0x1212121212121212ull ^ 5); // contents go with it
    EXPECT_EQ(g_tot[kGiver], 19u);
    EXPECT_EQ(g_tot[kTaker], 11u);
    EXPECT_EQ(g_flushes, 1u); // the giver's TLBs
    EXPECT_TRUE(g_lost.empty());
    // The giver has no claim on it any more; a completed entry accepts nothing more.
    EXPECT_EQ(gnttab::transfer(As(kGiver), 12, kTaker, 7), GNTST_bad_page);
    g_max[kTaker] = 12;
    EXPECT_EQ(gnttab::transfer(As(kGiver), 13, kTaker, 7), GNTST_general_error);
    EXPECT_EQ(e->frame, 12u);
    // And the taker may pass it on, to itself.
    Accept(kTaker, 8, kTaker);
    g_max[kTaker] = 11;
    EXPECT_EQ(gnttab::transfer(As(kTaker), 12, kTaker, 8), GNTST_okay);
    EXPECT_EQ(V1(kTaker, 8)->frame, 12u);
    EXPECT_EQ(g_tot[kTaker], 11u);
}

TEST_F(GrantTransfer, V2FillsTheFullPageFrame) {
    UseTable(kTaker);
    uint32_t v;
    ASSERT_EQ(gnttab::set_version(As(kTaker), 2, gnttab::kMaxVersion, &v), 0);
    grant_entry_v2* e = V2(kTaker, 300); // past the first frame's 256 v2 entries
    EXPECT_EQ(gnttab::transfer(As(kGiver), 12, kTaker, 300), GNTST_general_error);
    ExpectLost(12);
    uint64_t frames[2];
    ASSERT_EQ(gnttab::setup_table(As(kTaker), DOMID_SELF, 2, frames), GNTST_okay);
    e = V2(kTaker, 300);
    e->hdr.domid = kGiver;
    e->full_page.frame = 0x123456789ull; // a 64-bit frame field
    e->hdr.flags = GTF_accept_transfer;
    EXPECT_EQ(gnttab::transfer(As(kGiver), 13, kTaker, 300), GNTST_okay);
    EXPECT_EQ(e->hdr.flags, GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
    EXPECT_EQ(e->full_page.frame, 13u);
    EXPECT_EQ(e->full_page.pad0, 0u);
    EXPECT_EQ(g_m2p[13], 0x123456789ull);
    EXPECT_EQ(table_.page(13)->owner, kTaker);
    ASSERT_EQ(gnttab::set_version(As(kTaker), 1, gnttab::kMaxVersion, &v), 0);
}

TEST_F(GrantTransfer, FramesThatCannotBeStolenAreBadPageAndStay) {
    Accept(kTaker, 7, kGiver);
    EXPECT_EQ(gnttab::transfer(As(kGiver), kFrames, kTaker, 7), GNTST_bad_page);
    EXPECT_EQ(gnttab::transfer(As(kGiver), ~0ull, kTaker, 7), GNTST_bad_page);
    EXPECT_EQ(gnttab::transfer(As(kGiver), 5, kTaker, 7), GNTST_bad_page);  // nobody's
    EXPECT_EQ(gnttab::transfer(As(kGiver), 31, kTaker, 7), GNTST_bad_page); // the taker's
    ExpectKept(31, kTaker);
    // Referenced beyond its allocation: mapped, typed, pinned.
    memory::PageInfo* pg = table_.page(14);
    ASSERT_TRUE(memory::get_page(pg, kGiver));
    EXPECT_EQ(gnttab::transfer(As(kGiver), 14, kTaker, 7), GNTST_bad_page);
    memory::put_page(pg);
    ASSERT_EQ(memory::get_page_and_type(15, kGiver, memory::PageType::writable), 0);
    EXPECT_EQ(gnttab::transfer(As(kGiver), 15, kTaker, 7), GNTST_bad_page);
    memory::put_page_and_type(table_.page(15));
    // No longer allocated (given back, still referenced): not stealable.
    ASSERT_TRUE(memory::get_page(table_.page(16), kGiver));
    table_.page(16)->count_info &= ~memory::kCountAllocated;
    EXPECT_EQ(gnttab::transfer(As(kGiver), 16, kTaker, 7), GNTST_bad_page);
    table_.page(16)->count_info |= memory::kCountAllocated;
    memory::put_page(table_.page(16));
    // A hypervisor page shared with the giver: its own grant frame.
    UseTable(kGiver);
    EXPECT_EQ(gnttab::transfer(As(kGiver), gnttab::shared_frame(kGiver, 0), kTaker, 7),
              GNTST_bad_page);
    ExpectKept(14);
    EXPECT_EQ(V1(kTaker, 7)->flags, GTF_accept_transfer);
}

TEST_F(GrantTransfer, NoSuchReceiverIsBadDomainAndLosesTheFrame) {
    EXPECT_EQ(gnttab::transfer(As(kGiver), 12, 9, 7), GNTST_bad_domain);
    ExpectLost(12);
    for (DomId d : {DOMID_SELF, DOMID_XEN, DOMID_IO, DOMID_INVALID}) {
        g_lost.clear();
        g_tot[kGiver] = 20;
        Give(13, kGiver);
        EXPECT_EQ(gnttab::transfer(As(kGiver), 13, d, 7), GNTST_bad_domain) << d;
        ExpectLost(13);
    }
}

TEST_F(GrantTransfer, ReceiverRefusalsAreGeneralErrorAndLoseTheFrame) {
    struct Case {
        const char* what;
        DomId to;
        uint32_t ref;
        uint16_t flags;
        DomId from_in_entry;
    };
    const Case cases[] = {
        {"dying", kDying, 7, GTF_accept_transfer, kGiver},
        {"not PV", kHvm, 7, GTF_accept_transfer, kGiver},
        {"no table yet", kNoTable, 7, 0, kGiver},
        {"ref past the table", kTaker, 512, GTF_accept_transfer, kGiver},
        {"ref far past", kTaker, 0xffffffff, GTF_accept_transfer, kGiver},
        {"empty entry", kTaker, 7, 0, kGiver},
        {"access grant", kTaker, 7, GTF_permit_access, kGiver},
        {"transitive", kTaker, 7, GTF_transitive, kGiver},
        {"accept with readonly", kTaker, 7, GTF_accept_transfer | GTF_readonly, kGiver},
        {"already committed", kTaker, 7, GTF_accept_transfer | GTF_transfer_committed, kGiver},
        {"for someone else", kTaker, 7, GTF_accept_transfer, kHvm},
    };
    for (const Case& k : cases) {
        g_lost.clear();
        g_tot[kGiver] = 20;
        g_tot[kTaker] = 10;
        Give(12, kGiver);
        if (k.to == kTaker)
            Accept(kTaker, 7, k.from_in_entry, k.flags);
        if (k.ref == 512)
            Accept(kTaker, 511, kGiver); // the last entry there is, not the one asked for
        EXPECT_EQ(gnttab::transfer(As(kGiver), 12, k.to, k.ref), GNTST_general_error) << k.what;
        ExpectLost(12);
        if (k.to == kTaker) {
            EXPECT_EQ(V1(kTaker, 7)->flags, k.flags) << k.what;
        }
    }
    EXPECT_FALSE(gnttab::has_table(kNoTable)); // a transfer creates no table
}

TEST_F(GrantTransfer, ReceiverAtItsMaxPagesKeepsItsEntry) {
    Accept(kTaker, 7, kGiver);
    g_max[kTaker] = 10;
    EXPECT_EQ(gnttab::transfer(As(kGiver), 12, kTaker, 7), GNTST_general_error);
    ExpectLost(12);
    EXPECT_EQ(V1(kTaker, 7)->flags, GTF_accept_transfer);
    EXPECT_EQ(V1(kTaker, 7)->frame, kGpfn);
    // A domain at its limit may still transfer to itself: the frame leaves it first.
    Accept(kGiver, 3, kGiver);
    EXPECT_EQ(gnttab::transfer(As(kGiver), 13, kGiver, 3), GNTST_okay);
    EXPECT_EQ(g_tot[kGiver], 19u);
    EXPECT_EQ(V1(kGiver, 3)->frame, 13u);
}

TEST_F(GrantTransfer, DestroyedReceiverTableTakesNothing) {
    Accept(kTaker, 7, kGiver);
    EXPECT_TRUE(gnttab::domain_destroy(kTaker));
    EXPECT_EQ(gnttab::transfer(As(kGiver), 12, kTaker, 7), GNTST_general_error);
    ExpectLost(12);
}

} // namespace
