// The PV MMU's page-type rules (common/memory/page_type.cpp) over fake frames: validation
// of well-formed and malformed tables, the writable/page-table exclusion, pinning, entry
// updates, linear page tables, I/O frames, and reference accounting checked against an
// independent recount after random operation sequences.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <random>
#include <vector>

#include "arch/pv_pagetable.h"
#include "common/memory/page_type.h"
#include "host_support.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

using memory::DomId;
using memory::PageInfo;
using memory::PageType;
namespace pt = arch::pvpt;

constexpr uint64_t kFrames = 128;
constexpr DomId kPriv = 0; // privileged, with I/O rights
constexpr DomId kDomA = 1;
constexpr DomId kDomB = 2;
constexpr uint64_t kXenSlotMarker = 0xabcd000 | pt::kPresent;

constexpr int EINVAL_ = -xen::XEN_EINVAL;
constexpr int EBUSY_ = -xen::XEN_EBUSY;
constexpr int EPERM_ = -xen::XEN_EPERM;
constexpr int EACCES_ = -xen::XEN_EACCES;

std::vector<std::array<uint64_t, 512>>* g_mem;
unsigned g_flushes, g_slot_installs;
bool g_nx = true;

uint64_t* map_frame(uint64_t mfn) { return (*g_mem)[mfn].data(); }
void install_slots(uint64_t* l4, uint64_t) {
    g_slot_installs++;
    for (unsigned i = pt::kFirstXenSlot; i <= pt::kLastXenSlot; i++)
        l4[i] = kXenSlotMarker;
}
void flush(DomId) { g_flushes++; }
bool io_capable(DomId d) { return d == kPriv; }
bool iomem_permitted(DomId d, uint64_t mfn) { return d == kPriv && mfn < (1ull << 30); }
bool privileged(DomId d) { return d == kPriv; }

class PageType_ : public ::testing::Test {
  protected:
    void SetUp() override {
        mem_.assign(kFrames, {});
        g_mem = &mem_;
        pages_.assign(kFrames, PageInfo{});
        table_.init(pages_.data(), kFrames);
        g_flushes = g_slot_installs = 0;
        g_nx = true;
        Install();
        // Frames 1..79 belong to A, 80..99 to B, 100..109 to the privileged domain; the
        // rest are free (no allocation reference).
        for (uint64_t f = 1; f < 110; f++)
            Give(f, f < 80 ? kDomA : f < 100 ? kDomB : kPriv);
    }
    void TearDown() override { g_mem = nullptr; }

    void Install() {
        memory::PageTableEnv env{};
        env.frames = &table_;
        env.map = map_frame;
        env.install_xen_slots = install_slots;
        env.flush_tlbs = flush;
        env.io_capable = io_capable;
        env.iomem_permitted = iomem_permitted;
        env.privileged = privileged;
        env.nx = g_nx;
        memory::page_type_init(env);
    }
    void Give(uint64_t mfn, DomId d) {
        PageInfo* pg = table_.page(mfn);
        pg->owner = d;
        pg->count_info = memory::kCountAllocated | 1;
        pg->type_info = 0;
    }
    PageInfo* P(uint64_t mfn) { return table_.page(mfn); }
    uint64_t* T(uint64_t mfn) { return mem_[mfn].data(); }
    static uint64_t E(uint64_t mfn, uint64_t flags) { return (mfn << 12) | flags; }
    uint64_t Count(uint64_t mfn) { return memory::page_count(P(mfn)); }
    uint64_t TCount(uint64_t mfn) { return memory::type_count(P(mfn)); }
    PageType Type(uint64_t mfn) { return memory::type_of(P(mfn)->type_info); }
    bool Validated(uint64_t mfn) { return P(mfn)->type_info & memory::kTypeValidated; }

    // Every frame back to "allocated, untyped use": count 1 (or 0 when free), no type refs.
    void ExpectAllReleased() {
        for (uint64_t f = 0; f < kFrames; f++) {
            EXPECT_EQ(Count(f), (f >= 1 && f < 110) ? 1u : 0u) << "frame " << f;
            EXPECT_EQ(TCount(f), 0u) << "frame " << f;
            EXPECT_EQ(memory::linear_count(P(f)), 0) << "frame " << f;
            EXPECT_FALSE(P(f)->type_info & (memory::kTypePinned | memory::kTypeLocked))
                << "frame " << f;
        }
    }

    static constexpr uint64_t kRw = pt::kPresent | pt::kRw | pt::kUser | pt::kAccessed;
    static constexpr uint64_t kRo = pt::kPresent | pt::kUser | pt::kAccessed;

    // A's tree: L4 1 -> L3 2 -> L2 3 -> L1 4; the L1 maps data frames 10..19 writable at
    // slots 0..9, and the four tables read-only at slots 20..23.
    void BuildTree() {
        T(1)[0] = E(2, kRw);
        T(1)[300] = 0;
        T(2)[0] = E(3, kRw);
        T(3)[0] = E(4, kRw);
        for (unsigned i = 0; i < 10; i++)
            T(4)[i] = E(10 + i, kRw | pt::kDirty);
        for (unsigned i = 0; i < 4; i++)
            T(4)[20 + i] = E(1 + i, kRo);
    }

