#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "common/memory/buddy.h"
#include "host_support.h"

using memory::BuddyAllocator;
using memory::FrameState;
using memory::FrameTable;
using memory::PageInfo;

namespace {

// A frame table in host memory with its own allocator.
struct Machine {
    explicit Machine(uint64_t frames) : storage(frames) {
        table.init(storage.data(), frames);
        alloc.init(&table);
    }
    uint64_t mfn(const PageInfo *pg) const { return table.mfn(pg); }
    std::vector<unsigned> block_counts() const {
        std::vector<unsigned> v;
        for (unsigned k = 0; k <= BuddyAllocator::kMaxOrder; k++)
            v.push_back(static_cast<unsigned>(alloc.free_blocks(k)));
        return v;
    }
    std::vector<PageInfo> storage;
    FrameTable table;
    BuddyAllocator alloc;
};

TEST(MemoryFrameTable, InitMarksEveryFrameReserved) {
    std::vector<PageInfo> storage(64);
    memset(storage.data(), 0xAB, storage.size() * sizeof(PageInfo));
    FrameTable t;
    t.init(storage.data(), 64);
    EXPECT_EQ(t.frame_count(), 64u);
    for (uint64_t m = 0; m < 64; m++) {
        const PageInfo *pg = t.page(m);
        EXPECT_EQ(pg->state, FrameState::reserved);
        EXPECT_EQ(pg->owner, memory::kDomIdInvalid);
        EXPECT_EQ(pg->count_info, 0u);
        EXPECT_EQ(pg->type_info, 0u);
        EXPECT_EQ(pg->aux, 0u);
        EXPECT_EQ(t.mfn(pg), m);
    }
    EXPECT_TRUE(t.valid(63));
    EXPECT_FALSE(t.valid(64));
    EXPECT_THROW(t.page(64), HostPanic);
    PageInfo outside{};
    EXPECT_THROW(t.mfn(&outside), HostPanic);
}

TEST(MemoryFrameTable, TypeBitsRoundTrip) {
    using memory::PageType;
    for (auto t : {PageType::none, PageType::writable, PageType::l1, PageType::l2, PageType::l3,
                   PageType::l4, PageType::segdesc}) {
        uint64_t info = memory::type_bits(t) | memory::kTypeValidated | 5;
        EXPECT_EQ(memory::type_of(info), t);
        EXPECT_EQ(info & memory::kTypeCountMask, 5u);
    }
    EXPECT_EQ(memory::kTypeMask & memory::kTypeCountMask, 0u);
    EXPECT_EQ(memory::kTypeMask &
                  (memory::kTypeValidated | memory::kTypePinned | memory::kTypePartial),
              0u);
}

TEST(MemoryBuddy, RangeSplitsIntoMaximalAlignedBlocks) {
    Machine m(64);
    m.alloc.add_free_range(3, 13); // [3, 16): 3/o0, 4/o2, 8/o3
    EXPECT_EQ(m.alloc.total_pages(), 13u);
    EXPECT_EQ(m.alloc.free_pages(), 13u);
    EXPECT_EQ(m.alloc.free_blocks(0), 1u);
    EXPECT_EQ(m.alloc.free_blocks(1), 0u);
    EXPECT_EQ(m.alloc.free_blocks(2), 1u);
    EXPECT_EQ(m.alloc.free_blocks(3), 1u);
    for (uint64_t f = 3; f < 16; f++)
        EXPECT_EQ(m.table.page(f)->state, FrameState::free);
    EXPECT_EQ(m.table.page(2)->state, FrameState::reserved);
    EXPECT_EQ(m.table.page(16)->state, FrameState::reserved);
}

TEST(MemoryBuddy, AdjacentRangesMerge) {
    Machine m(64);
    m.alloc.add_free_range(1, 1);
    m.alloc.add_free_range(0, 1);
    EXPECT_EQ(m.alloc.free_blocks(0), 0u);
    EXPECT_EQ(m.alloc.free_blocks(1), 1u);
    m.alloc.add_free_range(2, 2);
    EXPECT_EQ(m.alloc.free_blocks(1), 0u);
    EXPECT_EQ(m.alloc.free_blocks(2), 1u);
    m.alloc.add_free_range(4, 60);
    EXPECT_EQ(m.alloc.free_blocks(6), 1u);
    EXPECT_EQ(m.alloc.free_pages(), 64u);
}

TEST(MemoryBuddy, AddingAFrameTwicePanicsWithoutSideEffects) {
    Machine m(64);
    m.alloc.add_free_range(8, 8);
    auto before = m.block_counts();
    EXPECT_THROW(m.alloc.add_free_range(4, 8), HostPanic);
    for (uint64_t f = 4; f < 8; f++)
        EXPECT_EQ(m.table.page(f)->state, FrameState::reserved);
    EXPECT_EQ(m.block_counts(), before);
    EXPECT_EQ(m.alloc.free_pages(), 8u);
    EXPECT_THROW(m.alloc.add_free_range(60, 8), HostPanic); // past the table
}

TEST(MemoryBuddy, BlocksDoNotCrossOneMegabyte) {
    Machine m(512);
    m.alloc.add_free_range(0, 512);
    EXPECT_EQ(m.alloc.free_blocks(8), 2u);
    EXPECT_EQ(m.alloc.free_blocks(9), 0u);
    PageInfo *a = m.alloc.alloc(8);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(m.mfn(a), 256u); // highest zone first
    EXPECT_EQ(m.alloc.alloc(9), nullptr);
    m.alloc.free(a, 8);
    EXPECT_EQ(m.alloc.free_blocks(8), 2u);
}

TEST(MemoryBuddy, FourGigabyteBlocksAndZones) {
    Machine m(1ull << 21); // 8 GiB of frames
    m.alloc.add_free_range(0, 1ull << 21);
    EXPECT_EQ(m.alloc.free_blocks(BuddyAllocator::kMaxOrder), 1u); // [4 GiB, 8 GiB)
    EXPECT_EQ(m.alloc.free_blocks(8), 2u);                         // [0, 1M) and [1M, 2M)
    for (unsigned k = 9; k < BuddyAllocator::kMaxOrder; k++)
        EXPECT_EQ(m.alloc.free_blocks(k), 1u) << k;
    EXPECT_EQ(m.alloc.alloc(BuddyAllocator::kMaxOrder + 1), nullptr);
    EXPECT_EQ(m.alloc.alloc(BuddyAllocator::kMaxOrder, 1ull << 20), nullptr);
    PageInfo *big = m.alloc.alloc(BuddyAllocator::kMaxOrder);
    ASSERT_NE(big, nullptr);
    EXPECT_EQ(m.mfn(big), 1ull << 20);
    // With the top zone empty, ordinary allocations fall to the 32-bit zone.
    PageInfo *small = m.alloc.alloc(0);
    ASSERT_NE(small, nullptr);
    EXPECT_GE(m.mfn(small), 0x100u);
    EXPECT_LT(m.mfn(small), 1ull << 20);
    m.alloc.free(small, 0);
    m.alloc.free(big, BuddyAllocator::kMaxOrder);
    EXPECT_EQ(m.alloc.free_pages(), 1ull << 21);
    EXPECT_EQ(m.alloc.free_blocks(BuddyAllocator::kMaxOrder), 1u);
    EXPECT_EQ(m.alloc.free_blocks(0), 0u);
}

TEST(MemoryBuddy, AllocFreeRoundTripRestoresBlocks) {
    Machine m(1024);
    m.alloc.add_free_range(0, 1024);
    auto before = m.block_counts();
    for (unsigned order = 0; order <= 8; order++) {
        PageInfo *pg = m.alloc.alloc(order);
        ASSERT_NE(pg, nullptr) << order;
        uint64_t mfn = m.mfn(pg);
        EXPECT_EQ(mfn % (1ull << order), 0u);
        EXPECT_EQ(pg->order, order);
        for (uint64_t i = 0; i < (1ull << order); i++) {
            EXPECT_EQ(pg[i].state, FrameState::allocated);
            EXPECT_EQ(pg[i].owner, memory::kDomIdInvalid);
        }
        EXPECT_EQ(m.alloc.free_pages(), 1024u - (1u << order));
        m.alloc.free(pg, order);
        EXPECT_EQ(m.block_counts(), before) << order;
    }
}

TEST(MemoryBuddy, FreeResetsFrameState) {
    Machine m(16);
    m.alloc.add_free_range(0, 16);
    PageInfo *pg = m.alloc.alloc(1);
    ASSERT_NE(pg, nullptr);
    pg[0].owner = 1;
    pg[1].count_info = memory::kCountAllocated | 3;
    pg[1].type_info = memory::type_bits(memory::PageType::l1) | 1;
    pg[0].aux = 77;
    m.alloc.free(pg, 1);
    for (int i = 0; i < 2; i++) {
        EXPECT_EQ(pg[i].owner, memory::kDomIdInvalid);
        EXPECT_EQ(pg[i].count_info, 0u);
        EXPECT_EQ(pg[i].type_info, 0u);
        EXPECT_EQ(pg[i].aux, 0u);
    }
}

TEST(MemoryBuddy, ExhaustionReturnsNull) {
    Machine m(300);
    m.alloc.add_free_range(1, 299); // frame 0 stays reserved; 299 straddles 1 MiB
    auto before = m.block_counts();
    std::vector<PageInfo *> pages;
    while (PageInfo *pg = m.alloc.alloc(0))
        pages.push_back(pg);
    EXPECT_EQ(pages.size(), 299u);
    EXPECT_EQ(m.alloc.free_pages(), 0u);
    EXPECT_EQ(m.alloc.alloc(0), nullptr);
    std::vector<bool> seen(300);
    for (PageInfo *pg : pages) {
        uint64_t f = m.mfn(pg);
        EXPECT_NE(f, 0u);
        EXPECT_FALSE(seen[f]);
        seen[f] = true;
    }
    std::shuffle(pages.begin(), pages.end(), std::mt19937(7));
    for (PageInfo *pg : pages)
        m.alloc.free(pg, 0);
    EXPECT_EQ(m.alloc.free_pages(), 299u);
    EXPECT_EQ(m.block_counts(), before);
}

TEST(MemoryBuddy, BuddyPastTheTableIsNotMerged) {
    Machine m(3);
    m.alloc.add_free_range(0, 3);
    EXPECT_EQ(m.alloc.free_blocks(1), 1u);
    EXPECT_EQ(m.alloc.free_blocks(0), 1u);
    EXPECT_EQ(m.alloc.alloc(2), nullptr);
    PageInfo *a = m.alloc.alloc(0);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(m.mfn(a), 2u);
    m.alloc.free(a, 0);
    EXPECT_EQ(m.alloc.free_blocks(0), 1u);
}

TEST(MemoryBuddy, MaxMfnLimitIsHonoured) {
    Machine m(4096);
    m.alloc.add_free_range(0, 4096);
    // Unlimited requests avoid low memory.
    PageInfo *high = m.alloc.alloc(0);
    ASSERT_NE(high, nullptr);
    EXPECT_GE(m.mfn(high), 0x100u);
    // Below 1 MiB: the whole zone fits.
    PageInfo *low = m.alloc.alloc(0, 0x100);
    ASSERT_NE(low, nullptr);
    EXPECT_LT(m.mfn(low), 0x100u);
    // A limit inside a zone.
    for (uint64_t limit : {0x101ull, 0x104ull, 0x12Cull, 0x300ull, 0x7FFull}) {
        PageInfo *pg = m.alloc.alloc(2, limit);
        ASSERT_NE(pg, nullptr) << limit;
        EXPECT_LE(m.mfn(pg) + 4, limit);
        m.alloc.free(pg, 2);
    }
    EXPECT_EQ(m.alloc.alloc(0, 0), nullptr);
    EXPECT_EQ(m.alloc.alloc(1, 1), nullptr);
    EXPECT_EQ(m.alloc.alloc(9, 0x100), nullptr); // bigger than the zone
    m.alloc.free(high, 0);
    m.alloc.free(low, 0);
    // Drain everything below 2 MiB; memory above it is still there.
    std::vector<PageInfo *> taken;
    while (PageInfo *pg = m.alloc.alloc(0, 0x200)) {
        EXPECT_LT(m.mfn(pg), 0x200u);
        taken.push_back(pg);
    }
    EXPECT_EQ(taken.size(), 0x200u);
    PageInfo *above = m.alloc.alloc(0);
    ASSERT_NE(above, nullptr);
    EXPECT_GE(m.mfn(above), 0x200u);
    m.alloc.free(above, 0);
    for (PageInfo *pg : taken)
        m.alloc.free(pg, 0);
}

TEST(MemoryBuddy, MisuseIsCaught) {
    Machine m(64);
    m.alloc.add_free_range(1, 63);
    PageInfo *a = m.alloc.alloc(2);
    ASSERT_NE(a, nullptr);
    auto counts = m.block_counts();
    uint64_t free_before = m.alloc.free_pages();
    EXPECT_THROW(m.alloc.free(a, 1), HostPanic);               // wrong order
    EXPECT_THROW(m.alloc.free(a, 3), HostPanic);               // wrong order
    EXPECT_THROW(m.alloc.free(a, 200), HostPanic);             // nonsense order
    EXPECT_THROW(m.alloc.free(a + 1, 0), HostPanic);           // inside a block
    EXPECT_THROW(m.alloc.free(m.table.page(0), 0), HostPanic); // reserved
    PageInfo outside{};
    EXPECT_THROW(m.alloc.free(&outside, 0), HostPanic);
    EXPECT_EQ(m.block_counts(), counts);
    EXPECT_EQ(m.alloc.free_pages(), free_before);
    m.alloc.free(a, 2);
    EXPECT_THROW(m.alloc.free(a, 2), HostPanic); // double free
    EXPECT_EQ(m.alloc.free_pages(), 63u);
    PageInfo *free_frame = m.table.page(40);
    EXPECT_THROW(m.alloc.free(free_frame, 0), HostPanic);
}

TEST(MemoryBuddy, UninitialisedAllocatorIsEmpty) {
    BuddyAllocator b;
    EXPECT_EQ(b.alloc(0), nullptr);
    EXPECT_EQ(b.free_pages(), 0u);
}

// Random allocations and frees: live blocks never overlap, stay below their limit, and
// everything coalesces back at the end.
TEST(MemoryBuddy, RandomStress) {
    constexpr uint64_t kFrames = 8192;
    Machine m(kFrames);
    m.alloc.add_free_range(0, 100);
    m.alloc.add_free_range(130, kFrames - 130 - 7);
    auto before = m.block_counts();
    uint64_t total = m.alloc.free_pages();
    std::mt19937_64 rng(12345);
    struct Live {
        PageInfo *pg;
        unsigned order;
    };
    std::vector<Live> live;
    std::vector<int> owner(kFrames, -1);
    for (int step = 0; step < 20000; step++) {
        bool do_alloc = live.empty() || rng() % 100 < 55;
        if (do_alloc) {
            unsigned order = rng() % 7;
            uint64_t limit = rng() % 4 == 0 ? rng() % kFrames : ~0ull;
            PageInfo *pg = m.alloc.alloc(order, limit);
            if (!pg)
                continue;
            uint64_t f = m.mfn(pg);
            ASSERT_LE(f + (1ull << order), std::min<uint64_t>(limit, kFrames));
            for (uint64_t i = 0; i < (1ull << order); i++) {
                ASSERT_EQ(owner[f + i], -1) << "overlap at " << f + i;
                owner[f + i] = step;
            }
            live.push_back({pg, order});
        } else {
            size_t idx = rng() % live.size();
            Live l = live[idx];
            live[idx] = live.back();
            live.pop_back();
            uint64_t f = m.mfn(l.pg);
            for (uint64_t i = 0; i < (1ull << l.order); i++)
                owner[f + i] = -1;
            m.alloc.free(l.pg, l.order);
        }
        uint64_t in_use = 0;
        if (step % 1000 == 0) {
            for (const Live &l : live)
                in_use += 1ull << l.order;
            ASSERT_EQ(m.alloc.free_pages() + in_use, total);
        }
    }
    for (const Live &l : live)
        m.alloc.free(l.pg, l.order);
    EXPECT_EQ(m.alloc.free_pages(), total);
    EXPECT_EQ(m.block_counts(), before);
}

TEST(MemoryBuddy, ConcurrentUseIsSerialised) {
    Machine m(4096);
    m.alloc.add_free_range(0, 4096);
    auto before = m.block_counts();
    auto worker = [&m](unsigned seed) {
        std::mt19937 rng(seed);
        std::vector<std::pair<PageInfo *, unsigned>> mine;
        for (int i = 0; i < 5000; i++) {
            if (mine.size() < 32 && rng() % 2) {
                unsigned order = rng() % 4;
                if (PageInfo *pg = m.alloc.alloc(order))
                    mine.push_back({pg, order});
            } else if (!mine.empty()) {
                m.alloc.free(mine.back().first, mine.back().second);
                mine.pop_back();
            }
        }
        for (auto &[pg, order] : mine)
            m.alloc.free(pg, order);
    };
    std::thread t1(worker, 1), t2(worker, 2);
    t1.join();
    t2.join();
    EXPECT_EQ(m.alloc.free_pages(), 4096u);
    EXPECT_EQ(m.block_counts(), before);
}

TEST(MemoryBuddy, GlobalAccessorsAreSingletons) {
    EXPECT_EQ(&memory::buddy(), &memory::buddy());
    EXPECT_EQ(&memory::frame_table(), &memory::frame_table());
}

} // namespace
