// Grant tables (common/grant_table/) over fake frames: table growth and the shared
// frames' ownership, the pin/status state machine of copies and mappings, permission
// and argument checks with Xen 4.17's status codes, maptrack handle order, reference
// counts back to where they started, and domains going away with grants still in use.
// Host mappings go through the page-type code's grant hook into a real (fake-memory) L1
// table of the mapping domain.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "arch/pv_pagetable.h"
#include "common/grant_table.h"
#include "common/memory/page_type.h"
#include "host_support.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "public/memory.h"
#include "public/xen.h"

namespace {

using memory::DomId;
using memory::PageInfo;
namespace pt = arch::pvpt;
using namespace xen;

constexpr uint64_t kFrames = 256;
constexpr DomId kPriv = 0;
constexpr DomId kDomA = 1;                   // grants
constexpr DomId kDomB = 2;                   // maps and copies
constexpr DomId kDomC = 3;                   // a third party
constexpr uint64_t kL1[] = {70, 71, 72, 73}; // each domain's L1 table (by domid)
constexpr uint64_t kVaBase = 0x40000000;     // linear address of L1 slot 0
constexpr uint64_t kNoL1Va = 0xdead0000;     // an address with no L1 behind it

std::vector<std::array<uint64_t, 512>>* g_mem;
memory::FrameTable* g_ft;
std::vector<uint64_t> g_pool; // free frames for shared grant frames
std::set<DomId> g_live;
DomId g_current; // the domain whose vCPU is "running" (host mappings go into its L1)
unsigned g_flushes;

uint64_t* map_words(uint64_t mfn) {
    return (*g_mem)[mfn].data();
}
void* map_frame(uint64_t mfn) {
    return (*g_mem)[mfn].data();
}
bool privileged(DomId d) {
    return d == kPriv;
}

uint64_t alloc_frame() {
    if (g_pool.empty())
        return ~0ull;
    uint64_t mfn = g_pool.back();
    g_pool.pop_back();
    PageInfo* pg = g_ft->page(mfn);
    EXPECT_EQ(memory::page_count(pg), 0u);
    pg->owner = memory::kDomIdXen;
    pg->state = memory::FrameState::allocated;
    (*g_mem)[mfn].fill(0);
    return mfn;
}
void free_frame(uint64_t mfn) {
    PageInfo* pg = g_ft->page(mfn);
    EXPECT_EQ(pg->owner, memory::kDomIdXen);
    EXPECT_EQ(pg->count_info, 0u);
    pg->state = memory::FrameState::free;
    g_pool.push_back(mfn);
}
void* zalloc(size_t n) {
    return calloc(1, n);
}
void release(void* p) {
    free(p);
}
bool domain_live(DomId d) {
    return g_live.count(d) != 0;
}

uint64_t grant_pte(uint64_t mfn, uint32_t flags) {
    return (mfn << 12) | pt::kPresent | pt::kAccessed | pt::kDirty |
           ((flags & GNTMAP_readonly) ? 0 : pt::kRw);
}
bool locate(uint64_t addr, uint32_t flags, uint64_t* l1, unsigned* index) {
    if (flags & GNTMAP_contains_pte) {
        if (addr & 7)
            return false;
        *l1 = addr >> 12;
        *index = (addr & 0xfff) >> 3;
        return true;
    }
    if (addr < kVaBase || addr >= kVaBase + 512 * 4096)
        return false;
    *l1 = kL1[g_current];
    *index = (addr - kVaBase) >> 12;
    return true;
}
int16_t create_host(uint64_t addr, uint64_t mfn, uint32_t flags, uint32_t) {
    uint64_t l1, old;
    unsigned index;
    if (!locate(addr, flags, &l1, &index) ||
        memory::exchange_l1_entry(l1, index, grant_pte(mfn, flags), g_current, 0, 0, &old))
        return GNTST_general_error;
    memory::put_l1e_references(old);
    return GNTST_okay;
}
int16_t replace_host(uint64_t addr, uint64_t mfn, uint64_t new_addr, uint32_t flags) {
    uint64_t l1, old, stolen = 0;
    unsigned index;
    if (new_addr) {
        uint64_t nl1;
        unsigned nindex;
        if ((flags & GNTMAP_contains_pte) || !locate(new_addr, 0, &nl1, &nindex) ||
            memory::exchange_l1_entry(nl1, nindex, 0, g_current, 0, 0, &stolen))
            return GNTST_general_error;
    }
    uint64_t expect = (mfn << 12) | pt::kPresent | ((flags & GNTMAP_readonly) ? 0 : pt::kRw);
    if (!locate(addr, flags, &l1, &index) ||
        memory::exchange_l1_entry(l1, index, stolen, g_current, expect,
                                  pt::kAddrMask | pt::kPresent | pt::kRw, &old)) {
        memory::put_l1e_references(stolen);
        return GNTST_general_error;
    }
    return GNTST_okay;
}
void flush_tlb(DomId) {
    g_flushes++;
}
unsigned g_cache_flushes;
void flush_cache(uint64_t, unsigned, unsigned) {
    g_cache_flushes++;
}

class GrantTable : public ::testing::Test {
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
        penv.privileged = privileged;
        penv.nx = true;
        memory::page_type_init(penv);

        gnttab::Env env{};
        env.frames = &table_;
        env.map = map_frame;
        env.alloc_frame = alloc_frame;
        env.free_frame = free_frame;
        env.zalloc = zalloc;
        env.free = release;
        env.domain_live = domain_live;
        env.create_host_mapping = create_host;
        env.replace_host_mapping = replace_host;
        env.flush_tlb = flush_tlb;
        env.flush_cache = flush_cache;
        gnttab::init(env);

        g_pool.clear();
        for (uint64_t f = kFrames - 1; f >= 200; f--)
            g_pool.push_back(f);
        g_live = {kPriv, kDomA, kDomB, kDomC};
        g_flushes = g_cache_flushes = 0;
        // A: 8..39 (8..15 one block of order 3); B: 40..59; C: 60..69; L1 tables 70..73.
        for (uint64_t f = 8; f < 70; f++)
            Give(f, f < 40 ? kDomA : f < 60 ? kDomB : kDomC);
        table_.page(8)->order = 3;
        for (DomId d = 0; d < 4; d++) {
            Give(kL1[d], d);
            EXPECT_EQ(memory::pin_table(kL1[d], d, memory::PageType::l1), 0);
        }
        for (uint64_t i = 0; i < 512; i++)
            mem_[20][i] = 0x2020202020202020ull * (i % 7 + 1);
    }
    void TearDown() override {
        for (DomId d : {kPriv, kDomA, kDomB, kDomC})
            gnttab::domain_destroy(d);
        for (DomId d = 0; d < 4; d++)
            EXPECT_EQ(memory::unpin_table(kL1[d], d), 0);
        g_mem = nullptr;
    }

    void Give(uint64_t mfn, DomId d) {
        PageInfo* pg = table_.page(mfn);
        pg->owner = d;
        pg->count_info = memory::kCountAllocated | 1;
        pg->type_info = 0;
        pg->state = memory::FrameState::allocated;
    }
    static gnttab::Caller As(DomId d, unsigned vcpu = 0) {
        g_current = d;
        return {d, vcpu, d == kPriv};
    }
    // Entry `ref` of d's table (the table is created if need be).
    grant_entry_v1* Entry(DomId d, uint32_t ref) {
        uint32_t nr, max;
        EXPECT_EQ(gnttab::query_size(As(d), DOMID_SELF, &nr, &max), GNTST_okay);
        uint64_t mfn = gnttab::shared_frame(d, ref / gnttab::kEntriesPerFrame);
        EXPECT_NE(mfn, ~0ull);
        return reinterpret_cast<grant_entry_v1*>(mem_[mfn].data()) + ref % gnttab::kEntriesPerFrame;
    }
    void Grant(DomId granter, uint32_t ref, DomId grantee, uint64_t frame, uint16_t extra = 0) {
        grant_entry_v1* e = Entry(granter, ref);
        e->domid = grantee;
        e->frame = static_cast<uint32_t>(frame);
        e->flags = GTF_permit_access | extra;
    }
    uint16_t Flags(DomId d, uint32_t ref) { return Entry(d, ref)->flags; }
    uint32_t Pin(DomId d, uint32_t ref) {
        gnttab::ActiveInfo ai{};
        EXPECT_TRUE(gnttab::active_info(d, ref, &ai));
        return ai.pin;
    }
    uint64_t Count(uint64_t mfn) { return memory::page_count(table_.page(mfn)); }
    uint64_t TCount(uint64_t mfn) { return memory::type_count(table_.page(mfn)); }