    std::vector<std::array<uint64_t, 512>> mem_;
    std::vector<PageInfo> pages_;
    memory::FrameTable table_;
};

TEST_F(PageType_, WellFormedTreeValidatesAndTakesEveryReference) {
    BuildTree();
    T(1)[270] = 0x1234; // a hypervisor slot: ignored, then overwritten
    ASSERT_EQ(memory::get_page_and_type(1, kDomA, PageType::l4), 0);
    for (uint64_t f = 1; f <= 4; f++) {
        EXPECT_EQ(Type(f), static_cast<PageType>(unsigned(PageType::l4) + 1 - f)) << f;
        EXPECT_TRUE(Validated(f)) << f;
        EXPECT_EQ(TCount(f), 1u) << f;
        // allocation + read-only mapping + the reference from above (or ours for the L4)
        EXPECT_EQ(Count(f), 3u) << f;
    }
    for (uint64_t f = 10; f < 20; f++) {
        EXPECT_EQ(Type(f), PageType::writable);
        EXPECT_EQ(TCount(f), 1u);
        EXPECT_EQ(Count(f), 2u);
    }
    EXPECT_EQ(g_slot_installs, 1u);
    EXPECT_EQ(T(1)[270], kXenSlotMarker);
    EXPECT_EQ(T(1)[256], kXenSlotMarker);
    // Xen's adjustments for a 64-bit PV guest: kernel leaves are marked, L4s accessed.
    EXPECT_EQ(T(4)[0], E(10, kRw | pt::kDirty | pt::kGlobal));
    memory::put_page_and_type(P(1));
    ExpectAllReleased();
}

TEST_F(PageType_, KernelMappingsGetUserAndGuestKernelBits) {
    T(4)[0] = E(10, pt::kPresent | pt::kRw);      // a kernel mapping (no U)
    T(4)[1] = E(11, pt::kPresent | pt::kUser);    // a user mapping
    T(3)[0] = E(4, pt::kPresent | pt::kRw);
    ASSERT_EQ(memory::pin_table(3, kDomA, PageType::l2), 0);
    EXPECT_EQ(T(4)[0], E(10, pt::kPresent | pt::kRw | pt::kUser | pt::kGuestKernel));
    EXPECT_EQ(T(4)[1], E(11, pt::kPresent | pt::kUser | pt::kGlobal));
    EXPECT_EQ(T(3)[0], E(4, pt::kPresent | pt::kRw | pt::kUser));
    T(2)[0] = E(3, pt::kPresent);
    T(1)[0] = E(2, pt::kPresent);
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    EXPECT_EQ(T(1)[0], E(2, pt::kPresent | pt::kUser | pt::kAccessed));
    EXPECT_EQ(T(2)[0], E(3, pt::kPresent | pt::kUser));
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    EXPECT_EQ(memory::unpin_table(3, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, RefusesAnotherDomainsFrame) {
    T(4)[0] = E(10, kRw);
    T(4)[1] = E(85, kRo); // B's
    EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l1), EBUSY_);
    T(4)[1] = E(85, kRw);
    EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l1), EBUSY_);
    // A table of B in an upper entry: not A's frame at all.
    T(3)[0] = E(85, kRw);
    EXPECT_EQ(memory::pin_table(3, kDomA, PageType::l2), EINVAL_);
    // Nor may A pin B's frames.
    EXPECT_EQ(memory::pin_table(85, kDomA, PageType::l1), EINVAL_);
    EXPECT_EQ(Type(4), PageType::none);
    ExpectAllReleased();
}

TEST_F(PageType_, RefusesFreeFramesAndUnknownOnes) {
    T(4)[0] = E(120, kRo); // in the frame table, but free
    EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l1), EBUSY_);
    T(4)[0] = E(1000, kRo); // outside RAM: I/O memory, which A has no right to
    EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l1), EPERM_);
    T(4)[0] = E(pt::kInvalidFrameField, kRo);
    EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l1), EINVAL_);
    EXPECT_EQ(memory::pin_table(120, kDomA, PageType::l1), EINVAL_);
    ExpectAllReleased();
}

