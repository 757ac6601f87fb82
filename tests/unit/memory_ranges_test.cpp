#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/memory/ranges.h"

using memory::MemRange;
using memory::RangeSet;

namespace {

std::vector<std::pair<uint64_t, uint64_t>> as_vector(const RangeSet &s) {
    std::vector<std::pair<uint64_t, uint64_t>> v;
    for (const MemRange &r : s)
        v.push_back({r.start, r.end});
    return v;
}
using V = std::vector<std::pair<uint64_t, uint64_t>>;

TEST(MemoryRanges, AddKeepsOrderAndMerges) {
    RangeSet s;
    ASSERT_TRUE(s.add(100, 200));
    ASSERT_TRUE(s.add(0, 10));
    ASSERT_TRUE(s.add(300, 400));
    EXPECT_EQ(as_vector(s), (V{{0, 10}, {100, 200}, {300, 400}}));
    ASSERT_TRUE(s.add(200, 250)); // adjacent on the right
    ASSERT_TRUE(s.add(90, 100));  // adjacent on the left
    EXPECT_EQ(as_vector(s), (V{{0, 10}, {90, 250}, {300, 400}}));
    ASSERT_TRUE(s.add(120, 130)); // contained
    EXPECT_EQ(as_vector(s), (V{{0, 10}, {90, 250}, {300, 400}}));
    ASSERT_TRUE(s.add(5, 350)); // overlaps three
    EXPECT_EQ(as_vector(s), (V{{0, 400}}));
    ASSERT_TRUE(s.add(500, 500)); // empty
    ASSERT_TRUE(s.add(600, 550)); // inverted is empty too
    EXPECT_EQ(s.count(), 1u);
    ASSERT_TRUE(s.add(0, ~0ull));
    EXPECT_EQ(as_vector(s), (V{{0, ~0ull}}));
}

TEST(MemoryRanges, SubtractCutsAndSplits) {
    RangeSet s;
    ASSERT_TRUE(s.add(0, 100));
    ASSERT_TRUE(s.add(200, 300));
    ASSERT_TRUE(s.subtract(40, 60)); // split
    EXPECT_EQ(as_vector(s), (V{{0, 40}, {60, 100}, {200, 300}}));
    ASSERT_TRUE(s.subtract(90, 250)); // cuts two ends
    EXPECT_EQ(as_vector(s), (V{{0, 40}, {60, 90}, {250, 300}}));
    ASSERT_TRUE(s.subtract(60, 90)); // exactly one range
    EXPECT_EQ(as_vector(s), (V{{0, 40}, {250, 300}}));
    ASSERT_TRUE(s.subtract(40, 250)); // touches both, removes nothing
    EXPECT_EQ(as_vector(s), (V{{0, 40}, {250, 300}}));
    ASSERT_TRUE(s.subtract(0, 1000)); // contains everything
    EXPECT_TRUE(s.empty());
    ASSERT_TRUE(s.subtract(5, 10)); // from nothing
    EXPECT_TRUE(s.empty());
}

TEST(MemoryRanges, QueriesAndTotal) {
    RangeSet s;
    ASSERT_TRUE(s.add(0x1000, 0x3000));
    ASSERT_TRUE(s.add(0x10000, 0x20000));
    EXPECT_EQ(s.total(), 0x2000u + 0x10000u);
    EXPECT_TRUE(s.contains(0x1000, 0x3000));
    EXPECT_FALSE(s.contains(0x1000, 0x3001));
    EXPECT_FALSE(s.contains(0x2000, 0x11000));
    EXPECT_TRUE(s.overlaps(0x2fff, 0x4000));
    EXPECT_FALSE(s.overlaps(0x3000, 0x10000));
    uint64_t at = 0;
    ASSERT_TRUE(s.highest_fit(0x2000, 0x1000, &at));
    EXPECT_EQ(at, 0x1e000u);
    ASSERT_TRUE(s.highest_fit(0x2000, 0x10000, &at)); // rounded down to the alignment
    EXPECT_EQ(at, 0x10000u);
    EXPECT_FALSE(s.highest_fit(0x10001, 0x1000, &at));
    ASSERT_TRUE(s.highest_fit(0x1800, 0x1000, &at));
    EXPECT_EQ(at, 0x1e000u);
}

TEST(MemoryRanges, TrimInwardToPages) {
    RangeSet s;
    ASSERT_TRUE(s.add(0x0, 0x9fc00));        // conventional memory, ragged end
    ASSERT_TRUE(s.add(0x100800, 0x100900));  // no whole page inside
    ASSERT_TRUE(s.add(0x200001, 0x400fff));  // ragged both ends
    ASSERT_TRUE(s.add(~0ull - 0x10, ~0ull)); // near the top: must not overflow
    s.trim_inward(0x1000);
    EXPECT_EQ(as_vector(s), (V{{0x0, 0x9f000}, {0x201000, 0x400000}}));
}

TEST(MemoryRanges, OverflowFailsWithoutChange) {
    RangeSet s;
    for (uint64_t i = 0; i < RangeSet::kCapacity; i++)
        ASSERT_TRUE(s.add(i * 10, i * 10 + 5));
    RangeSet copy = s;
    EXPECT_FALSE(s.add(10000, 10001));
    EXPECT_FALSE(s.subtract(1, 2)); // a split needs one more slot
    EXPECT_EQ(as_vector(s), as_vector(copy));
    EXPECT_TRUE(s.subtract(0, 5));   // removing a whole range is always possible
    EXPECT_TRUE(s.subtract(12, 15)); // so is a cut
    EXPECT_TRUE(s.add(10000, 10001));
    EXPECT_TRUE(s.add(0, 100000)); // merging everything
    EXPECT_EQ(s.count(), 1u);
}

// Random operations against a bitmap model over a small universe.
TEST(MemoryRanges, MatchesBitmapModel) {
    constexpr uint64_t kUniverse = 256;
    std::mt19937 rng(99);
    for (int round = 0; round < 50; round++) {
        RangeSet s;
        std::vector<bool> model(kUniverse);
        for (int op = 0; op < 60; op++) {
            uint64_t a = rng() % (kUniverse + 1), b = rng() % (kUniverse + 1);
            if (a > b)
                std::swap(a, b);
            bool add = rng() % 3 != 0;
            ASSERT_TRUE(add ? s.add(a, b) : s.subtract(a, b));
            for (uint64_t x = a; x < b; x++)
                model[x] = add;
            // Rebuild maximal runs from the model and compare.
            V expect;
            for (uint64_t x = 0; x < kUniverse; x++) {
                if (!model[x])
                    continue;
                if (!expect.empty() && expect.back().second == x)
                    expect.back().second = x + 1;
                else
                    expect.push_back({x, x + 1});
            }
            ASSERT_EQ(as_vector(s), expect) << "round " << round << " op " << op;
        }
    }
}

} // namespace