    int16_t Copy(const gnttab::Caller& c, gnttab_copy op) {
        g_current = c.domid;
        gnttab::CopyState st{};
        int16_t rc = gnttab::copy_one(c, op, st);
        gnttab::copy_release(st);
        return rc;
    }
    static gnttab_copy GrefToGmfn(uint32_t ref, DomId dom, uint16_t soff, uint64_t gmfn,
                                  uint16_t doff, uint16_t len) {
        gnttab_copy op{};
        op.source.u.ref = ref;
        op.source.domid = dom;
        op.source.offset = soff;
        op.dest.u.gmfn = gmfn;
        op.dest.domid = DOMID_SELF;
        op.dest.offset = doff;
        op.len = len;
        op.flags = GNTCOPY_source_gref;
        return op;
    }
    static gnttab_copy GmfnToGref(uint64_t gmfn, uint16_t soff, uint32_t ref, DomId dom,
                                  uint16_t doff, uint16_t len) {
        gnttab_copy op{};
        op.source.u.gmfn = gmfn;
        op.source.domid = DOMID_SELF;
        op.source.offset = soff;
        op.dest.u.ref = ref;
        op.dest.domid = dom;
        op.dest.offset = doff;
        op.len = len;
        op.flags = GNTCOPY_dest_gref;
        return op;
    }
    gnttab_map_grant_ref Map(const gnttab::Caller& c, DomId dom, uint32_t ref, uint32_t flags,
                             uint64_t addr) {
        gnttab_map_grant_ref op{};
        op.host_addr = addr;
        op.flags = flags;
        op.ref = ref;
        op.dom = dom;
        op.status = 99;
        op.handle = 0xdead;
        g_current = c.domid;
        gnttab::map_grant_ref(c, op);
        return op;
    }
    int16_t Unmap(const gnttab::Caller& c, uint32_t handle, uint64_t addr, uint64_t dev = 0) {
        gnttab::Unmap u{};
        u.host_addr = addr;
        u.dev_bus_addr = dev;
        u.handle = handle;
        g_current = c.domid;
        gnttab::unmap_begin(c, u);
        gnttab::flush_tlb(c.domid);
        gnttab::unmap_complete(c, u);
        return u.status;
    }
    uint64_t& Pte(DomId d, uint64_t va) { return mem_[kL1[d]][(va - kVaBase) >> 12]; }

    std::vector<std::array<uint64_t, 512>> mem_;
    std::vector<PageInfo> pages_;
    memory::FrameTable table_;
};

constexpr uint64_t kVa = kVaBase + 5 * 4096;
constexpr uint64_t kVa2 = kVaBase + 6 * 4096;

// --- Tables ----------------------------------------------------------------------------

TEST_F(GrantTable, StartsWithOneFrameOfSixtyFourSharedWithTheDomain) {
    uint32_t nr = 0, max = 0;
    EXPECT_EQ(gnttab::query_size(As(kDomA), DOMID_SELF, &nr, &max), GNTST_okay);
    EXPECT_EQ(nr, 1u);
    EXPECT_EQ(max, 64u);
    uint64_t mfn = gnttab::shared_frame(kDomA, 0);
    PageInfo* pg = table_.page(mfn);
    EXPECT_EQ(pg->owner, kDomA);
    EXPECT_EQ(pg->count_info, memory::kCountXenHeap | memory::kCountAllocated | 1);
    EXPECT_EQ(memory::type_of(pg->type_info), memory::PageType::writable);
    EXPECT_EQ(TCount(mfn), 1u);
    // The domain can map it writable, never make a page table of it.
    EXPECT_EQ(memory::get_page_type(pg, memory::PageType::l1), -XEN_EINVAL);
}

TEST_F(GrantTable, SetupTableGrowsAndReportsFrames) {
    uint64_t mfns[64] = {};
    EXPECT_EQ(gnttab::setup_table(As(kDomA), DOMID_SELF, 4, mfns), GNTST_okay);
    for (unsigned i = 0; i < 4; i++) {
        EXPECT_EQ(mfns[i], gnttab::shared_frame(kDomA, i));
        EXPECT_EQ(table_.page(mfns[i])->owner, kDomA);
    }
    uint32_t nr, max;
    gnttab::query_size(As(kDomA), kDomA, &nr, &max);
    EXPECT_EQ(nr, 4u);
    // Asking for fewer never shrinks; more than the maximum is a general error.
    EXPECT_EQ(gnttab::setup_table(As(kDomA), kDomA, 2, mfns), GNTST_okay);
    EXPECT_EQ(gnttab::setup_table(As(kDomA), kDomA, 65, mfns), GNTST_general_error);
    gnttab::query_size(As(kDomA), kDomA, &nr, &max);
    EXPECT_EQ(nr, 4u);
    EXPECT_EQ(gnttab::setup_table(As(kDomA), kDomA, 0, mfns), GNTST_okay);
}

TEST_F(GrantTable, SetupTableOutOfMemoryChangesNothing) {
    g_pool.resize(2);
    uint64_t mfns[64];
    EXPECT_EQ(gnttab::setup_table(As(kDomA), DOMID_SELF, 8, mfns), GNTST_general_error);
    uint32_t nr, max;
    gnttab::query_size(As(kDomA), kDomA, &nr, &max);
    EXPECT_EQ(nr, 1u);
    EXPECT_EQ(g_pool.size(), 1u); // one went to the first frame, the other came back
}

TEST_F(GrantTable, OtherDomainsTablesNeedPrivilege) {
    uint64_t mfns[64];
    uint32_t nr, max, v;
    EXPECT_EQ(gnttab::setup_table(As(kDomB), kDomA, 1, mfns), GNTST_permission_denied);
    EXPECT_EQ(gnttab::query_size(As(kDomB), kDomA, &nr, &max), GNTST_permission_denied);
    EXPECT_EQ(gnttab::get_version(As(kDomB), kDomA, &v), -XEN_EPERM);
    EXPECT_EQ(gnttab::get_status_frames(As(kDomB), kDomA, 0, nullptr), GNTST_permission_denied);
    EXPECT_EQ(gnttab::setup_table(As(kPriv), kDomA, 2, mfns), GNTST_okay);
    EXPECT_EQ(gnttab::query_size(As(kPriv), kDomA, &nr, &max), GNTST_okay);
    EXPECT_EQ(nr, 2u);
    // Unknown domains, and DOMID_SELF only where Xen accepts it.
    EXPECT_EQ(gnttab::query_size(As(kPriv), 9, &nr, &max), GNTST_bad_domain);
    EXPECT_EQ(gnttab::get_version(As(kPriv), 9, &v), -XEN_ESRCH);
    EXPECT_EQ(gnttab::setup_table(As(kPriv), DOMID_IO, 1, mfns), GNTST_bad_domain);
    EXPECT_FALSE(gnttab::has_table(9));
}

