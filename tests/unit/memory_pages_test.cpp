// The hypervisor's page helpers over the global frame table and allocator. Host tests
// never dereference the direct-map addresses they return.
#include <gtest/gtest.h>

#include <vector>

#include "arch/layout.h"
#include "common/memory/buddy.h"
#include "common/memory/pages.h"
#include "host_support.h"

namespace {

class MemoryPages : public ::testing::Test {
  protected:
    static constexpr uint64_t kFrames = 2048;
    void SetUp() override {
        storage_.resize(kFrames);
        memory::frame_table().init(storage_.data(), kFrames);
        memory::buddy().init(&memory::frame_table());
        memory::buddy().add_free_range(1, kFrames - 1);
    }
    void TearDown() override {
        EXPECT_EQ(memory::buddy().free_pages(), kFrames - 1);
        memory::buddy().init(nullptr);
        memory::frame_table().init(nullptr, 0);
    }
    static uint64_t mfn_of(const void *va) { return arch::virt_to_phys(va) >> PAGE_SHIFT; }
    std::vector<memory::PageInfo> storage_;
};

TEST_F(MemoryPages, BlocksAreDirectMappedAndOwnedByXen) {
    void *p = memory::alloc_pages(3);
    ASSERT_NE(p, nullptr);
    auto va = reinterpret_cast<uint64_t>(p);
    EXPECT_GE(va, DIRECTMAP_BASE);
    EXPECT_EQ(va % (8 * PAGE_SIZE), 0u);
    uint64_t mfn = mfn_of(p);
    for (uint64_t i = 0; i < 8; i++) {
        EXPECT_EQ(memory::frame_table().page(mfn + i)->owner, memory::kDomIdXen);
        EXPECT_EQ(memory::frame_table().page(mfn + i)->state, memory::FrameState::allocated);
    }
    memory::free_pages(p, 3);
    EXPECT_EQ(memory::frame_table().page(mfn)->owner, memory::kDomIdInvalid);
    memory::free_pages(nullptr, 0);
}

TEST_F(MemoryPages, LimitIsPassedToTheAllocator) {
    void *low = memory::alloc_pages(0, 0x100);
    ASSERT_NE(low, nullptr);
    EXPECT_LT(mfn_of(low), 0x100u);
    EXPECT_NE(mfn_of(low), 0u); // frame 0 was never added
    memory::free_pages(low, 0);
}

TEST_F(MemoryPages, FreeingWhatIsNotAHypervisorPagePanics) {
    int local = 0;
    EXPECT_THROW(memory::free_pages(&local, 0), HostPanic);
    EXPECT_THROW(memory::free_pages(arch::phys_to_virt(0), 0), HostPanic);             // reserved
    EXPECT_THROW(memory::free_pages(arch::phys_to_virt(5 * PAGE_SIZE), 0), HostPanic); // free
    void *p = memory::alloc_pages(1);
    ASSERT_NE(p, nullptr);
    EXPECT_THROW(memory::free_pages(static_cast<char *>(p) + 8, 1), HostPanic);
    EXPECT_THROW(memory::free_pages(p, 0), HostPanic);
    // A frame handed to a guest is no longer the hypervisor's to free this way.
    memory::frame_table().page(mfn_of(p))->owner = 1;
    EXPECT_THROW(memory::free_pages(p, 1), HostPanic);
    memory::frame_table().page(mfn_of(p))->owner = memory::kDomIdXen;
    memory::free_pages(p, 1);
    EXPECT_THROW(memory::free_pages(p, 1), HostPanic);
}

TEST_F(MemoryPages, HeapSourceTagsLiveInPageInfo) {
    const memory::PageSource &src = memory::hypervisor_page_source();
    void *p = src.alloc(1);
    ASSERT_NE(p, nullptr);
    uint32_t *t0 = src.tag(p);
    uint32_t *t1 = src.tag(static_cast<char *>(p) + PAGE_SIZE);
    ASSERT_NE(t0, nullptr);
    ASSERT_NE(t1, nullptr);
    EXPECT_EQ(*t0, 0u);
    EXPECT_EQ(t0, &memory::frame_table().page(mfn_of(p))->aux);
    EXPECT_EQ(src.tag(static_cast<char *>(p) + 16), nullptr); // not a page address
    int local = 0;
    EXPECT_EQ(src.tag(&local), nullptr);
    *t0 = 0x1234;
    src.free(p, 1);
    EXPECT_EQ(src.tag(p), nullptr);
    EXPECT_EQ(memory::frame_table().page(mfn_of(p))->aux, 0u); // reset by the allocator
}

TEST_F(MemoryPages, ExhaustionGivesNull) {
    std::vector<void *> all;
    while (void *p = memory::alloc_pages(4))
        all.push_back(p);
    EXPECT_EQ(memory::alloc_pages(4), nullptr);
    for (void *p : all)
        memory::free_pages(p, 4);
}

} // namespace
