#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/layout.h"
#include "common/console.h"
#include "common/memory/boot_memory.h"

using memory::BootMemoryInput;
using memory::BootMemoryLayout;
using memory::BuddyAllocator;
using memory::FrameState;
using memory::FrameTable;
using memory::MemRange;
using memory::PageInfo;

namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;

std::string g_log;
void capture(const char *text, size_t len) {
    g_log.append(text, len);
}

// Host storage standing in for the frame table's physical home.
uint64_t g_table_phys;
PageInfo *g_table_storage;
void *map_table(uint64_t phys) {
    return phys == g_table_phys ? g_table_storage : nullptr;
}

struct Machine {
    std::vector<MemRange> usable;
    std::vector<MemRange> reserved;
    BootMemoryInput input() const {
        return {usable.data(), usable.size(), reserved.data(), reserved.size()};
    }
};

// Builds memory for a machine, as the hypervisor would, into host memory.
struct Booted {
    explicit Booted(const Machine &m) {
        static bool sink_added = false;
        if (!sink_added) {
            console::add_sink(capture);
            sink_added = true;
        }
        g_log.clear();
        BootMemoryLayout plan{};
        error = memory::plan_memory(m.input(), &plan);
        if (error)
            return;
        storage.resize(plan.frame_count);
        g_table_phys = plan.table_phys;
        g_table_storage = storage.data();
        error = memory::setup_memory(m.input(), map_table, &frames, &alloc, &layout);
        EXPECT_EQ(layout.table_phys, plan.table_phys);
        EXPECT_EQ(layout.frame_count, plan.frame_count);
    }
    std::vector<PageInfo> storage;
    FrameTable frames;
    BuddyAllocator alloc;
    BootMemoryLayout layout{};
    const char *error = nullptr;
};

// Whether a frame should be free: wholly inside usable RAM, touching no reserved byte,
// above the first MiB and not the frame table.
bool should_be_free(const Machine &m, const BootMemoryLayout &l, uint64_t mfn) {
    uint64_t s = mfn * PAGE_SIZE, e = s + PAGE_SIZE;
    if (mfn < 0x100 || (s < l.table_phys + l.table_bytes && l.table_phys < e))
        return false;
    bool in_ram = false;
    for (const MemRange &r : m.usable)
        in_ram |= r.start <= s && e <= r.end;
    // Adjacent usable ranges together may cover a page neither covers alone.
    if (!in_ram) {
        for (const MemRange &a : m.usable)
            for (const MemRange &b : m.usable)
                in_ram |= a.start <= s && a.end >= b.start && b.start <= a.end && e <= b.end;
    }
    for (const MemRange &r : m.reserved)
        if (r.start < e && s < r.end)
            return false;
    return in_ram;
}

void expect_frames_match(const Machine &m, const Booted &b) {
    uint64_t free = 0;
    for (uint64_t f = 0; f < b.layout.frame_count; f++) {
        bool want = should_be_free(m, b.layout, f);
        free += want;
        ASSERT_EQ(b.frames.page(f)->state, want ? FrameState::free : FrameState::reserved)
            << "frame " << std::hex << f;
    }
    EXPECT_EQ(b.alloc.free_pages(), free);
    EXPECT_EQ(b.alloc.total_pages(), free);
    EXPECT_EQ(b.layout.free_pages, free);
}

// QEMU's map for 128 MiB, with an image and a module.
Machine qemu_128m() {
    Machine m;
    m.usable = {{0, 0x9fc00}, {0x100000, 0x7fe0000}};
    m.reserved = {{0, kMiB}, {0x200000, 0x3a5123}, {0x1000000, 0x1800000}};
    return m;
}

TEST(MemoryBoot, PlansTheFrameTableAtTheTopOfRam) {
    Machine m = qemu_128m();
    BootMemoryLayout l{};
    ASSERT_EQ(memory::plan_memory(m.input(), &l), nullptr);
    EXPECT_EQ(l.frame_count, 0x7fe0u);
    EXPECT_EQ(l.table_bytes, 0x100000u); // 0x7fe0 * 32 bytes, rounded to pages
    EXPECT_EQ(l.table_phys, 0x7fe0000u - 0x100000u);
    EXPECT_EQ(l.usable_bytes, 0x9f000u + 0x7ee0000u);
}

TEST(MemoryBoot, FreesExactlyTheUnreservedFrames) {
    Machine m = qemu_128m();
    Booted b(m);
    ASSERT_EQ(b.error, nullptr) << b.error;
    expect_frames_match(m, b);
    EXPECT_EQ(b.frames.page(0x3a5)->state, FrameState::reserved); // partial image page
    EXPECT_EQ(b.frames.page(0x3a6)->state, FrameState::free);
    EXPECT_NE(g_log.find("memory: RAM 0x000000000000-0x00000009efff (636 KiB)"), std::string::npos)
        << g_log;
    EXPECT_NE(g_log.find("memory: 127 MiB usable, frame table 1024 KiB at 0x7ee0000, 116 MiB free"),
              std::string::npos)
        << g_log;
}