TEST_F(GrantTable, VersionsAndTheirErrors) {
    uint32_t v = 0;
    uint64_t mfns[8] = {};
    EXPECT_EQ(gnttab::get_version(As(kDomA), DOMID_SELF, &v), 0);
    EXPECT_EQ(v, 1u);
    for (uint32_t bad : {0u, 3u, 0x80000001u}) {
        v = 7;
        EXPECT_EQ(gnttab::set_version(As(kDomA), bad, gnttab::kMaxVersion, &v), -XEN_EINVAL);
        EXPECT_EQ(v, 1u);
    }
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v), 0);
    // A domain created with max_grant_version 1 stays at 1 (Xen: -ENOSYS).
    v = 7;
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, 1, &v), -XEN_ENOSYS);
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(gnttab::get_status_frames(As(kDomA), DOMID_SELF, 0, mfns), GNTST_okay);
    EXPECT_EQ(gnttab::get_status_frames(As(kDomA), DOMID_SELF, 1, mfns), GNTST_general_error);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, gnttab::kMaxVersion, &v), 0);
    EXPECT_EQ(v, 2u);
    EXPECT_EQ(gnttab::get_version(As(kPriv), kDomA, &v), 0);
    EXPECT_EQ(v, 2u);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 3, gnttab::kMaxVersion, &v), -XEN_EINVAL);
    EXPECT_EQ(v, 2u);
    // One status frame for up to 8 shared frames, shared with the domain like them.
    EXPECT_EQ(gnttab::get_status_frames(As(kDomA), DOMID_SELF, 1, mfns), GNTST_okay);
    EXPECT_EQ(mfns[0], gnttab::status_frame(kDomA, 0));
    EXPECT_EQ(table_.page(mfns[0])->owner, kDomA);
    EXPECT_EQ(gnttab::get_status_frames(As(kDomA), DOMID_SELF, 2, mfns), GNTST_general_error);
    uint64_t frames[64];
    EXPECT_EQ(gnttab::setup_table(As(kDomA), DOMID_SELF, 9, frames), GNTST_okay);
    EXPECT_EQ(gnttab::get_status_frames(As(kDomA), DOMID_SELF, 2, mfns), GNTST_okay);
    const size_t pool = g_pool.size();
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v), 0);
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(g_pool.size(), pool + 2); // both status frames back
    EXPECT_EQ(gnttab::status_frame(kDomA, 0), ~0ull);
}

TEST_F(GrantTable, AcquireResourceGivesFramesAndGrowsWithinTheLimit) {
    using gnttab::acquire_frames;
    using gnttab::resource_max_frames;
    const uint32_t kShared = xen::XENMEM_resource_grant_table_id_shared;
    const uint32_t kStatus = xen::XENMEM_resource_grant_table_id_status;
    EXPECT_EQ(resource_max_frames(kShared, 32), 32u);
    EXPECT_EQ(resource_max_frames(kStatus, 32), 4u); // 32 * 256 entries, 2048 a frame
    EXPECT_EQ(resource_max_frames(kStatus, 4), 1u);
    EXPECT_EQ(resource_max_frames(2, 32), 0u);
    uint64_t mfns[8] = {};
    EXPECT_EQ(acquire_frames(kDomA, kShared, 0, 1, 4, mfns), 1);
    EXPECT_EQ(mfns[0], gnttab::shared_frame(kDomA, 0));
    // Frames 2 and 3: the table grows to 4 frames; past the limit nothing changes.
    EXPECT_EQ(acquire_frames(kDomA, kShared, 2, 2, 4, mfns), 2);
    EXPECT_EQ(mfns[1], gnttab::shared_frame(kDomA, 3));
    uint32_t nr, max;
    gnttab::query_size(As(kDomA), kDomA, &nr, &max);
    EXPECT_EQ(nr, 4u);
    EXPECT_EQ(acquire_frames(kDomA, kShared, 3, 2, 4, mfns), -XEN_EINVAL);
    EXPECT_EQ(acquire_frames(kDomA, kShared, 0, 0, 4, mfns), -XEN_EINVAL);
    EXPECT_EQ(acquire_frames(kDomA, 2, 0, 1, 4, mfns), -XEN_EINVAL);
    EXPECT_EQ(acquire_frames(9, kShared, 0, 1, 4, mfns), -XEN_EINVAL); // no such domain
    // Status frames: none in version 1; in version 2 the ones the shared frames need,
    // and a further one only if the limit allows the shared frames it takes.
    EXPECT_EQ(acquire_frames(kDomA, kStatus, 0, 1, 64, mfns), -XEN_EINVAL);
    uint32_t v;
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, gnttab::kMaxVersion, &v), 0);
    EXPECT_EQ(acquire_frames(kDomA, kStatus, 0, 1, 64, mfns), 1);
    EXPECT_EQ(mfns[0], gnttab::status_frame(kDomA, 0));
    EXPECT_EQ(acquire_frames(kDomA, kStatus, 1, 1, 12, mfns), -XEN_EINVAL); // needs 16
    gnttab::query_size(As(kDomA), kDomA, &nr, &max);
    EXPECT_EQ(nr, 4u);
    EXPECT_EQ(acquire_frames(kDomA, kStatus, 1, 1, 16, mfns), 1);
    EXPECT_EQ(mfns[0], gnttab::status_frame(kDomA, 1));
    gnttab::query_size(As(kDomA), kDomA, &nr, &max);
    EXPECT_EQ(nr, 16u);
}

// Version 2 entry `ref` of d's table, and its status entry.
grant_entry_v2* EntryV2(std::vector<std::array<uint64_t, 512>>& mem, DomId d, uint32_t ref) {
    uint64_t mfn = gnttab::shared_frame(d, ref / gnttab::kEntriesPerFrameV2);
    return reinterpret_cast<grant_entry_v2*>(mem[mfn].data()) + ref % gnttab::kEntriesPerFrameV2;
}
uint16_t& StatusV2(std::vector<std::array<uint64_t, 512>>& mem, DomId d, uint32_t ref) {
    uint64_t mfn = gnttab::status_frame(d, ref / gnttab::kStatusPerFrame);
    return reinterpret_cast<uint16_t*>(mem[mfn].data())[ref % gnttab::kStatusPerFrame];
}
void GrantV2(std::vector<std::array<uint64_t, 512>>& mem, DomId d, uint32_t ref, DomId to,
             uint64_t frame, uint16_t extra = 0, uint16_t off = 0, uint16_t len = 0) {
    grant_entry_v2* e = EntryV2(mem, d, ref);
    e->hdr.domid = to;
    e->full_page.frame = frame;
    if (extra & GTF_sub_page) {
        e->sub_page.page_off = off;
        e->sub_page.length = len;
    }
    e->hdr.flags = GTF_permit_access | extra;
}

TEST_F(GrantTable, SwitchKeepsReservedEntriesAndClearsTheRest) {
    uint32_t v;
    Grant(kDomA, 1, kDomB, 21, GTF_readonly);
    Grant(kDomA, 9, kDomB, 22);
    // A reserved entry may stay mapped across the switch; its flags move to the status.
    auto m = Map(As(kDomB), kDomA, 1, GNTMAP_host_map | GNTMAP_readonly, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, gnttab::kMaxVersion, &v), 0);
    grant_entry_v2* e = EntryV2(mem_, kDomA, 1);
    EXPECT_EQ(e->hdr.flags, GTF_permit_access | GTF_readonly);
    EXPECT_EQ(e->hdr.domid, kDomB);
    EXPECT_EQ(e->full_page.frame, 21u);
    EXPECT_EQ(StatusV2(mem_, kDomA, 1), GTF_reading);
    EXPECT_EQ(EntryV2(mem_, kDomA, 9)->hdr.flags, 0);
    EXPECT_EQ(Unmap(As(kDomB), m.handle, kVa), GNTST_okay);
    EXPECT_EQ(StatusV2(mem_, kDomA, 1), 0);
    // 256 entries per frame now.
    EXPECT_EQ(Map(As(kDomB), kDomA, 256, GNTMAP_host_map, kVa).status, GNTST_bad_gntref);
    // Back: non-access reserved entries are dropped, access ones keep their status.
    EntryV2(mem_, kDomA, 2)->hdr.flags = GTF_accept_transfer;
    m = Map(As(kDomB), kDomA, 1, GNTMAP_host_map | GNTMAP_readonly, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v), 0);
    EXPECT_EQ(Flags(kDomA, 1), GTF_permit_access | GTF_readonly | GTF_reading);
    EXPECT_EQ(Entry(kDomA, 1)->frame, 21u);
    EXPECT_EQ(Flags(kDomA, 2), 0);
    EXPECT_EQ(Unmap(As(kDomB), m.handle, kVa), GNTST_okay);
    EXPECT_EQ(Flags(kDomA, 1), GTF_permit_access | GTF_readonly);
}

