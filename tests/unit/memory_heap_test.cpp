#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <vector>

#include "arch/layout.h"
#include "common/memory/heap.h"
#include "host_support.h"

using memory::Heap;
using memory::PageSource;

namespace {

// Page blocks from the C library, with a tag word per page and an optional budget.
struct HostPages {
    static inline std::map<uintptr_t, uint32_t> tags;
    static inline std::map<uintptr_t, unsigned> blocks;
    static inline uint64_t budget = ~0ull; // pages still available
    static inline uint64_t outstanding = 0;

    static void *alloc(unsigned order) {
        uint64_t pages = 1ull << order;
        if (pages > budget)
            return nullptr;
        size_t bytes = size_t{PAGE_SIZE} << order;
        void *p = std::aligned_alloc(bytes, bytes);
        if (!p)
            return nullptr;
        budget -= pages;
        outstanding += pages;
        auto base = reinterpret_cast<uintptr_t>(p);
        blocks[base] = order;
        for (uint64_t i = 0; i < pages; i++)
            tags[base + i * PAGE_SIZE] = 0;
        return p;
    }
    static void free(void *p, unsigned order) {
        auto base = reinterpret_cast<uintptr_t>(p);
        auto it = blocks.find(base);
        ASSERT_TRUE(it != blocks.end()) << "source: freeing unknown block";
        ASSERT_EQ(it->second, order) << "source: wrong order";
        blocks.erase(it);
        for (uint64_t i = 0; i < (1ull << order); i++)
            tags.erase(base + i * PAGE_SIZE);
        budget += 1ull << order;
        outstanding -= 1ull << order;
        std::free(p);
    }
    static uint32_t *tag(const void *page) {
        auto it = tags.find(reinterpret_cast<uintptr_t>(page));
        return it == tags.end() ? nullptr : &it->second;
    }
};
constexpr PageSource kHostSource = {&HostPages::alloc, &HostPages::free, &HostPages::tag};

class MemoryHeap : public ::testing::Test {
  protected:
    void SetUp() override {
        HostPages::budget = ~0ull;
        memory::heap().init(&kHostSource);
    }
    void TearDown() override {
        memory::heap().trim();
        EXPECT_EQ(memory::heap().pages_held(), 0u);
        EXPECT_EQ(memory::heap().live_objects(), 0u);
        EXPECT_EQ(HostPages::outstanding, 0u);
        memory::heap().init(nullptr);
    }
    static bool aligned(const void *p, size_t a) { return reinterpret_cast<uintptr_t>(p) % a == 0; }
};

TEST_F(MemoryHeap, NullIsANoOp) {
    xfree(nullptr);
    xdelete(static_cast<int *>(nullptr));
}

TEST_F(MemoryHeap, SmallSizesAreClassAligned) {
    for (size_t size : {1, 15, 16, 17, 31, 32, 33, 100, 128, 129, 500, 1000, 1024, 1025, 2048}) {
        void *p = xmalloc(size);
        ASSERT_NE(p, nullptr) << size;
        size_t cls = 16;
        while (cls < size)
            cls <<= 1;
        EXPECT_TRUE(aligned(p, cls)) << size;
        memset(p, 0x5A, size);
        xfree(p);
    }
}

TEST_F(MemoryHeap, ZeroSizeGivesAUniqueObject) {
    void *a = xmalloc(0);
    void *b = xmalloc(0);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(a, b);
    xfree(a);
    xfree(b);
}

TEST_F(MemoryHeap, FreedMemoryIsReused) {
    void *a = xmalloc(64);
    xfree(a);
    void *b = xmalloc(64);
    EXPECT_EQ(a, b);
    xfree(b);
    uint64_t held = memory::heap().pages_held();
    for (int i = 0; i < 1000; i++)
        xfree(xmalloc(64));
    EXPECT_EQ(memory::heap().pages_held(), held);
}

TEST_F(MemoryHeap, AlignmentUpToAndBeyondAPage) {
    for (size_t align = 1; align <= 65536; align <<= 1) {
        for (size_t size : {size_t{1}, size_t{24}, size_t{100}, size_t{3000}, align}) {
            void *p = xmalloc(size, align);
            ASSERT_NE(p, nullptr) << size << "/" << align;
            EXPECT_TRUE(aligned(p, align)) << size << "/" << align;
            memset(p, 1, size);
            xfree(p);
        }
    }
    EXPECT_THROW(xmalloc(16, 24), HostPanic); // not a power of two
    EXPECT_THROW(xmalloc(16, 0), HostPanic);
}

TEST_F(MemoryHeap, WholePageSizesComeFromBlocksOfTheirOrder) {
    // The GDT case: 64 KiB, aligned to 64 KiB.
    void *gdt = xmalloc(16 * PAGE_SIZE, PAGE_SIZE);
    ASSERT_NE(gdt, nullptr);
    EXPECT_TRUE(aligned(gdt, 16 * PAGE_SIZE));
    EXPECT_EQ(memory::heap().pages_held(), 16u);
    void *page = xmalloc(PAGE_SIZE);
    EXPECT_TRUE(aligned(page, PAGE_SIZE));
    EXPECT_EQ(memory::heap().pages_held(), 17u);
    void *odd = xmalloc(5 * PAGE_SIZE); // rounds up to 8 pages
    EXPECT_EQ(memory::heap().pages_held(), 25u);
    memset(odd, 0, 5 * PAGE_SIZE);
    void *just_over = xmalloc(2049); // one page
    EXPECT_EQ(memory::heap().pages_held(), 26u);
    xfree(gdt);
    xfree(page);
    xfree(odd);
    xfree(just_over);
    EXPECT_EQ(memory::heap().pages_held(), 0u);
}

TEST_F(MemoryHeap, ImpossibleSizesFail) {
    EXPECT_EQ(xmalloc(~size_t{0}), nullptr);
    EXPECT_EQ(xmalloc(size_t{1} << 40), nullptr);
    EXPECT_EQ(xmalloc(16, size_t{1} << 40), nullptr);
    EXPECT_EQ(memory::heap().pages_held(), 0u);
}

TEST_F(MemoryHeap, ExhaustedSourceGivesNull) {
    HostPages::budget = 3;
    std::vector<void *> objs;
    while (void *p = xmalloc(512))
        objs.push_back(p);
    EXPECT_EQ(objs.size(), 3u * 7u); // seven 512-byte objects per page
    EXPECT_EQ(xmalloc(4 * PAGE_SIZE), nullptr);
    for (void *p : objs)
        xfree(p);
    void *after = xmalloc(16); // pages came back
    EXPECT_NE(after, nullptr);
    xfree(after);
}

TEST_F(MemoryHeap, XzallocZeroes) {
    for (size_t size : {size_t{40}, size_t{2000}, size_t{3 * PAGE_SIZE}}) {
        void *a = xmalloc(size);
        memset(a, 0xFF, size);
        xfree(a);
        auto *z = static_cast<unsigned char *>(xzalloc(size));
        ASSERT_NE(z, nullptr);
        for (size_t i = 0; i < size; i++)
            ASSERT_EQ(z[i], 0) << size << " at " << i;
        xfree(z);
    }
}

TEST_F(MemoryHeap, MisuseIsCaught) {
    int on_stack = 0;
    EXPECT_THROW(xfree(&on_stack), HostPanic);
    void *libc = std::malloc(64);
    EXPECT_THROW(xfree(libc), HostPanic);
    std::free(libc);

    auto *small = static_cast<char *>(xmalloc(64));
    auto *keep = xmalloc(64);                   // keeps the slab alive after `small` is freed
    EXPECT_THROW(xfree(small + 8), HostPanic);  // inside an object
    EXPECT_THROW(xfree(small - 16), HostPanic); // the slab header (first object)
    xfree(small);
    EXPECT_THROW(xfree(small), HostPanic); // double free
    auto *large = static_cast<char *>(xmalloc(3 * PAGE_SIZE));
    EXPECT_THROW(xfree(large + PAGE_SIZE), HostPanic);
    EXPECT_THROW(xfree(large + 16), HostPanic);
    xfree(large);
    EXPECT_THROW(xfree(large), HostPanic); // double free
    // The heap still works.
    void *again = xmalloc(64);
    EXPECT_EQ(again, small);
    xfree(again);
    xfree(keep);
}

TEST_F(MemoryHeap, WriteAfterFreeIsCaughtOnReuse) {
    auto *a = static_cast<uint64_t *>(xmalloc(32));
    void *keep = xmalloc(32);
    xfree(a);
    uint64_t saved = a[1];
    a[1] = 0x1234; // the canary
    EXPECT_THROW(xmalloc(32), HostPanic);
    a[1] = saved;
    EXPECT_EQ(xmalloc(32), a);
    xfree(a);
    xfree(keep);
}

struct Tracked {
    static inline int live = 0;
    int value;
    explicit Tracked(int v) : value(v) { live++; }
    ~Tracked() { live--; }
};
struct alignas(256) Wide {
    char bytes[300];
};

TEST_F(MemoryHeap, XnewConstructsAndXdeleteDestroys) {
    Tracked *t = xnew<Tracked>(42);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->value, 42);
    EXPECT_EQ(Tracked::live, 1);
    xdelete(t);
    EXPECT_EQ(Tracked::live, 0);
    Wide *w = xnew<Wide>();
    ASSERT_NE(w, nullptr);
    EXPECT_TRUE(aligned(w, 256));
    const Wide *cw = w;
    xdelete(cw);
}