TEST(MemoryBoot, BlocksAreMaximalAndCoalesceBack) {
    Machine m = qemu_128m();
    Booted b(m);
    ASSERT_EQ(b.error, nullptr);
    // [0x1800000, 0x7ee0000) holds 32 MiB blocks at 0x2000000 and 0x4000000, no bigger.
    EXPECT_EQ(b.alloc.free_blocks(13), 2u);
    EXPECT_EQ(b.alloc.free_blocks(14), 0u);
    std::vector<unsigned> before;
    for (unsigned k = 0; k <= BuddyAllocator::kMaxOrder; k++)
        before.push_back(static_cast<unsigned>(b.alloc.free_blocks(k)));
    std::vector<PageInfo *> all;
    while (PageInfo *pg = b.alloc.alloc(0))
        all.push_back(pg);
    EXPECT_EQ(all.size(), b.layout.free_pages);
    for (PageInfo *pg : all)
        b.alloc.free(pg, 0);
    for (unsigned k = 0; k <= BuddyAllocator::kMaxOrder; k++)
        EXPECT_EQ(b.alloc.free_blocks(k), before[k]) << k;
}

TEST(MemoryBoot, RaggedUnsortedOverlappingInput) {
    Machine m;
    m.usable = {{0x500000, 0x900800}, {0x101234, 0x105000}, {0x400000, 0x600000}, {0x900800, 0xa00000}};
    m.reserved = {{0x450800, 0x450900}, {0x104000, 0x104001}, {0x8ff000, 0x8ff000}};
    Booted b(m);
    ASSERT_EQ(b.error, nullptr) << b.error;
    EXPECT_EQ(b.layout.frame_count, 0xa00u);
    EXPECT_EQ(b.layout.table_bytes, 0x14000u);
    EXPECT_EQ(b.layout.table_phys, 0xa00000u - 0x14000u);
    expect_frames_match(m, b);
    EXPECT_EQ(b.frames.page(0x101)->state, FrameState::reserved); // ragged start
    EXPECT_EQ(b.frames.page(0x102)->state, FrameState::free);
    EXPECT_EQ(b.frames.page(0x104)->state, FrameState::reserved);
    EXPECT_EQ(b.frames.page(0x450)->state, FrameState::reserved);
    EXPECT_EQ(b.frames.page(0x900)->state, FrameState::free); // joined ranges
}

// As on Xen: the first MiB and every frame that is not RAM belong to DOMID_IO, so that
// the initial domain may map them (BIOS, DMI, ACPI); RAM above it, reserved or not, does not.
TEST(MemoryBoot, FirstMebibyteAndHolesAreIoMemory) {
    Machine m = qemu_128m();
    m.usable.push_back({0x8000000 + 0x1800, 0xa000000}); // a hole, then a ragged range
    Booted b(m);
    ASSERT_EQ(b.error, nullptr) << b.error;
    expect_frames_match(m, b);
    auto io = [&](uint64_t mfn) {
        const PageInfo *pg = b.frames.page(mfn);
        return pg->owner == memory::kDomIdIo && pg->count_info == (memory::kCountAllocated | 1);
    };
    for (uint64_t f : {0x0ul, 0x9eul, 0x9ful, 0xf0ul, 0xfful, 0x7fe0ul, 0x7ffful, 0x8000ul, 0x8001ul})
        EXPECT_TRUE(io(f)) << std::hex << f;
    for (uint64_t f : {0x100ul, 0x200ul, 0x1000ul, 0x7fdful, 0x8002ul, 0x9ffful})
        EXPECT_FALSE(io(f)) << std::hex << f;
    EXPECT_EQ(b.frames.page(0x50)->state, FrameState::reserved); // never allocatable
}

TEST(MemoryBoot, TableAvoidsReservedMemory) {
    Machine m;
    m.usable = {{0, 64 * kMiB}};
    m.reserved = {{60 * kMiB, 64 * kMiB}, {30 * kMiB, 59 * kMiB + 600 * 1024 + 1}};
    BootMemoryLayout l{};
    ASSERT_EQ(memory::plan_memory(m.input(), &l), nullptr);
    EXPECT_EQ(l.table_bytes, 512u * 1024);
    EXPECT_EQ(l.table_phys, 30 * kMiB - 512 * 1024); // the gap above 59 MiB is too small
    Booted b(m);
    ASSERT_EQ(b.error, nullptr);
    expect_frames_match(m, b);
}