TEST_F(GrantTable, SwitchRefusals) {
    uint32_t v;
    Grant(kDomA, 9, kDomB, 22);
    auto m = Map(As(kDomB), kDomA, 9, GNTMAP_host_map, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, gnttab::kMaxVersion, &v), -XEN_EBUSY);
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(Unmap(As(kDomB), m.handle, kVa), GNTST_okay);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, gnttab::kMaxVersion, &v), 0);
    // A reserved transitive entry, or a frame above 32 bits, has no version 1 form.
    grant_entry_v2* e = EntryV2(mem_, kDomA, 3);
    e->transitive.trans_domid = kDomC;
    e->hdr.flags = GTF_transitive;
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v), -XEN_ERANGE);
    EXPECT_EQ(v, 2u);
    GrantV2(mem_, kDomA, 3, kDomB, 1ull << 32);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v), -XEN_ERANGE);
    e->hdr.flags = 0;
    // A sub-page grant pinned by a copy in flight: -EAGAIN.
    GrantV2(mem_, kDomA, 4, kDomB, 20, GTF_sub_page, 0, 64);
    gnttab::CopyState st{};
    g_current = kDomB;
    EXPECT_EQ(gnttab::copy_one(As(kDomB), GrefToGmfn(4, kDomA, 0, 40, 0, 64), st), GNTST_okay);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v), -XEN_EAGAIN);
    gnttab::copy_release(st);
    // A status frame the domain still references: -EBUSY, nothing changed.
    PageInfo* sp = table_.page(gnttab::status_frame(kDomA, 0));
    ASSERT_TRUE(memory::get_page(sp, kDomA));
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v), -XEN_EBUSY);
    EXPECT_EQ(v, 2u);
    EXPECT_EQ(sp->owner, kDomA);
    EXPECT_EQ(EntryV2(mem_, kDomA, 4)->hdr.flags, GTF_permit_access | GTF_sub_page);
    memory::put_page(sp);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v), 0);
}

TEST_F(GrantTable, V2MapSetsTheStatusFrame) {
    uint32_t v;
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, gnttab::kMaxVersion, &v), 0);
    GrantV2(mem_, kDomA, 10, kDomB, 21);
    auto m = Map(As(kDomB), kDomA, 10, GNTMAP_host_map, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(m.dev_bus_addr, 21u << 12);
    EXPECT_EQ(StatusV2(mem_, kDomA, 10), GTF_reading | GTF_writing);
    EXPECT_EQ(EntryV2(mem_, kDomA, 10)->hdr.flags, GTF_permit_access);
    EXPECT_EQ(Unmap(As(kDomB), m.handle, kVa), GNTST_okay);
    EXPECT_EQ(StatusV2(mem_, kDomA, 10), 0);
    EXPECT_EQ(Count(21), 1u);
    // Sub-page and transitive grants are never mapped; read-only ones not writably.
    GrantV2(mem_, kDomA, 11, kDomB, 21, GTF_sub_page, 0, 128);
    EXPECT_EQ(Map(As(kDomB), kDomA, 11, GNTMAP_host_map, kVa).status, GNTST_general_error);
    EntryV2(mem_, kDomA, 12)->hdr.domid = kDomB;
    EntryV2(mem_, kDomA, 12)->hdr.flags = GTF_transitive;
    EXPECT_EQ(Map(As(kDomB), kDomA, 12, GNTMAP_host_map, kVa).status, GNTST_general_error);
    GrantV2(mem_, kDomA, 13, kDomB, 21, GTF_readonly);
    EXPECT_EQ(Map(As(kDomB), kDomA, 13, GNTMAP_host_map, kVa).status, GNTST_general_error);
    for (uint32_t ref : {11u, 12u, 13u})
        EXPECT_EQ(StatusV2(mem_, kDomA, ref), 0);
    EXPECT_EQ(Pin(kDomA, 11) | Pin(kDomA, 12) | Pin(kDomA, 13), 0u);
}

TEST_F(GrantTable, V2SubPageCopyStaysInItsWindow) {
    uint32_t v;
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, gnttab::kMaxVersion, &v), 0);
    GrantV2(mem_, kDomA, 10, kDomB, 20, GTF_sub_page, 100, 50);
    auto* src = reinterpret_cast<uint8_t*>(mem_[20].data());
    auto* dst = reinterpret_cast<uint8_t*>(mem_[40].data());
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(10, kDomA, 100, 40, 0, 50)), GNTST_okay);
    EXPECT_EQ(memcmp(dst, src + 100, 50), 0);
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(10, kDomA, 99, 40, 0, 2)), GNTST_general_error);
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(10, kDomA, 140, 40, 0, 11)), GNTST_general_error);
    EXPECT_EQ(StatusV2(mem_, kDomA, 10), 0);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    // A window past the page: the page's end still bounds the copy.
    GrantV2(mem_, kDomA, 11, kDomB, 20, GTF_sub_page, 4000, 0xffff);
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(11, kDomA, 4000, 40, 0, 96)), GNTST_okay);
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(11, kDomA, 4000, 40, 0, 97)), GNTST_bad_copy_arg);
    // page_off is kept in 15 bits, as Xen keeps it.
    GrantV2(mem_, kDomA, 12, kDomB, 20, GTF_sub_page, 0x8000 + 16, 16);
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(12, kDomA, 16, 40, 0, 16)), GNTST_okay);
    EXPECT_EQ(Count(20), 1u);
}

TEST_F(GrantTable, V2TransitiveCopyOneLevelOnly) {
    uint32_t v;
    // C grants frame 60 to A; A grants it on to B transitively; B copies from (A, 5).
    EXPECT_EQ(gnttab::set_version(As(kDomA), 2, gnttab::kMaxVersion, &v), 0);
    Grant(kDomC, 7, kDomA, 60);
    memset(mem_[60].data(), 0x5c, 4096);
    grant_entry_v2* e = EntryV2(mem_, kDomA, 5);
    e->transitive.trans_domid = kDomC;
    e->transitive.gref = 7;
    e->hdr.domid = kDomB;
    e->hdr.flags = GTF_transitive;
    gnttab::CopyState st{};
    g_current = kDomB;
    EXPECT_EQ(gnttab::copy_one(As(kDomB), GrefToGmfn(5, kDomA, 0, 40, 0, 64), st), GNTST_okay);
    EXPECT_EQ(reinterpret_cast<uint8_t*>(mem_[40].data())[63], 0x5c);
    EXPECT_EQ(StatusV2(mem_, kDomA, 5), GTF_reading);
    EXPECT_EQ(Flags(kDomC, 7), GTF_permit_access | GTF_reading);
    EXPECT_EQ(Pin(kDomC, 7), gnttab::kPinHostR);
    gnttab::copy_release(st);
    EXPECT_EQ(StatusV2(mem_, kDomA, 5), 0);
    EXPECT_EQ(Flags(kDomC, 7), GTF_permit_access);
    EXPECT_EQ(Pin(kDomC, 7), 0u);
    EXPECT_EQ(Count(60), 1u);
    // Never itself, never a second level (a loop back to A included), never nobody.
    e->transitive.trans_domid = kDomA;
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(5, kDomA, 0, 40, 0, 64)), GNTST_general_error);
    EXPECT_EQ(gnttab::set_version(As(kDomC), 2, gnttab::kMaxVersion, &v), 0);
    grant_entry_v2* c = EntryV2(mem_, kDomC, 7);
    c->transitive.trans_domid = kDomA;
    c->transitive.gref = 5;
    c->hdr.domid = kDomA;
    c->hdr.flags = GTF_transitive;
    e->transitive.trans_domid = kDomC;
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(5, kDomA, 0, 40, 0, 64)), GNTST_general_error);
    e->transitive.trans_domid = 9;
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(5, kDomA, 0, 40, 0, 64)), GNTST_general_error);
    EXPECT_EQ(StatusV2(mem_, kDomA, 5) | StatusV2(mem_, kDomC, 7), 0);
    EXPECT_EQ(Pin(kDomA, 5) | Pin(kDomC, 7), 0u);
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v),
              -XEN_ERANGE); // ref 5 is reserved
    e->hdr.flags = 0;
    EXPECT_EQ(gnttab::set_version(As(kDomA), 1, gnttab::kMaxVersion, &v),
              0); // no v2 operation left over
}

// --- Copy -----------------------------------------------------------------------------

TEST_F(GrantTable, CopyFromAGrantWithOffsets) {
    Grant(kDomA, 10, kDomB, 20);
    auto* src = reinterpret_cast<uint8_t*>(mem_[20].data());
    auto* dst = reinterpret_cast<uint8_t*>(mem_[40].data());
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(10, kDomA, 100, 40, 200, 50)), GNTST_okay);
    EXPECT_EQ(memcmp(dst + 200, src + 100, 50), 0);
    EXPECT_EQ(dst[199], 0);
    EXPECT_EQ(dst[250], 0);
    // Nothing stays pinned or referenced.
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(Count(40), 1u);
    EXPECT_EQ(TCount(40), 0u);
}

