#include "common/memory/log_dirty.h"

#include <gtest/gtest.h>

#include <vector>

using memory::LogDirty;

TEST(LogDirty, MarksCountOnceAndOutOfRangeFails) {
    std::vector<uint64_t> words(LogDirty::words_for(130));
    LogDirty ld(words.data(), 130);
    ld.mark(0);
    ld.mark(129);
    ld.mark(129);
    ld.mark(130); // beyond the bitmap
    EXPECT_EQ(ld.dirty_count(), 2u);
    EXPECT_EQ(ld.failures(), 1u);
    EXPECT_TRUE(ld.test(0));
    EXPECT_TRUE(ld.test(129));
    EXPECT_FALSE(ld.test(1));
    EXPECT_FALSE(ld.test(130));
}

TEST(LogDirty, PeekKeepsCleanClearsAndRestore) {
    std::vector<uint64_t> words(LogDirty::words_for(128));
    LogDirty ld(words.data(), 128);
    ld.mark(3);
    ld.mark(64 + 5);
    uint64_t out[4] = {9, 9, 9, 9};
    EXPECT_EQ(ld.take(0, out, 4, false), 2u);
    EXPECT_EQ(out[0], 1u << 3);
    EXPECT_EQ(out[1], 1u << 5);
    EXPECT_EQ(out[2], 0u); // past the bitmap: zeros
    EXPECT_EQ(out[3], 0u);
    EXPECT_TRUE(ld.test(3));
    ld.take(0, out, 2, true);
    EXPECT_FALSE(ld.test(3));
    EXPECT_FALSE(ld.test(69));
    ld.restore(0, out, 2); // a failed copy-out puts them back
    EXPECT_TRUE(ld.test(3));
    EXPECT_TRUE(ld.test(69));
    ld.reset_counts();
    EXPECT_EQ(ld.dirty_count(), 0u);
    ld.mark(3); // still dirty: not counted again
    EXPECT_EQ(ld.dirty_count(), 0u);
}

TEST(LogDirty, TakeFarBeyondTheBitmapIsZeros) {
    std::vector<uint64_t> words(1);
    LogDirty ld(words.data(), 64);
    ld.mark(1);
    uint64_t out[2] = {1, 1};
    EXPECT_EQ(ld.take(~uint64_t(0), out, 2, true), 0u); // wraps: never inside
    EXPECT_EQ(out[0], 0u);
    EXPECT_EQ(out[1], 0u);
    EXPECT_TRUE(ld.test(1));
}