TEST_F(PageType_, PrivilegedDomainMapsIoMemoryUncached) {
    T(100)[0] = E(5000, pt::kPresent | pt::kRw);                        // WB -> UC
    T(100)[1] = E(5001, pt::kPresent | pt::kRw | pt::kPwt);             // WT -> UC
    T(100)[2] = E(5002, pt::kPresent | pt::kRw | pt::kPat);             // WC stays
    T(100)[3] = E(5003, pt::kPresent | pt::kRw | pt::kPcd | pt::kPwt); // UC stays
    ASSERT_EQ(memory::pin_table(100, kPriv, PageType::l1), 0);
    uint64_t uc = pt::kPcd | pt::kPwt;
    EXPECT_EQ(T(100)[0] & pt::kCacheAttrs, uc);
    EXPECT_EQ(T(100)[1] & pt::kCacheAttrs, uc);
    EXPECT_EQ(T(100)[2] & pt::kCacheAttrs, pt::kPat);
    EXPECT_EQ(T(100)[3] & pt::kCacheAttrs, uc);
    EXPECT_EQ(memory::unpin_table(100, kPriv), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, RefusesWritableMappingOfAPageTable) {
    // The L1 mapping itself writable.
    T(4)[0] = E(4, kRw);
    EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l1), EBUSY_);
    EXPECT_EQ(Type(4), PageType::none);
    // Read-only is fine.
    T(4)[0] = E(4, kRo);
    ASSERT_EQ(memory::pin_table(4, kDomA, PageType::l1), 0);
    // Another L1 mapping the pinned one writable.
    T(5)[0] = E(4, kRw);
    EXPECT_EQ(memory::pin_table(5, kDomA, PageType::l1), EBUSY_);
    // Nor through an entry update.
    bool flush = false;
    EXPECT_EQ(memory::update_entry(4, 7, E(4, kRw), memory::EntryWrite::normal, kDomA, kDomA,
                                   &flush),
              EBUSY_);
    EXPECT_EQ(T(4)[7], 0u);
    EXPECT_EQ(memory::unpin_table(4, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, WritableFrameCannotBecomeATable) {
    ASSERT_EQ(memory::get_page_type(P(6), PageType::writable), 0);
    EXPECT_EQ(memory::pin_table(6, kDomA, PageType::l1), EINVAL_);
    EXPECT_EQ(memory::get_page_type(P(6), PageType::l2), EINVAL_);
    // Mapped writable by an L1 entry, the same.
    memory::put_page_type(P(6));
    T(4)[0] = E(6, kRw);
    ASSERT_EQ(memory::pin_table(4, kDomA, PageType::l1), 0);
    EXPECT_EQ(memory::pin_table(6, kDomA, PageType::l1), EINVAL_);
    // Once the mapping is gone, it can (and the type change flushes the TLBs).
    bool flush = false;
    ASSERT_EQ(memory::update_entry(4, 0, 0, memory::EntryWrite::normal, kDomA, kDomA, &flush), 0);
    unsigned flushes = g_flushes;
    EXPECT_EQ(memory::pin_table(6, kDomA, PageType::l1), 0);
    EXPECT_EQ(g_flushes, flushes + 1);
    EXPECT_EQ(memory::unpin_table(6, kDomA), 0);
    EXPECT_EQ(memory::unpin_table(4, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, TypeConfusionBetweenLevelsIsRefused) {
    T(3)[0] = E(4, kRw);
    ASSERT_EQ(memory::pin_table(3, kDomA, PageType::l2), 0);
    EXPECT_EQ(memory::pin_table(3, kDomA, PageType::l1), EINVAL_);
    EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l2), EINVAL_);
    // An L3 entry naming the L1 as an L2.
    T(2)[0] = E(4, kRw);
    EXPECT_EQ(memory::pin_table(2, kDomA, PageType::l3), EINVAL_);
    EXPECT_EQ(memory::unpin_table(3, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, RefusesSuperpagesAndReservedBits) {
    T(3)[0] = E(4, kRw | pt::kPse);
    EXPECT_EQ(memory::pin_table(3, kDomA, PageType::l2), EINVAL_);
    T(2)[5] = E(3, kRw | pt::kPse);
    EXPECT_EQ(memory::pin_table(2, kDomA, PageType::l3), EINVAL_);
    for (uint64_t bad : {pt::kPwt, pt::kPcd, pt::kGlobal}) {
        T(3)[0] = E(4, kRw | bad);
        EXPECT_EQ(memory::pin_table(3, kDomA, PageType::l2), EINVAL_) << bad;
        T(1)[0] = E(2, kRw | bad);
        EXPECT_EQ(memory::pin_table(1, kDomA, PageType::l4), EINVAL_) << bad;
    }
    // L1: global is allowed, cache attributes only with I/O rights.
    T(4)[0] = E(10, kRw | pt::kGlobal);
    ASSERT_EQ(memory::pin_table(4, kDomA, PageType::l1), 0);
    EXPECT_EQ(memory::unpin_table(4, kDomA), 0);
    for (uint64_t bad : {pt::kPwt, pt::kPcd, pt::kPat}) {
        T(4)[0] = E(10, kRw | bad);
        EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l1), EINVAL_) << bad;
    }
    T(100)[0] = E(101, kRw | pt::kPcd);
    ASSERT_EQ(memory::pin_table(100, kPriv, PageType::l1), 0);
    EXPECT_EQ(memory::unpin_table(100, kPriv), 0);
    // The available bits and NX are the guest's.
    T(4)[0] = E(10, kRw | pt::kAvail | pt::kAvailHigh | pt::kNx);
    ASSERT_EQ(memory::pin_table(4, kDomA, PageType::l1), 0);
    EXPECT_EQ(memory::unpin_table(4, kDomA), 0);
    // Without NX in the CPU, bit 63 is reserved.
    g_nx = false;
    Install();
    EXPECT_EQ(memory::pin_table(4, kDomA, PageType::l1), EINVAL_);
    T(3)[0] = E(4, kRw | pt::kNx);
    EXPECT_EQ(memory::pin_table(3, kDomA, PageType::l2), EINVAL_);
    ExpectAllReleased();
}

TEST_F(PageType_, FailedValidationUndoesWhatItTook) {
    BuildTree();
    T(4)[100] = E(85, kRw); // B's frame, deep down
    EXPECT_EQ(memory::pin_table(1, kDomA, PageType::l4), EBUSY_);
    for (uint64_t f = 1; f <= 4; f++)
        EXPECT_EQ(Type(f), PageType::none) << f;
    ExpectAllReleased();
    // The same frames validate once the entry is fixed.
    T(4)[100] = 0;
    EXPECT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, XenSlotsOfAnL4AreIgnored) {
    for (unsigned i = pt::kFirstXenSlot; i <= pt::kLastXenSlot; i++)
        T(1)[i] = E(85, kRw | pt::kPse); // would be refused in a guest slot
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    EXPECT_EQ(T(1)[260], kXenSlotMarker);
    // Nor may an update touch them.
    bool flush = false;
    EXPECT_EQ(memory::update_entry(1, 260, E(2, kRw), memory::EntryWrite::normal, kDomA, kDomA,
                                   &flush),
              EINVAL_);
    EXPECT_EQ(T(1)[260], kXenSlotMarker);
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, PinAndUnpinRules) {
    BuildTree();
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    EXPECT_TRUE(P(1)->type_info & memory::kTypePinned);
    EXPECT_EQ(memory::pin_table(1, kDomA, PageType::l4), EINVAL_); // already pinned
    EXPECT_EQ(TCount(1), 1u);
    EXPECT_EQ(memory::unpin_table(2, kDomA), EINVAL_); // validated but not pinned
    EXPECT_EQ(memory::unpin_table(1, kDomB), EINVAL_); // not B's
    // Pinning a lower table as well: one more type reference each.
    ASSERT_EQ(memory::pin_table(4, kDomA, PageType::l1), 0);
    EXPECT_EQ(TCount(4), 2u);
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    // The L1 stays validated while pinned; the rest went.
    EXPECT_TRUE(Validated(4));
    EXPECT_EQ(TCount(4), 1u);
    EXPECT_EQ(TCount(1), 0u);
    EXPECT_FALSE(Validated(1));
    EXPECT_EQ(memory::unpin_table(4, kDomA), 0);
    EXPECT_EQ(memory::unpin_table(4, kDomA), EINVAL_);
    ExpectAllReleased();
}

TEST_F(PageType_, EntryUpdatesMoveReferences) {
    BuildTree();
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    bool flush = false;
    auto update = [&](uint64_t mfn, unsigned i, uint64_t val, DomId pg = kDomA) {
        return memory::update_entry(mfn, i, val, memory::EntryWrite::normal, kDomA, pg, &flush);
    };
    // Remap slot 0 from frame 10 (writable) to frame 30 (read-only).
    ASSERT_EQ(update(4, 0, E(30, kRo)), 0);
    EXPECT_EQ(Count(10), 1u);
    EXPECT_EQ(TCount(10), 0u);
    EXPECT_EQ(Count(30), 2u);
    EXPECT_EQ(TCount(30), 0u);
    EXPECT_FALSE(flush); // L1 changes are the guest's to flush
    // Writable again.
    ASSERT_EQ(update(4, 0, E(30, kRw)), 0);
    EXPECT_EQ(TCount(30), 1u);
    EXPECT_EQ(Type(30), PageType::writable);
    // Changing only A/D/NX keeps the references as they are (fast path).
    ASSERT_EQ(update(4, 0, E(30, kRw | pt::kDirty | pt::kNx)), 0);
    EXPECT_EQ(Count(30), 2u);
    EXPECT_EQ(TCount(30), 1u);
    // A non-present value drops them.
    ASSERT_EQ(update(4, 0, 0x123400), 0);
    EXPECT_EQ(T(4)[0], 0x123400u);
    EXPECT_EQ(Count(30), 1u);
    EXPECT_EQ(TCount(30), 0u);
    // A new L1 under a new L2 slot, validated by the update; the flag asks for a flush.
    T(40)[3] = E(41, kRw);
    ASSERT_EQ(update(3, 1, E(40, kRw)), 0);
    EXPECT_TRUE(flush);
    EXPECT_EQ(Type(40), PageType::l1);
    EXPECT_EQ(TCount(41), 1u);
    // Removing it devalidates it.
    ASSERT_EQ(update(3, 1, 0), 0);
    EXPECT_EQ(TCount(40), 0u);
    EXPECT_EQ(TCount(41), 0u);
    // Upper-level entries may not name another domain's pages; L1 entries may name the
    // owner (whether the caller may name B at all is the hypercall's check, XSM_TARGET).
    EXPECT_EQ(update(3, 1, E(40, kRw), kDomB), EINVAL_);
    ASSERT_EQ(update(4, 5, E(85, kRw), kDomB), 0);
    EXPECT_EQ(TCount(85), 1u);
    EXPECT_EQ(update(4, 6, E(86, kRw)), EBUSY_); // without naming B
    ASSERT_EQ(update(4, 5, 0), 0);
    // A frame with no table type: a plain write.
    ASSERT_EQ(update(50, 9, 0xdeadbeef), 0);
    EXPECT_EQ(T(50)[9], 0xdeadbeefu);
    EXPECT_EQ(TCount(50), 0u);
    // Not A's frame at all.
    EXPECT_EQ(update(85, 0, 1), EINVAL_);
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, PrivilegedDomainMapsOthersFramesWhenNamingThem) {
    bool flush = false;
    ASSERT_EQ(memory::pin_table(100, kPriv, PageType::l1), 0);
    // Naming the owner: allowed for the privileged domain.
    ASSERT_EQ(memory::update_entry(100, 0, E(85, kRw), memory::EntryWrite::normal, kPriv, kDomB,
                                   &flush),
              0);
    EXPECT_EQ(TCount(85), 1u);
    // Without naming it: refused.
    EXPECT_EQ(memory::update_entry(100, 1, E(86, kRw), memory::EntryWrite::normal, kPriv, kPriv,
                                   &flush),
              EBUSY_);
    // Naming a privileged domain as the owner of a third domain's frame: the privileged
    // owner passes its right on (Xen's stub-domain case); an unprivileged one does not.
    ASSERT_EQ(memory::pin_table(81, kDomB, PageType::l1), 0);
    EXPECT_EQ(memory::update_entry(81, 0, E(10, kRw), memory::EntryWrite::normal, kDomB, kPriv,
                                   &flush),
              0);
    EXPECT_EQ(memory::update_entry(100, 2, E(10, kRw), memory::EntryWrite::normal, kPriv, kDomB,
                                   &flush),
              EBUSY_);
    ASSERT_EQ(memory::update_entry(81, 0, 0, memory::EntryWrite::normal, kDomB, kPriv, &flush), 0);
    EXPECT_EQ(memory::unpin_table(81, kDomB), 0);
    EXPECT_EQ(memory::unpin_table(100, kPriv), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, PreserveAdKeepsTheCpusBits) {
    T(4)[0] = E(10, kRw | pt::kDirty);
    ASSERT_EQ(memory::pin_table(4, kDomA, PageType::l1), 0);
    bool flush = false;
    ASSERT_EQ(memory::update_entry(4, 0, E(11, pt::kPresent | pt::kRw | pt::kUser),
                                   memory::EntryWrite::preserve_ad, kDomA, kDomA, &flush),
              0);
    EXPECT_EQ(T(4)[0] & (pt::kAccessed | pt::kDirty), pt::kAccessed | pt::kDirty);
    ASSERT_EQ(memory::update_entry(4, 0, E(11, pt::kPresent | pt::kRw | pt::kUser),
                                   memory::EntryWrite::normal, kDomA, kDomA, &flush),
              0);
    EXPECT_EQ(T(4)[0] & (pt::kAccessed | pt::kDirty), 0u);
    EXPECT_EQ(memory::unpin_table(4, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, UpdateL1EntryNeedsAnL1) {
    BuildTree();
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    EXPECT_EQ(memory::update_l1_entry(4, 50, E(31, kRw), kDomA, kDomA), 0);
    EXPECT_EQ(TCount(31), 1u);
    EXPECT_EQ(memory::update_l1_entry(3, 50, E(31, kRw), kDomA, kDomA), EINVAL_); // an L2
    EXPECT_EQ(memory::update_l1_entry(50, 0, E(31, kRw), kDomA, kDomA), EINVAL_); // untyped
    EXPECT_EQ(memory::update_l1_entry(85, 0, E(31, kRw), kDomA, kDomA), EINVAL_); // B's
    EXPECT_EQ(memory::update_l1_entry(4, 50, E(4, kRw), kDomA, kDomA), EBUSY_);
    EXPECT_EQ(memory::update_l1_entry(4, 50, 0, kDomA, kDomA), 0);
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    ExpectAllReleased();
}

// Writable page tables: the write a callback computes from the old entry, checked and
// counted as Xen's ptwr path does.
struct Ptwr {
    uint64_t value;
    bool write = true;
    unsigned calls = 0;
    uint64_t seen = 0;
    static bool Compute(void* ctx, uint64_t old, uint64_t* val) {
        auto* p = static_cast<Ptwr*>(ctx);
        p->calls++;
        p->seen = old;
        *val = p->value;
        return p->write;
    }
};

TEST_F(PageType_, EmulatedL1WriteChecksAndCounts) {
    BuildTree();
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    auto Write = [](uint64_t mfn, unsigned index, Ptwr p, DomId d = kDomA) {
        return memory::emulate_l1_write(mfn, index, d, Ptwr::Compute, &p);
    };
    // A new writable mapping takes a writable type reference; the frame can't be a table.
    EXPECT_EQ(Write(4, 50, {E(31, kRw)}), 0);
    EXPECT_EQ(T(4)[50], E(31, kRw | pt::kGlobal));
    EXPECT_EQ(TCount(31), 1u);
    EXPECT_EQ(Count(31), 2u);
    EXPECT_EQ(memory::pin_table(31, kDomA, PageType::l1), EINVAL_);
    // Rewriting the same entry: references taken and dropped, nothing leaks.
    EXPECT_EQ(Write(4, 50, {E(31, kRw)}), 0);
    EXPECT_EQ(Count(31), 2u);
    // A failed compare writes nothing.
    Ptwr no{0, false};
    EXPECT_EQ(memory::emulate_l1_write(4, 50, kDomA, Ptwr::Compute, &no), 0);
    EXPECT_EQ(no.seen, E(31, kRw | pt::kGlobal));
    EXPECT_EQ(TCount(31), 1u);
    // Refusals leave the entry alone: a page table writable, another domain's frame, a
    // free frame, bad flags; and only L1 tables of the caller are written.
    EXPECT_EQ(Write(4, 50, {E(4, kRw)}), EBUSY_);
    EXPECT_EQ(Write(4, 50, {E(85, kRw)}), EBUSY_);
    EXPECT_EQ(Write(4, 50, {E(120, kRw)}), EBUSY_);
    EXPECT_EQ(Write(4, 50, {E(31, kRw | pt::kPse)}), EINVAL_);
    EXPECT_EQ(Write(3, 50, {0}), EINVAL_);
    EXPECT_EQ(Write(50, 0, {0}), EINVAL_);
    EXPECT_EQ(Write(4, 50, {0}, kDomB), EINVAL_);
    EXPECT_EQ(T(4)[50], E(31, kRw | pt::kGlobal));
    // A read-only mapping of a page table is fine; clearing drops every reference.
    EXPECT_EQ(Write(4, 51, {E(3, kRo)}), 0);
    EXPECT_EQ(Count(3), 4u);
    EXPECT_EQ(Write(4, 51, {0}), 0);
    EXPECT_EQ(Write(4, 50, {0x1234000}), 0); // not present: not checked
    EXPECT_EQ(T(4)[50], 0x1234000u);
    EXPECT_EQ(TCount(31), 0u);
    EXPECT_EQ(memory::pin_table(31, kDomA, PageType::l1), 0);
    EXPECT_EQ(memory::unpin_table(31, kDomA), 0);
    EXPECT_EQ(Write(4, 50, {0}), 0);
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, LinearPageTables) {
    BuildTree();
    // An L4 mapping itself read-only: allowed, and holds no reference.
    T(1)[5] = E(1, kRo);
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    EXPECT_EQ(TCount(1), 1u);
    EXPECT_EQ(memory::linear_count(P(1)), 0);
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    // Writable: refused.
    T(1)[5] = E(1, kRw);
    EXPECT_EQ(memory::pin_table(1, kDomA, PageType::l4), EINVAL_);
    T(1)[5] = 0;
    ExpectAllReleased();
    // Another validated L4, read-only: counted on both sides.
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    T(60)[7] = E(1, kRo);
    ASSERT_EQ(memory::pin_table(60, kDomA, PageType::l4), 0);
    EXPECT_EQ(TCount(1), 2u);
    EXPECT_EQ(memory::linear_count(P(60)), 1);
    EXPECT_EQ(memory::linear_count(P(1)), -1);
    // A table pointed at linearly may not hold linear entries itself.
    ASSERT_EQ(memory::pin_table(62, kDomA, PageType::l4), 0);
    bool flush = false;
    EXPECT_EQ(memory::update_entry(1, 9, E(62, kRo), memory::EntryWrite::normal, kDomA, kDomA,
                                   &flush),
              EINVAL_);
    // Nor may a table with linear entries be pointed at linearly.
    T(63)[0] = E(60, kRo);
    EXPECT_EQ(memory::pin_table(63, kDomA, PageType::l4), EINVAL_);
    // Only a validated L4 can be the target: not a writable frame.
    ASSERT_EQ(memory::get_page_type(P(64), PageType::writable), 0);
    T(63)[0] = E(64, kRo);
    EXPECT_EQ(memory::pin_table(63, kDomA, PageType::l4), EINVAL_);
    memory::put_page_type(P(64));
    EXPECT_EQ(memory::unpin_table(62, kDomA), 0);
    EXPECT_EQ(memory::unpin_table(60, kDomA), 0);
    EXPECT_EQ(memory::linear_count(P(1)), 0);
    EXPECT_EQ(TCount(1), 1u);
    EXPECT_EQ(memory::unpin_table(1, kDomA), 0);
    ExpectAllReleased();
}

TEST_F(PageType_, SharedHypervisorPagesStayWriteBackAndWritable) {
    PageInfo* pg = P(115);
    pg->owner = memory::kDomIdXen;
    pg->count_info = 0;
    memory::share_xen_page_with_guest(pg, kDomA, false);
    EXPECT_EQ(pg->owner, kDomA);
    EXPECT_EQ(Type(115), PageType::writable);
    T(4)[0] = E(115, kRw);
    ASSERT_EQ(memory::pin_table(4, kDomA, PageType::l1), 0);
    EXPECT_EQ(TCount(115), 2u);
    EXPECT_EQ(memory::unpin_table(4, kDomA), 0);
    // It can never become a table, and may not be mapped with other cache attributes.
    EXPECT_EQ(memory::pin_table(115, kDomA, PageType::l1), EINVAL_);
    T(100)[0] = E(115, kRw | pt::kPcd);
    pg->owner = kPriv;
    EXPECT_EQ(memory::pin_table(100, kPriv, PageType::l1), EACCES_);
    EXPECT_EQ(TCount(115), 1u);
}

TEST_F(PageType_, HypervisorFramesAreNobodysToMap) {
    // A frame of xenon's own, even one with references, whoever is named as its owner.
    PageInfo* pg = P(116);
    pg->owner = memory::kDomIdXen;
    pg->count_info = 1;
    EXPECT_EQ(memory::get_page_from_mfn(116, memory::kDomIdXen), nullptr);
    EXPECT_EQ(memory::get_page_and_type(116, memory::kDomIdXen, PageType::l1), EINVAL_);
    ASSERT_EQ(memory::pin_table(100, kPriv, PageType::l1), 0);
    bool flush = false;
    for (DomId named : {kPriv, memory::kDomIdXen, DomId(xen::DOMID_IO)})
        EXPECT_EQ(memory::update_entry(100, 0, E(116, kRo), memory::EntryWrite::normal, kPriv,
                                       named, &flush),
                  EBUSY_)
            << named;
    EXPECT_EQ(memory::pin_table(116, memory::kDomIdXen, PageType::l1), EINVAL_);
    EXPECT_EQ(memory::unpin_table(100, kPriv), 0);
    EXPECT_EQ(pg->count_info, 1u);
}

TEST_F(PageType_, CountOverflowsAreRefused) {
    P(7)->count_info = memory::kCountAllocated | (memory::kCountMask - 1);
    EXPECT_FALSE(memory::get_page(P(7), kDomA));
    P(7)->count_info = memory::kCountAllocated | 1;
    ASSERT_TRUE(memory::get_page(P(7), kDomA));
    P(7)->type_info = memory::type_bits(PageType::writable) | memory::kTypeValidated |
                      memory::kTypeCountMask;
    EXPECT_EQ(memory::get_page_type(P(7), PageType::writable), EINVAL_);
    EXPECT_EQ(memory::linear_count(P(7)), 0);
}

// --- Random sequences against an independent recount -------------------------------------

class PageTypeRandom : public PageType_ {
  protected:
    // Recounts every reference from the tables' contents, the pins and the references
    // the test holds itself, and compares.
    void CheckAccounting(const std::map<uint64_t, unsigned>& held) {
        std::vector<uint64_t> count(kFrames), tcount(kFrames);
        std::vector<int> linear(kFrames);
        for (uint64_t f = 1; f < 110; f++)
            count[f] = 1;
        for (auto& [m, n] : held) {
            count[m] += n;
            tcount[m] += n;
        }
        for (uint64_t f = 0; f < kFrames; f++) {
            uint64_t ti = P(f)->type_info;
            if (ti & memory::kTypePinned) {
                count[f]++;
                tcount[f]++;
            }
            PageType t = memory::type_of(ti);
            if (!(ti & memory::kTypeValidated) || t < PageType::l1 || t > PageType::l4)
                continue;
            unsigned level = unsigned(t) - unsigned(PageType::l1) + 1;
            for (unsigned i = 0; i < 512; i++) {
                uint64_t e = T(f)[i];
                if (!(e & pt::kPresent) || (level == 4 && !pt::is_guest_l4_slot(i)))
                    continue;
                uint64_t target = (e & pt::kAddrMask) >> 12;
                if (target >= kFrames)
                    continue; // I/O
                if (level == 1) {
                    count[target]++;
                    if (e & pt::kRw)
                        tcount[target]++;
                } else if (target != f) {
                    count[target]++;
                    tcount[target]++;
                    if (Type(target) == t) {
                        linear[f]++;
                        linear[target]--;
                    }
                }
            }
        }
        for (uint64_t f = 0; f < kFrames; f++) {
            ASSERT_EQ(Count(f), count[f]) << "frame " << f << " step " << step_;
            ASSERT_EQ(TCount(f), tcount[f]) << "frame " << f << " step " << step_;
            ASSERT_EQ(memory::linear_count(P(f)), linear[f]) << "frame " << f << " step " << step_;
            ASSERT_FALSE(P(f)->type_info & memory::kTypeLocked);
            if (TCount(f) && Type(f) != PageType::none) {
                ASSERT_TRUE(Validated(f)) << "frame " << f;
            }
        }
    }
    unsigned step_ = 0;
};

TEST_F(PageTypeRandom, NoLeaksAfterRandomSequences) {
    for (unsigned seed = 1; seed <= 20; seed++) {
        SetUp();
        std::mt19937_64 rng(seed);
        auto pick = [&](uint64_t n) { return rng() % n; };
        // A's frames 1..24 play the tables and data; a few of B's, free and I/O frames
        // for the refusals.
        auto frame = [&]() -> uint64_t {
            switch (pick(10)) {
            case 0: return 80 + pick(3);   // B's
            case 1: return 120 + pick(3);  // free
            case 2: return 2000 + pick(3); // I/O
            default: return 1 + pick(24);
            }
        };
        static constexpr uint64_t kFlags[] = {pt::kPresent, pt::kRw, pt::kUser,
                                              pt::kAccessed, pt::kDirty, pt::kPse,
                                              pt::kGlobal, pt::kNx, pt::kPcd};
        auto value = [&]() {
            uint64_t flags = pt::kPresent;
            for (uint64_t f : kFlags)
                if (pick(4) == 0)
                    flags ^= f;
            if (pick(3) == 0)
                flags &= ~(pt::kPse | pt::kGlobal | pt::kPcd);
            return E(frame(), flags);
        };
        auto slot = [&]() -> unsigned { return pick(8) == 0 ? 256 + pick(4) : pick(6); };
        std::map<uint64_t, unsigned> held; // extra type refs we hold (like base pointers)
        for (step_ = 0; step_ < 600; step_++) {
            uint64_t f = 1 + pick(24);
            switch (pick(6)) {
            case 0:
                memory::pin_table(f, kDomA, static_cast<PageType>(unsigned(PageType::l1) + pick(4)));
                break;
            case 1: memory::unpin_table(f, kDomA); break;
            case 2:
            case 3: {
                bool flush = false;
                memory::update_entry(f, slot(), pick(5) ? value() : 0,
                                     pick(2) ? memory::EntryWrite::normal
                                             : memory::EntryWrite::preserve_ad,
                                     kDomA, kDomA, &flush);
                break;
            }
            case 4:
                if (memory::get_page_and_type(f, kDomA, PageType::l4) == 0)
                    held[f]++;
                break;
            case 5:
                if (!held.empty()) {
                    auto it = held.begin();
                    std::advance(it, pick(held.size()));
                    memory::put_page_and_type(P(it->first));
                    if (--it->second == 0)
                        held.erase(it);
                }
                break;
            }
            CheckAccounting(held);
            if (HasFatalFailure())
                return;
        }
        for (auto& [m, n] : held)
            for (unsigned i = 0; i < n; i++)
                memory::put_page_and_type(P(m));
        for (uint64_t f = 1; f < 25; f++)
            memory::unpin_table(f, kDomA);
        ExpectAllReleased();
        if (HasFailure())
            return;
    }
}

} // namespace

// --- Teardown of a dead domain ------------------------------------------------------------

TEST_F(PageType_, DroppingAPinReleasesWhatThePinHeld) {
    BuildTree();
    ASSERT_EQ(memory::pin_table(1, kDomA, PageType::l4), 0);
    memory::drop_pin(P(1));
    ExpectAllReleased();
    memory::drop_pin(P(1)); // not pinned: nothing to drop
    ExpectAllReleased();
}

TEST_F(PageType_, ForcedDevalidationDropsWhatTheEntriesHeldWhateverStillRefersToTheTable) {
    BuildTree();
    // Two holders of the L4 that never let go (as a reference cycle would).
    ASSERT_EQ(memory::get_page_and_type(1, kDomA, PageType::l4), 0);
    ASSERT_EQ(memory::get_page_and_type(1, kDomA, PageType::l4), 0);
    memory::force_devalidate(P(1), PageType::l4);
    EXPECT_FALSE(Validated(1));
    EXPECT_EQ(TCount(1), 2u) << "the holders' references stay theirs";
    for (uint64_t f = 2; f <= 4; f++) {
        EXPECT_EQ(TCount(f), 0u) << "frame " << f;
        EXPECT_FALSE(Validated(f)) << "frame " << f;
    }
    for (uint64_t f = 10; f < 20; f++)
        EXPECT_EQ(Count(f), 1u) << "frame " << f;
    memory::force_devalidate(P(1), PageType::l4); // once only
    // The holders let go: nothing left to devalidate, the frame is simply untyped.
    memory::put_page_and_type(P(1));
    memory::put_page_and_type(P(1));
    ExpectAllReleased();
}

TEST_F(PageType_, ForcedDevalidationLeavesOtherTypesAlone) {
    BuildTree();
    ASSERT_EQ(memory::get_page_and_type(1, kDomA, PageType::l4), 0);
    memory::force_devalidate(P(1), PageType::l3);  // not an L3
    memory::force_devalidate(P(10), PageType::l2); // writable, and not validated as L2
    EXPECT_TRUE(Validated(1));
    EXPECT_EQ(TCount(10), 1u);
    memory::put_page_and_type(P(1));
    ExpectAllReleased();
}