TEST_F(GrantTable, CopyIntoAGrant) {
    Grant(kDomA, 11, kDomB, 21);
    memset(mem_[41].data(), 0xab, 4096);
    EXPECT_EQ(Copy(As(kDomB), GmfnToGref(41, 0, 11, kDomA, 4000, 96)), GNTST_okay);
    auto* dst = reinterpret_cast<uint8_t*>(mem_[21].data());
    EXPECT_EQ(dst[3999], 0);
    EXPECT_EQ(dst[4000], 0xab);
    EXPECT_EQ(dst[4095], 0xab);
    EXPECT_EQ(Flags(kDomA, 11), GTF_permit_access);
    EXPECT_EQ(TCount(21), 0u);
}

TEST_F(GrantTable, CopyRefusals) {
    Grant(kDomA, 10, kDomB, 20);
    Grant(kDomA, 12, kDomB, 22, GTF_readonly);
    Grant(kDomA, 13, kDomC, 23); // for someone else
    Grant(kDomA, 14, kDomB, 45); // a frame A does not own
    Grant(kDomA, 16, kDomB, kL1[kDomA]);
    Entry(kDomA, 17)->flags = GTF_accept_transfer;
    const auto b = As(kDomB);
    // Crossing the page end, on either side, or an offset past it.
    EXPECT_EQ(Copy(b, GrefToGmfn(10, kDomA, 4095, 40, 0, 2)), GNTST_bad_copy_arg);
    EXPECT_EQ(Copy(b, GrefToGmfn(10, kDomA, 0, 40, 4000, 97)), GNTST_bad_copy_arg);
    EXPECT_EQ(Copy(b, GrefToGmfn(10, kDomA, 5000, 40, 0, 0)), GNTST_bad_copy_arg);
    // The grant is checked before the lengths.
    EXPECT_EQ(Copy(b, GrefToGmfn(600, kDomA, 4095, 40, 0, 2)), GNTST_bad_gntref);
    EXPECT_EQ(Copy(b, GrefToGmfn(30, kDomA, 4095, 40, 0, 2)), GNTST_general_error);
    // Entries that do not let B in.
    EXPECT_EQ(Copy(b, GrefToGmfn(13, kDomA, 0, 40, 0, 8)), GNTST_general_error);
    EXPECT_EQ(Copy(b, GrefToGmfn(17, kDomA, 0, 40, 0, 8)), GNTST_general_error);
    EXPECT_EQ(Copy(b, GmfnToGref(40, 0, 12, kDomA, 0, 8)), GNTST_general_error); // read-only
    EXPECT_EQ(Flags(kDomA, 12), GTF_permit_access | GTF_readonly);
    EXPECT_EQ(Copy(b, GrefToGmfn(12, kDomA, 0, 40, 0, 8)), GNTST_okay); // reading is fine
    // Frames: not the granter's (bad_page), a page table as destination (general error).
    EXPECT_EQ(Copy(b, GrefToGmfn(14, kDomA, 0, 40, 0, 8)), GNTST_bad_page);
    EXPECT_EQ(Flags(kDomA, 14), GTF_permit_access);
    EXPECT_EQ(Copy(b, GmfnToGref(40, 0, 16, kDomA, 0, 8)), GNTST_general_error);
    EXPECT_EQ(Copy(b, GrefToGmfn(16, kDomA, 0, 40, 0, 8)), GNTST_okay);
    EXPECT_EQ(Flags(kDomA, 16), GTF_permit_access);
    // Frame numbers: the caller's own frames, named as DOMID_SELF only.
    gnttab_copy op = GrefToGmfn(10, kDomA, 0, 20, 0, 8); // A's frame as B's gmfn
    EXPECT_EQ(Copy(b, op), GNTST_bad_page);
    op = GrefToGmfn(10, kDomA, 0, 40, 0, 8);
    op.dest.domid = kDomB;
    EXPECT_EQ(Copy(b, op), GNTST_permission_denied);
    op.dest.domid = 9;
    EXPECT_EQ(Copy(b, op), GNTST_bad_domain);
    op.dest.domid = DOMID_IO;
    EXPECT_EQ(Copy(b, op), GNTST_bad_domain);
    op = GrefToGmfn(10, 9, 0, 40, 0, 8);
    EXPECT_EQ(Copy(b, op), GNTST_bad_domain);
    // Writing into one's own page table: no.
    EXPECT_EQ(Copy(b, GrefToGmfn(10, kDomA, 0, kL1[kDomB], 0, 8)), GNTST_general_error);
    // Nothing is left pinned or referenced by any of it.
    for (uint32_t ref : {10u, 12u, 13u, 14u, 16u})
        EXPECT_EQ(Pin(kDomA, ref), 0u) << ref;
    for (uint64_t f : {20ull, 22ull, 40ull})
        EXPECT_EQ(Count(f), 1u) << f;
    EXPECT_EQ(TCount(40), 0u);
}

TEST_F(GrantTable, CopyBatchKeepsBuffersPinnedWhileTheyStayTheSame) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    gnttab::CopyState st{};
    EXPECT_EQ(gnttab::copy_one(b, GrefToGmfn(10, kDomA, 0, 40, 0, 8), st), GNTST_okay);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access | GTF_reading);
    EXPECT_EQ(Pin(kDomA, 10), gnttab::kPinHostR);
    EXPECT_EQ(TCount(40), 1u);
    EXPECT_EQ(gnttab::copy_one(b, GrefToGmfn(10, kDomA, 8, 40, 8, 8), st), GNTST_okay);
    EXPECT_EQ(Pin(kDomA, 10), gnttab::kPinHostR);
    // A failed element lets both go; the next one claims them again.
    EXPECT_EQ(gnttab::copy_one(b, GrefToGmfn(10, kDomA, 4090, 40, 0, 8), st), GNTST_bad_copy_arg);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(gnttab::copy_one(b, GrefToGmfn(10, kDomA, 16, 40, 16, 8), st), GNTST_okay);
    gnttab::copy_release(st);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(Count(40), 1u);
    EXPECT_EQ(TCount(40), 0u);
}

TEST_F(GrantTable, CopyBatchMixingFramesAndGrantsOfOneDomain) {
    // Same domain ids from one element to the next, frame numbers then grants: the
    // domain held for the first must serve the second.
    Grant(kDomB, 10, kDomB, 41);
    const auto b = As(kDomB);
    gnttab::CopyState st{};
    for (int i = 0; i < 6; i++) {
        gnttab_copy op = GrefToGmfn(10, DOMID_SELF, 0, 40, 0, 8);
        if (i % 2 == 0) {
            op.flags = 0;
            op.source.u.gmfn = 41;
        }
        EXPECT_EQ(gnttab::copy_one(b, op, st), GNTST_okay) << i;
        op = GmfnToGref(40, 0, 10, DOMID_SELF, 0, 8);
        if (i % 3 == 0) {
            op.flags = 0;
            op.dest.u.gmfn = 41;
        }
        EXPECT_EQ(gnttab::copy_one(b, op, st), GNTST_okay) << i;
    }
    gnttab::copy_release(st);
    EXPECT_EQ(Pin(kDomB, 10), 0u);
    EXPECT_EQ(Count(41), 1u);
    EXPECT_EQ(TCount(41), 0u);
}

TEST_F(GrantTable, CopyWithinOneGrantAndToOneself) {
    Grant(kDomA, 10, kDomA, 20); // A grants to itself
    auto* f = reinterpret_cast<uint8_t*>(mem_[20].data());
    uint8_t expect[8];
    memcpy(expect, f, 8);
    gnttab_copy op{};
    op.source.u.ref = 10;
    op.source.domid = DOMID_SELF;
    op.dest.u.ref = 10;
    op.dest.domid = kDomA;
    op.dest.offset = 4;
    op.len = 8;
    op.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    EXPECT_EQ(Copy(As(kDomA), op), GNTST_okay);
    EXPECT_EQ(memcmp(f + 4, expect, 8), 0);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    // An entry naming DOMID_SELF as grantee is no grant to anyone.
    Grant(kDomA, 11, DOMID_SELF, 20);
    EXPECT_EQ(Copy(As(kDomA), GrefToGmfn(11, DOMID_SELF, 0, 21, 0, 8)), GNTST_general_error);
}

