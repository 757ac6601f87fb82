// common/memory/machine_map: Xen 4.17's XENMEM_machine_memory_map over a q35-like E820.
#include <gtest/gtest.h>

#include <vector>

#include "common/memory/machine_map.h"
#include "public/errno.h"

namespace {

using memory::E820Entry;
using memory::FrameRange;

const E820Entry kE820[] = {
    {0, 0x9fc00, 1},           {0x9fc00, 0x400, 2},           {0xf0000, 0x10000, 2},
    {0x100000, 0x1fedf000, 1}, {0xb0000000, 0x10000000, 2},   {0xfed1c000, 0x4000, 2},
    {0xfffc0000, 0x40000, 2},  {0xfd00000000, 0x300000000, 2}};
const FrameRange kDenied[] = {{0xfec00, 0xfec00}, {0xfee00, 0xfeeff}};
constexpr uint64_t kLimit = 1ull << (40 - 12);

bool store(void* ctx, size_t n, const E820Entry& e) {
    auto* v = static_cast<std::vector<E820Entry>*>(ctx);
    if (v->size() <= n)
        v->resize(n + 1);
    (*v)[n] = e;
    return true;
}

TEST(MachineMap, ReservesDeniedFramesInGaps) {
    std::vector<E820Entry> out;
    long n = memory::machine_memory_map(kE820, 8, kDenied, 2, kLimit, {store, &out, 128});
    ASSERT_EQ(n, 10);
    EXPECT_EQ(out[5].addr, 0xfec00000u);
    EXPECT_EQ(out[5].size, 0x1000u);
    EXPECT_EQ(out[5].type, 2u);
    EXPECT_EQ(out[6].addr, 0xfed1c000u);
    EXPECT_EQ(out[7].addr, 0xfee00000u);
    EXPECT_EQ(out[7].size, 0x100000u);
    EXPECT_EQ(out[9].addr, 0xfd00000000u);
}

TEST(MachineMap, CountsWithoutBufferAndRefusesSmallOnes) {
    std::vector<E820Entry> out;
    EXPECT_EQ(memory::machine_memory_map(kE820, 8, kDenied, 2, kLimit, {store, &out, 0}), 10);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(memory::machine_memory_map(kE820, 8, kDenied, 2, kLimit, {store, &out, 8}),
              -xen::XEN_EINVAL);
    EXPECT_EQ(memory::machine_memory_map(kE820, 8, kDenied, 2, kLimit, {store, &out, 10}),
              -xen::XEN_EINVAL); // Xen wants a spare entry
    EXPECT_EQ(memory::machine_memory_map(kE820, 8, kDenied, 2, kLimit, {store, &out, 11}), 10);
}

TEST(MachineMap, DeniedRunsNotFollowedByMappableFramesAreLeftOut) {
    // Nothing dom0 may map after the denied page up to the limit: no entry for it.
    const E820Entry e820[] = {{0, 0x100000, 1}};
    const FrameRange denied[] = {{0x200, 0x2ff}};
    std::vector<E820Entry> out;
    EXPECT_EQ(memory::machine_memory_map(e820, 1, denied, 1, 0x300, {store, &out, 8}), 1);
    EXPECT_EQ(memory::machine_memory_map(e820, 1, denied, 1, 0x400, {store, &out, 8}), 2);
    EXPECT_EQ(out[1].addr, 0x200000u);
    EXPECT_EQ(out[1].size, 0x100000u);
}

} // namespace