// Random sizes and alignments; each live object is filled with its own byte, which must
// survive until it is freed (overlapping objects would clobber each other).
TEST_F(MemoryHeap, RandomStress) {
    std::mt19937_64 rng(2024);
    struct Live {
        unsigned char *p;
        size_t size;
        unsigned char fill;
    };
    std::vector<Live> live;
    for (int step = 0; step < 20000; step++) {
        if (live.empty() || rng() % 100 < 55) {
            size_t size = rng() % 8 == 0 ? rng() % (5 * PAGE_SIZE) : rng() % 600;
            size_t align = size_t{1} << (rng() % 8 == 0 ? rng() % 13 : 4);
            auto *p = static_cast<unsigned char *>(xmalloc(size, align));
            ASSERT_NE(p, nullptr);
            ASSERT_TRUE(aligned(p, align));
            auto fill = static_cast<unsigned char>(rng());
            memset(p, fill, size);
            live.push_back({p, size, fill});
        } else {
            size_t idx = rng() % live.size();
            Live l = live[idx];
            live[idx] = live.back();
            live.pop_back();
            for (size_t i = 0; i < l.size; i++)
                ASSERT_EQ(l.p[i], l.fill) << "object " << static_cast<void *>(l.p) << " byte " << i;
            xfree(l.p);
        }
    }
    EXPECT_EQ(memory::heap().live_objects(), live.size());
    for (const Live &l : live)
        xfree(l.p);
}

TEST(MemoryHeapUninitialised, AllocFailsAndFreePanics) {
    Heap h;
    EXPECT_EQ(h.alloc(16, 16), nullptr);
    int x;
    EXPECT_THROW(h.free(&x), HostPanic);
}

} // namespace