// --- Map and unmap ------------------------------------------------------------------------

TEST_F(GrantTable, MapWritableThenReadOnlyThenUnmap) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    auto m1 = Map(b, kDomA, 10, GNTMAP_host_map, kVa);
    ASSERT_EQ(m1.status, GNTST_okay);
    EXPECT_EQ(m1.handle, 0u);
    EXPECT_EQ(m1.dev_bus_addr, 20u << 12);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access | GTF_reading | GTF_writing);
    EXPECT_EQ(Pin(kDomA, 10), gnttab::kPinHostW);
    EXPECT_EQ(Pte(kDomB, kVa) & (pt::kAddrMask | pt::kRw | pt::kPresent),
              (20u << 12) | pt::kRw | pt::kPresent);
    EXPECT_EQ(Count(20), 2u);
    EXPECT_EQ(TCount(20), 1u);

    auto m2 = Map(b, kDomA, 10, GNTMAP_host_map | GNTMAP_readonly, kVa2);
    ASSERT_EQ(m2.status, GNTST_okay);
    EXPECT_EQ(m2.handle, 1u);
    EXPECT_EQ(Pin(kDomA, 10), gnttab::kPinHostW + gnttab::kPinHostR);
    EXPECT_EQ(Pte(kDomB, kVa2) & pt::kRw, 0u);
    EXPECT_EQ(Count(20), 3u);
    EXPECT_EQ(TCount(20), 1u);

    // The entry must still map the frame with the grant's rights, at the address given.
    EXPECT_EQ(Unmap(b, m2.handle, kVa), GNTST_general_error);
    EXPECT_EQ(Unmap(b, m2.handle, kVa2 + 4096), GNTST_general_error);
    EXPECT_EQ(Unmap(b, 99, kVa2), GNTST_bad_handle);
    EXPECT_EQ(Unmap(b, 100000, kVa2), GNTST_bad_handle);
    EXPECT_EQ(Unmap(b, m2.handle, kVa2), GNTST_okay);
    EXPECT_EQ(Unmap(b, m2.handle, kVa2), GNTST_bad_handle);
    EXPECT_EQ(Pte(kDomB, kVa2), 0u);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access | GTF_reading | GTF_writing);
    // No host address: nothing done, the handle stays.
    EXPECT_EQ(Unmap(b, m1.handle, 0), GNTST_okay);
    EXPECT_EQ(Pin(kDomA, 10), gnttab::kPinHostW);
    EXPECT_EQ(Unmap(b, m1.handle, kVa), GNTST_okay);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(TCount(20), 0u);
    EXPECT_EQ(gnttab::maptrack_in_use(kDomB), 0u);
    EXPECT_GT(g_flushes, 0u);
}

TEST_F(GrantTable, MapRefusals) {
    Grant(kDomA, 10, kDomB, 20);
    Grant(kDomA, 12, kDomB, 22, GTF_readonly);
    Grant(kDomA, 13, kDomB, kL1[kDomA]);
    Grant(kDomA, 14, kDomB, 45);
    Grant(kDomA, 15, kDomB, 23, GTF_sub_page);
    const auto b = As(kDomB);
    EXPECT_EQ(Map(b, kDomA, 10, 0, kVa).status, GNTST_bad_gntref); // neither host nor device
    EXPECT_EQ(Map(b, DOMID_SELF, 10, GNTMAP_host_map, kVa).status, GNTST_bad_domain);
    EXPECT_EQ(Map(b, 9, 10, GNTMAP_host_map, kVa).status, GNTST_bad_domain);
    EXPECT_EQ(Map(b, kDomA, 512, GNTMAP_host_map, kVa).status, GNTST_bad_gntref);
    EXPECT_EQ(Map(b, kDomA, 11, GNTMAP_host_map, kVa).status, GNTST_general_error);
    EXPECT_EQ(Map(b, kDomA, 12, GNTMAP_host_map, kVa).status, GNTST_general_error);
    EXPECT_EQ(Map(b, kDomA, 13, GNTMAP_host_map, kVa).status, GNTST_general_error);
    EXPECT_EQ(Map(b, kDomA, 14, GNTMAP_host_map, kVa).status, GNTST_bad_page);
    EXPECT_EQ(Map(b, kDomA, 15, GNTMAP_host_map, kVa).status, GNTST_general_error);
    EXPECT_EQ(Map(b, kDomA, 10, GNTMAP_host_map, kNoL1Va).status, GNTST_general_error);
    EXPECT_EQ(
        Map(b, kDomA, 10, GNTMAP_host_map | GNTMAP_contains_pte, (kL1[kDomB] << 12) + 1).status,
        GNTST_general_error);
    // Someone else's L1 table is no place for B's mapping.
    EXPECT_EQ(Map(b, kDomA, 10, GNTMAP_host_map | GNTMAP_contains_pte, kL1[kDomC] << 12).status,
              GNTST_general_error);
    // None of it left anything behind; failed maps cost no handle.
    for (uint32_t ref : {10u, 12u, 13u, 14u, 15u})
        EXPECT_EQ(Pin(kDomA, ref), 0u) << ref;
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(Flags(kDomA, 12), GTF_permit_access | GTF_readonly);
    EXPECT_EQ(Flags(kDomA, 13), GTF_permit_access);
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(TCount(20), 0u);
    EXPECT_EQ(Count(kL1[kDomA]), 2u); // allocation + pin
    // Read-only maps of a read-only grant and of a page table are fine.
    auto m = Map(b, kDomA, 12, GNTMAP_host_map | GNTMAP_readonly, kVa);
    EXPECT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(Flags(kDomA, 12), GTF_permit_access | GTF_readonly | GTF_reading);
    EXPECT_EQ(Unmap(b, m.handle, kVa), GNTST_okay);
    m = Map(b, kDomA, 13, GNTMAP_host_map | GNTMAP_readonly, kVa);
    EXPECT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(Unmap(b, m.handle, kVa), GNTST_okay);
    EXPECT_EQ(Count(kL1[kDomA]), 2u);
}

TEST_F(GrantTable, PinnedByOneDomainOnly) {
    Grant(kDomA, 10, kDomB, 20);
    auto m = Map(As(kDomB), kDomA, 10, GNTMAP_device_map, 0);
    ASSERT_EQ(m.status, GNTST_okay);
    // While pinned, the entry's grantee is not looked at again: C is refused because the
    // pin is B's, even after A rewrites the entry for C.
    Entry(kDomA, 10)->domid = kDomC;
    EXPECT_EQ(Map(As(kDomC), kDomA, 10, GNTMAP_device_map, 0).status, GNTST_general_error);
    EXPECT_EQ(Copy(As(kDomC), GrefToGmfn(10, kDomA, 0, 60, 0, 8)), GNTST_general_error);
    // B's pin still works for more, the rewritten entry notwithstanding.
    EXPECT_EQ(Copy(As(kDomB), GrefToGmfn(10, kDomA, 0, 40, 0, 8)), GNTST_okay);
    EXPECT_EQ(Unmap(As(kDomB), m.handle, 0, m.dev_bus_addr), GNTST_okay);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(TCount(20), 0u);
}

TEST_F(GrantTable, DeviceMappings) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    auto m = Map(b, kDomA, 10, GNTMAP_device_map | GNTMAP_host_map, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(Pin(kDomA, 10), gnttab::kPinDevW + gnttab::kPinHostW);
    EXPECT_EQ(Count(20), 3u); // one each
    EXPECT_EQ(TCount(20), 2u);
    EXPECT_EQ(Unmap(b, m.handle, 0, 0x1000), GNTST_bad_dev_addr);
    EXPECT_EQ(Unmap(b, m.handle, kVa, 0), GNTST_okay); // the host half
    EXPECT_EQ(Pin(kDomA, 10), gnttab::kPinDevW);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access | GTF_reading | GTF_writing);
    EXPECT_EQ(Unmap(b, m.handle, 0, m.dev_bus_addr), GNTST_okay);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(TCount(20), 0u);
    EXPECT_EQ(Unmap(b, m.handle, 0, m.dev_bus_addr), GNTST_bad_handle);
}