TEST(MemoryBoot, RamAboveFourGigabytes) {
    Machine m;
    m.usable = {{0, 0x9f000}, {kMiB, 3 * kGiB}, {4 * kGiB, 5 * kGiB}};
    m.reserved = {{0, kMiB}, {0x200000, 0x400000}};
    Booted b(m);
    ASSERT_EQ(b.error, nullptr);
    EXPECT_EQ(b.layout.frame_count, 5 * kGiB / PAGE_SIZE);
    EXPECT_EQ(b.layout.table_phys, 5 * kGiB - b.layout.table_bytes);
    EXPECT_EQ(b.layout.free_pages, (3 * kGiB - 3 * kMiB + kGiB - b.layout.table_bytes) / PAGE_SIZE);
    // Nothing in the 3-4 GiB hole is free, and ordinary allocations come from above 4 GiB.
    EXPECT_EQ(b.frames.page(3 * kGiB / PAGE_SIZE)->state, FrameState::reserved);
    PageInfo *pg = b.alloc.alloc(0);
    ASSERT_NE(pg, nullptr);
    EXPECT_GE(b.frames.mfn(pg), 4 * kGiB / PAGE_SIZE);
    PageInfo *low = b.alloc.alloc(0, 4 * kGiB / PAGE_SIZE);
    ASSERT_NE(low, nullptr);
    EXPECT_LT(b.frames.mfn(low), 4 * kGiB / PAGE_SIZE);
}

TEST(MemoryBoot, FailuresAreReported) {
    BootMemoryLayout l{};
    Machine none;
    EXPECT_STREQ(memory::plan_memory(none.input(), &l), "no usable RAM");
    Machine tiny;
    tiny.usable = {{0x800, 0xfff}};
    EXPECT_STREQ(memory::plan_memory(tiny.input(), &l), "no usable RAM");
    // A little low RAM and one page far up: the table would need 8 MiB.
    Machine sparse;
    sparse.usable = {{0x1000, 0x3000}, {kGiB, kGiB + PAGE_SIZE}};
    EXPECT_STREQ(memory::plan_memory(sparse.input(), &l), "no room for the frame table");
    Machine fragmented;
    for (uint64_t i = 0; i < 200; i++)
        fragmented.usable.push_back({i * 2 * PAGE_SIZE, i * 2 * PAGE_SIZE + PAGE_SIZE});
    EXPECT_STREQ(memory::plan_memory(fragmented.input(), &l), "too many usable RAM ranges");
    Machine holes = qemu_128m();
    for (uint64_t i = 0; i < 200; i++)
        holes.reserved.push_back(
            {0x2000000 + i * 2 * PAGE_SIZE, 0x2000000 + i * 2 * PAGE_SIZE + 1});
    EXPECT_STREQ(memory::plan_memory(holes.input(), &l), "too many reserved ranges");
    // Mapping failure.
    Machine m = qemu_128m();
    FrameTable frames;
    BuddyAllocator alloc;
    EXPECT_STREQ(memory::setup_memory(
                     m.input(), [](uint64_t) -> void * { return nullptr; }, &frames, &alloc, &l),
                 "cannot map the frame table");
}

TEST(MemoryBoot, RamBeyondSixteenTerabytesIsIgnored) {
    Machine m;
    m.usable = {{0, 64 * kMiB}, {memory::kMaxFrames << PAGE_SHIFT, ~0ull}};
    BootMemoryLayout l{};
    ASSERT_EQ(memory::plan_memory(m.input(), &l), nullptr);
    EXPECT_EQ(l.frame_count, 64 * kMiB / PAGE_SIZE);
}

// 16 GiB, as the QEMU boot scenarios use: four million frames, one pass each.
TEST(MemoryBoot, SixteenGigabytes) {
    Machine m;
    m.usable = {{0, 0x9fc00}, {kMiB, 3 * kGiB}, {4 * kGiB, 17 * kGiB}};
    m.reserved = {{0, kMiB}, {0x200000, 0x600000}, {0x1000000, 0x5000000}};
    Booted b(m);
    ASSERT_EQ(b.error, nullptr);
    EXPECT_EQ(b.layout.frame_count, 17 * kGiB / PAGE_SIZE);
    EXPECT_EQ(b.layout.table_bytes, 17 * kGiB / PAGE_SIZE * sizeof(PageInfo));
    // [4, 8), [8, 12) and [12, 16) GiB; the table sits at the top of the last GiB.
    EXPECT_EQ(b.alloc.free_blocks(BuddyAllocator::kMaxOrder), 3u);
    EXPECT_EQ(b.alloc.free_pages(),
              (16 * kGiB - 0x5000000 + 0x1000000 - 0x400000 - b.layout.table_bytes) / PAGE_SIZE -
                  kMiB / PAGE_SIZE);
}

} // namespace