TEST_F(GrantTable, ContainsPteAndApplicationMappings) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    uint64_t pte_maddr = (kL1[kDomB] << 12) + 9 * 8;
    auto m = Map(b, kDomA, 10, GNTMAP_host_map | GNTMAP_contains_pte, pte_maddr);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(mem_[kL1[kDomB]][9] & pt::kAddrMask, 20u << 12);
    // Adjusted as every guest kernel mapping: user bit and the guest-kernel marker.
    EXPECT_EQ(mem_[kL1[kDomB]][9] & (pt::kUser | pt::kGuestKernel), pt::kUser | pt::kGuestKernel);
    EXPECT_EQ(Unmap(b, m.handle, kVaBase + 9 * 4096), GNTST_general_error); // not a linear address
    EXPECT_EQ(Unmap(b, m.handle, pte_maddr), GNTST_okay);
    EXPECT_EQ(mem_[kL1[kDomB]][9], 0u);
    EXPECT_EQ(Count(20), 1u);
}

TEST_F(GrantTable, MappingOverAnExistingEntryDropsItsReferences) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    // B maps its own frame 41 writable at kVa first.
    bool flush = false;
    ASSERT_EQ(memory::update_entry(kL1[kDomB], 5, (41u << 12) | pt::kPresent | pt::kRw,
                                   memory::EntryWrite::normal, kDomB, kDomB, &flush),
              0);
    EXPECT_EQ(Count(41), 2u);
    EXPECT_EQ(TCount(41), 1u);
    auto m = Map(b, kDomA, 10, GNTMAP_host_map, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(Count(41), 1u);
    EXPECT_EQ(TCount(41), 0u);
    // B overwrites the grant's entry itself: the entry's references go with it, the
    // unmap fails (the pin stays until B goes away, as in Xen).
    ASSERT_EQ(
        memory::update_entry(kL1[kDomB], 5, 0, memory::EntryWrite::normal, kDomB, kDomB, &flush),
        0);
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(TCount(20), 0u);
    EXPECT_EQ(Unmap(b, m.handle, kVa), GNTST_general_error);
    EXPECT_EQ(Pin(kDomA, 10), gnttab::kPinHostW);
    gnttab::domain_destroy(kDomB);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(Count(20), 1u);
}

TEST_F(GrantTable, UnmapAndReplaceMovesAnotherEntryIn) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    auto m = Map(b, kDomA, 10, GNTMAP_host_map, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    bool flush = false;
    ASSERT_EQ(memory::update_entry(kL1[kDomB], 6, (42u << 12) | pt::kPresent,
                                   memory::EntryWrite::normal, kDomB, kDomB, &flush),
              0);
    gnttab::Unmap u{};
    u.host_addr = kVa;
    u.new_addr = kVa2;
    u.handle = m.handle;
    g_current = kDomB;
    gnttab::unmap_begin(b, u);
    gnttab::unmap_complete(b, u);
    EXPECT_EQ(u.status, GNTST_okay);
    EXPECT_EQ(Pte(kDomB, kVa) & pt::kAddrMask, 42u << 12);
    EXPECT_EQ(Pte(kDomB, kVa2), 0u);
    EXPECT_EQ(Count(42), 2u); // the moved entry keeps its reference
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
}

TEST_F(GrantTable, HandlesComeBackInXensOrder) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    // First-in first-out per vCPU: a freed handle goes to the tail of the list.
    std::vector<uint32_t> seen;
    for (int i = 0; i < 4; i++) {
        auto m = Map(b, kDomA, 10, GNTMAP_device_map | GNTMAP_readonly, 0);
        ASSERT_EQ(m.status, GNTST_okay);
        seen.push_back(m.handle);
        EXPECT_EQ(Unmap(b, m.handle, 0, m.dev_bus_addr), GNTST_okay);
    }
    EXPECT_EQ(seen, (std::vector<uint32_t>{0, 1, 2, 3}));
    // A failed map takes a handle and gives it back to the tail.
    EXPECT_EQ(Map(b, kDomA, 600, GNTMAP_device_map, 0).status, GNTST_bad_gntref);
    EXPECT_EQ(Map(b, kDomA, 10, GNTMAP_device_map | GNTMAP_readonly, 0).handle, 5u);
    // Another vCPU starts its own maptrack frame.
    auto m = Map(As(kDomB, 1), kDomA, 10, GNTMAP_device_map | GNTMAP_readonly, 0);
    EXPECT_EQ(m.handle, 256u);
}

TEST_F(GrantTable, PinCountersStopShortOfOverflow) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    std::vector<uint32_t> handles;
    for (int i = 0; i < 128; i++) {
        auto m = Map(b, kDomA, 10, GNTMAP_device_map | GNTMAP_readonly, 0);
        ASSERT_EQ(m.status, GNTST_okay) << i;
        handles.push_back(m.handle);
    }
    EXPECT_EQ(Map(b, kDomA, 10, GNTMAP_device_map | GNTMAP_readonly, 0).status,
              GNTST_general_error);
    // The other counters are independent.
    auto w = Map(b, kDomA, 10, GNTMAP_device_map, 0);
    EXPECT_EQ(w.status, GNTST_okay);
    EXPECT_EQ(Pin(kDomA, 10), 128u * gnttab::kPinDevR + gnttab::kPinDevW);
    for (uint32_t h : handles)
        EXPECT_EQ(Unmap(b, h, 0, 20u << 12), GNTST_okay);
    EXPECT_EQ(Unmap(b, w.handle, 0, 20u << 12), GNTST_okay);
    EXPECT_EQ(Count(20), 1u);
    EXPECT_EQ(TCount(20), 0u);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
}

TEST_F(GrantTable, MaptrackGrowsBeyondOneFrame) {
    Grant(kDomA, 10, kDomB, 20);
    const auto b = As(kDomB);
    std::vector<uint32_t> handles;
    for (int i = 0; i < 120; i++) {
        Grant(kDomA, 20 + i, kDomB, 24);
        for (int j = 0; j < 3; j++) {
            auto m = Map(b, kDomA, 20 + i, GNTMAP_device_map | GNTMAP_readonly, 0);
            ASSERT_EQ(m.status, GNTST_okay);
            handles.push_back(m.handle);
        }
    }
    EXPECT_EQ(gnttab::maptrack_in_use(kDomB), 360u);
    std::set<uint32_t> unique(handles.begin(), handles.end());
    EXPECT_EQ(unique.size(), handles.size());
    EXPECT_EQ(Count(24), 361u);
    for (uint32_t h : handles)
        EXPECT_EQ(Unmap(b, h, 0, 24u << 12), GNTST_okay);
    EXPECT_EQ(Count(24), 1u);
}

TEST_F(GrantTable, SwapGrantRef) {
    Grant(kDomA, 10, kDomB, 20);
    Grant(kDomA, 11, kDomC, 21, GTF_readonly);
    const auto a = As(kDomA);
    EXPECT_EQ(gnttab::swap_grant_ref(a, 10, 11), GNTST_okay);
    EXPECT_EQ(Entry(kDomA, 10)->domid, kDomC);
    EXPECT_EQ(Entry(kDomA, 11)->frame, 20u);
    EXPECT_EQ(gnttab::swap_grant_ref(a, 10, 10), GNTST_okay);
    EXPECT_EQ(gnttab::swap_grant_ref(a, 10, 512), GNTST_bad_gntref);
    auto m = Map(As(kDomB), kDomA, 11, GNTMAP_device_map, 0);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(gnttab::swap_grant_ref(a, 10, 11), GNTST_eagain);
    EXPECT_EQ(Unmap(As(kDomB), m.handle, 0, m.dev_bus_addr), GNTST_okay);
}

TEST_F(GrantTable, CacheFlushOfOwnAndGrantedFrames) {
    Grant(kDomA, 10, kDomB, 20);
    gnttab_cache_flush op{};
    op.a.dev_bus_addr = 20u << 12;
    op.length = 64;
    op.op = GNTTAB_CACHE_CLEAN;
    EXPECT_EQ(gnttab::cache_flush(As(kDomA), op, 0), 0);           // the owner
    EXPECT_EQ(gnttab::cache_flush(As(kDomB), op, 0), -XEN_EINVAL); // not mapped by B
    auto m = Map(As(kDomB), kDomA, 10, GNTMAP_device_map | GNTMAP_readonly, 0);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(gnttab::cache_flush(As(kDomB), op, 0), 0);
    EXPECT_EQ(gnttab::cache_flush(As(kDomB), op, 11), -XEN_EINVAL); // searched from ref 11
    EXPECT_EQ(gnttab::cache_flush(As(kDomC), op, 0), -XEN_EINVAL);
    op.op = GNTTAB_CACHE_INVAL;
    EXPECT_EQ(gnttab::cache_flush(As(kDomB), op, 0), -XEN_EOPNOTSUPP);
    op.a.dev_bus_addr = 150u << 12; // a frame nobody uses
    op.op = GNTTAB_CACHE_CLEAN;
    EXPECT_EQ(gnttab::cache_flush(As(kDomB), op, 0), -XEN_EPERM);
    op.a.dev_bus_addr = uint64_t(kFrames) << 12;
    EXPECT_EQ(gnttab::cache_flush(As(kDomB), op, 0), -XEN_EINVAL);
    op.length = 0;
    EXPECT_EQ(gnttab::cache_flush(As(kDomB), op, 0), 0);
    EXPECT_EQ(gnttab::cache_flush(As(kDomB), op, 3), -XEN_EILSEQ);
    EXPECT_EQ(g_cache_flushes, 2u);
    EXPECT_EQ(Count(20), 2u); // the device mapping's reference only
    EXPECT_EQ(Unmap(As(kDomB), m.handle, 0, m.dev_bus_addr), GNTST_okay);
    EXPECT_EQ(Count(20), 1u);
}

// --- Concurrent changes of the shared entry ---------------------------------------------

TEST_F(GrantTable, EntryRevokedBeforeThePinIsRefused) {
    Grant(kDomA, 10, kDomB, 20);
    Entry(kDomA, 10)->flags = GTF_invalid; // the granter ends the grant
    EXPECT_EQ(Map(As(kDomB), kDomA, 10, GNTMAP_host_map, kVa).status, GNTST_general_error);
    Grant(kDomA, 10, kDomB, 20, GTF_readonly); // and offers it read-only
    EXPECT_EQ(Copy(As(kDomB), GmfnToGref(40, 0, 10, kDomA, 0, 8)), GNTST_general_error);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access | GTF_readonly);
}

TEST_F(GrantTable, ConcurrentUseLeavesNothingBehind) {
    // Two vCPUs of B map, copy and unmap A's grants while A keeps flipping one entry
    // between writable and read-only: whatever each operation answers, every pin,
    // reference and status flag is back where it started at the end.
    for (uint32_t i = 0; i < 4; i++)
        Grant(kDomA, 10 + i, kDomB, 20 + i);
    grant_entry_v1* flipping = Entry(kDomA, 13);
    std::atomic<bool> stop{false};
    auto worker = [&](unsigned vcpu) {
        const gnttab::Caller b{kDomB, vcpu, false};
        for (unsigned n = 0; n < 2000; n++) {
            uint32_t ref = 10 + (n + vcpu) % 4;
            bool ro = (n / 4) % 2;
            gnttab_map_grant_ref m{};
            m.flags = GNTMAP_device_map | (ro ? GNTMAP_readonly : 0);
            m.ref = ref;
            m.dom = kDomA;
            gnttab::map_grant_ref(b, m);
            gnttab::CopyState st{};
            gnttab::copy_one(b, GrefToGmfn(ref, kDomA, 8 * vcpu, 40 + vcpu, 0, 8), st);
            gnttab::copy_one(b, GmfnToGref(40 + vcpu, 0, ref, kDomA, 64 + 8 * vcpu, 8), st);
            gnttab::copy_release(st);
            if (m.status == GNTST_okay) {
                gnttab::Unmap u{};
                u.dev_bus_addr = m.dev_bus_addr;
                u.handle = m.handle;
                gnttab::unmap_begin(b, u);
                gnttab::unmap_complete(b, u);
                EXPECT_EQ(u.status, GNTST_okay);
            }
        }
    };
    std::thread flipper([&] {
        while (!stop.load()) {
            __atomic_fetch_xor(&flipping->flags, GTF_readonly, __ATOMIC_SEQ_CST);
            std::this_thread::sleep_for(std::chrono::microseconds(5));
        }
    });
    std::thread t0(worker, 0), t1(worker, 1);
    t0.join();
    t1.join();
    stop = true;
    flipper.join();
    for (uint32_t i = 0; i < 4; i++) {
        EXPECT_EQ(Pin(kDomA, 10 + i), 0u);
        EXPECT_EQ(Flags(kDomA, 10 + i) & ~GTF_readonly, GTF_permit_access);
        EXPECT_EQ(Count(20 + i), 1u);
        EXPECT_EQ(TCount(20 + i), 0u);
    }
    EXPECT_EQ(Count(40), 1u);
    EXPECT_EQ(TCount(41), 0u);
    EXPECT_EQ(gnttab::maptrack_in_use(kDomB), 0u);
}

// --- Domains going away ------------------------------------------------------------------

TEST_F(GrantTable, GranterDestroyedWhileMappedKeepsTheFrame) {
    Grant(kDomA, 10, kDomB, 12);
    const auto b = As(kDomB);
    auto m = Map(b, kDomA, 10, GNTMAP_host_map, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    uint64_t shared = gnttab::shared_frame(kDomA, 0);
    size_t pool = g_pool.size();
    g_live.erase(kDomA);
    gnttab::domain_destroy(kDomA);
    // The shared frame and the mapped frame stay A's, for the domain's memory release
    // to free once nobody references them (memory::relinquish_frames); the mapping
    // still works.
    EXPECT_EQ(g_pool.size(), pool);
    EXPECT_EQ(table_.page(shared)->owner, kDomA);
    EXPECT_TRUE(table_.page(shared)->count_info & memory::kCountXenHeap);
    EXPECT_EQ(table_.page(12)->owner, kDomA);
    EXPECT_EQ(Count(12), 2u) << "the allocation's and B's mapping's";
    EXPECT_FALSE(gnttab::has_table(kDomA));
    // No new grants of the dead domain; the old mapping unmaps normally.
    EXPECT_EQ(Map(b, kDomA, 10, GNTMAP_host_map, kVa2).status, GNTST_bad_domain);
    EXPECT_EQ(Copy(b, GrefToGmfn(10, kDomA, 0, 40, 0, 8)), GNTST_bad_domain);
    EXPECT_EQ(Unmap(b, m.handle, kVa), GNTST_okay);
    EXPECT_EQ(Count(12), 1u);
    EXPECT_EQ(TCount(12), 0u);
    // A domain with the same id later gets a fresh table.
    g_live.insert(kDomA);
    EXPECT_EQ(Flags(kDomA, 10), 0u);
}

TEST_F(GrantTable, MapperDestroyedReleasesItsPins) {
    Grant(kDomA, 10, kDomB, 20);
    Grant(kDomA, 11, kDomB, 21);
    const auto b = As(kDomB);
    ASSERT_EQ(Map(b, kDomA, 10, GNTMAP_host_map | GNTMAP_readonly, kVa).status, GNTST_okay);
    ASSERT_EQ(Map(b, kDomA, 11, GNTMAP_device_map, 0).status, GNTST_okay);
    EXPECT_EQ(Count(21), 2u);
    g_live.erase(kDomB);
    gnttab::domain_destroy(kDomB);
    EXPECT_EQ(Pin(kDomA, 10), 0u);
    EXPECT_EQ(Pin(kDomA, 11), 0u);
    EXPECT_EQ(Flags(kDomA, 10), GTF_permit_access);
    EXPECT_EQ(Flags(kDomA, 11), GTF_permit_access);
    EXPECT_EQ(Count(21), 1u); // the device mapping's reference was the maptrack's
    EXPECT_EQ(TCount(21), 0u);
    // The host mapping's reference belongs to B's page-table entry, which goes with B's
    // memory.
    EXPECT_EQ(Count(20), 2u);
}

TEST_F(GrantTable, SelfMappingsGoWithTheDomain) {
    Grant(kDomA, 10, kDomA, 20);
    const auto a = As(kDomA);
    auto m = Map(a, kDomA, 10, GNTMAP_host_map, kVa);
    ASSERT_EQ(m.status, GNTST_okay);
    EXPECT_EQ(Pte(kDomA, kVa) & pt::kAddrMask, 20u << 12);
    gnttab::domain_destroy(kDomA);
    EXPECT_FALSE(gnttab::has_table(kDomA));
    EXPECT_EQ(table_.page(20)->owner, kDomA); // nobody else has it pinned
}

} // namespace
