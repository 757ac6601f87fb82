// libFuzzer target: common/grant_table.h (grant tables v1) with the page-type code under
// it. Four domains over 256 fake frames, each with a pinned L1 table for host mappings;
// the input is a program of guest actions: granters writing (and rewriting) grant
// entries, grantees mapping (host, device, read-only, through a PTE address), unmapping
// with real or made-up handles, copying between grants and frames, growing tables,
// swapping entries, transfers. After every step: every frame the L1 tables map writable
// (grant mappings included) is typed writable (so it cannot be a page table). At the end the guests unmap what
// they mapped and clear their L1s, every domain goes away (domain_destroy), and every
// frame must be back to its allocation reference alone, the shared grant frames back in
// the pool: nothing leaked, nothing freed twice.
// GRANT_FUZZ_TRACE=1 in the environment prints the steps (replaying a crash-* input).
// FUZZ_REQUIRES: hypervisor/common/grant_table.h
#include <fuzzer/FuzzedDataProvider.h>
#include <stddef.h>
#include <stdint.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <vector>

#include "arch/pv_pagetable.h"
#include "common/grant_table.h"
#include "common/memory/page_type.h"
#include "public/grant_table.h"

namespace {

using memory::DomId;
using memory::PageInfo;
namespace pt = arch::pvpt;
using namespace xen;

constexpr uint64_t kFrames = 256;
constexpr DomId kDoms = 4;                   // 0 privileged, 1..3 not
constexpr uint64_t kL1[kDoms] = {70, 71, 72, 73};
constexpr uint64_t kVaBase = 0x40000000;     // linear address of L1 slot 0

std::vector<std::array<uint64_t, 512>> mem(kFrames);
std::vector<PageInfo> pages(kFrames);
memory::FrameTable table;
std::vector<uint64_t> pool;
std::set<DomId> live;
DomId current;

[[noreturn]] void fail(const char* what, uint64_t a, uint64_t b) {
    fprintf(stderr, "grant_table_fuzz: %s (%lu, %lu)\n", what, (unsigned long)a,
            (unsigned long)b);
    abort();
}

uint64_t* map_words(uint64_t mfn) {
    if (mfn >= kFrames)
        fail("page-type code mapped a frame outside the table", mfn, 0);
    return mem[mfn].data();
}
void* map_frame(uint64_t mfn) {
    if (mfn >= kFrames)
        fail("grant code mapped a frame outside the table", mfn, 0);
    return mem[mfn].data();
}
bool privileged(DomId d) { return d == 0; }
uint64_t alloc_frame() {
    if (pool.empty())
        return ~0ull;
    uint64_t mfn = pool.back();
    pool.pop_back();
    PageInfo* pg = table.page(mfn);
    if (memory::page_count(pg) != 0)
        fail("a pool frame handed out with references", mfn, memory::page_count(pg));
    pg->owner = memory::kDomIdXen;
    pg->state = memory::FrameState::allocated;
    mem[mfn].fill(0);
    return mfn;
}
void free_frame(uint64_t mfn) {
    PageInfo* pg = table.page(mfn);
    if (pg->owner != memory::kDomIdXen || pg->count_info != 0)
        fail("a grant frame freed while still referenced or not the hypervisor's", mfn,
             pg->count_info);
    pg->state = memory::FrameState::free;
    pool.push_back(mfn);
}
void* zalloc(size_t n) { return calloc(1, n); }
void release(void* p) { free(p); }
bool domain_live(DomId d) { return live.count(d) != 0; }

bool locate(uint64_t addr, uint32_t flags, uint64_t* l1, unsigned* index) {
    if (flags & GNTMAP_contains_pte) {
        if (addr & 7)
            return false;
        *l1 = addr >> 12;
        *index = (addr & 0xfff) >> 3;
        return *l1 < kFrames;
    }
    if (addr < kVaBase || addr >= kVaBase + 512 * 4096)
        return false;
    *l1 = kL1[current];
    *index = unsigned((addr - kVaBase) >> 12);
    return true;
}
int16_t create_host(uint64_t addr, uint64_t mfn, uint32_t flags, uint32_t) {
    uint64_t l1, old;
    unsigned index;
    uint64_t pte = (mfn << 12) | pt::kPresent | pt::kAccessed | pt::kDirty |
                   ((flags & GNTMAP_readonly) ? 0 : pt::kRw);
    if (!locate(addr, flags, &l1, &index) ||
        memory::exchange_l1_entry(l1, index, pte, current, 0, 0, &old))
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
            memory::exchange_l1_entry(nl1, nindex, 0, current, 0, 0, &stolen))
            return GNTST_general_error;
    }
    uint64_t expect = (mfn << 12) | pt::kPresent | ((flags & GNTMAP_readonly) ? 0 : pt::kRw);
    if (!locate(addr, flags, &l1, &index) ||
        memory::exchange_l1_entry(l1, index, stolen, current, expect,
                                  pt::kAddrMask | pt::kPresent | pt::kRw, &old)) {
        memory::put_l1e_references(stolen);
        return GNTST_general_error;
    }
    return GNTST_okay;
}
void flush_tlb(DomId) {}
void flush_cache(uint64_t, unsigned, unsigned) {}

DomId owner_of(uint64_t f) {
    return f < 24 ? 0 : f < 40 ? 1 : f < 56 ? 2 : 3;
}

void setup() {
    for (auto& m : mem)
        m.fill(0);
    table.init(pages.data(), kFrames);
    memory::PageTableEnv penv{};
    penv.frames = &table;
    penv.map = map_words;
    penv.privileged = privileged;
    penv.nx = true;
    memory::page_type_init(penv);
    gnttab::Env env{};
    env.frames = &table;
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
    pool.clear();
    for (uint64_t f = kFrames - 1; f >= 128; f--)
        pool.push_back(f);
    live = {0, 1, 2, 3};
    auto give = [](uint64_t f, DomId d) {
        PageInfo* pg = table.page(f);
        pg->owner = d;
        pg->count_info = memory::kCountAllocated | 1;
        pg->type_info = 0;
        pg->state = memory::FrameState::allocated;
    };
    for (uint64_t f = 8; f < 70; f++)
        give(f, owner_of(f));
    for (DomId d = 0; d < kDoms; d++) {
        give(kL1[d], d);
        if (memory::pin_table(kL1[d], d, memory::PageType::l1))
            fail("cannot pin an empty L1", kL1[d], d);
    }
}

gnttab::Caller as(DomId d, unsigned vcpu = 0) {
    current = d;
    return {d, vcpu, d == 0};
}

grant_entry_v1* entry(DomId d, uint32_t ref) {
    uint64_t mfn = gnttab::shared_frame(d, ref / gnttab::kEntriesPerFrame);
    if (mfn == ~0ull || mfn >= kFrames)
        return nullptr;
    return reinterpret_cast<grant_entry_v1*>(mem[mfn].data()) + ref % gnttab::kEntriesPerFrame;
}

struct Mapping {
    DomId by;
    uint32_t handle;
    uint64_t addr;
};

// The safety rule the grant code must keep with the page-type code: whatever the
// mapping domains' L1 tables map writable (grant host mappings included) is typed
// writable, so it can never be a page table at the same time. (A grant may stay pinned
// writable with no mapping left, e.g. after a failed unmap_and_replace took its entry:
// Xen 4.17 does the same; that pin grants nothing.)
void check_pins() {
    for (DomId d = 0; d < kDoms; d++)
        for (unsigned i = 0; i < 512; i++) {
            uint64_t e = mem[kL1[d]][i];
            if (!(e & pt::kPresent) || !(e & pt::kRw))
                continue;
            uint64_t f = (e & pt::kAddrMask) >> 12;
            if (f >= kFrames)
                continue;
            const PageInfo* pg = table.page(f);
            if (memory::type_of(pg->type_info) != memory::PageType::writable ||
                memory::type_count(pg) == 0) {
                fprintf(stderr, "grant_table_fuzz: L1 of d%u entry %u maps frame %lu writable, "
                                "type_info %#lx\n",
                        d, i, (unsigned long)f, (unsigned long)pg->type_info);
                fail("a frame mapped writable is not typed writable", d, i);
            }
        }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    setup();
    std::vector<Mapping> maps;
    auto dom = [&] { return DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms)); }; // 4: absent
    auto ref = [&] {
        return in.ConsumeBool() ? in.ConsumeIntegralInRange<uint32_t>(0, 40)
                                : in.ConsumeIntegral<uint32_t>();
    };
    auto frame = [&] {
        return in.ConsumeBool() ? in.ConsumeIntegralInRange<uint64_t>(0, kFrames + 2)
                                : in.ConsumeIntegral<uint64_t>();
    };
    static const bool trace = getenv("GRANT_FUZZ_TRACE") != nullptr;
    for (int step = 0; step < 64 && in.remaining_bytes() > 0; step++) {
        int op_kind = in.ConsumeIntegralInRange<int>(0, 8);
        if (trace)
            fprintf(stderr, "step %d: op %d\n", step, op_kind);
        switch (op_kind) {
        case 0: { // a granter writes an entry (maybe while it is in use)
            DomId d = DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1));
            uint32_t nr, max;
            gnttab::query_size(as(d), DOMID_SELF, &nr, &max);
            if (grant_entry_v1* e = entry(d, in.ConsumeIntegralInRange<uint32_t>(0, 40))) {
                e->domid = dom();
                e->frame = uint32_t(frame());
                static const uint16_t kFlags[] = {GTF_permit_access,
                                                  GTF_permit_access | GTF_readonly,
                                                  GTF_accept_transfer, GTF_invalid,
                                                  GTF_transitive, 0xffff};
                e->flags = kFlags[in.ConsumeIntegralInRange<size_t>(0, 5)];
                if (trace)
                    fprintf(stderr, "  d%u entry: domid %u frame %u flags %#x\n", d, e->domid,
                            e->frame, e->flags);
            }
            break;
        }
        case 1:
        case 2: { // map
            DomId by = DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1));
            gnttab_map_grant_ref op{};
            static const uint32_t kMapFlags[] = {
                GNTMAP_host_map, GNTMAP_host_map | GNTMAP_readonly, GNTMAP_device_map,
                GNTMAP_device_map | GNTMAP_readonly, GNTMAP_host_map | GNTMAP_device_map,
                GNTMAP_host_map | GNTMAP_contains_pte, 0, 0xffffffff};
            op.flags = kMapFlags[in.ConsumeIntegralInRange<size_t>(0, 7)];
            op.host_addr = (op.flags & GNTMAP_contains_pte)
                               ? (kL1[in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1)] << 12) +
                                     8 * in.ConsumeIntegralInRange<unsigned>(0, 511)
                               : kVaBase + 4096 * in.ConsumeIntegralInRange<uint64_t>(0, 520);
            op.ref = ref();
            op.dom = in.ConsumeBool() ? DOMID_SELF : dom();
            gnttab::Caller c = as(by, in.ConsumeIntegralInRange<unsigned>(0, 2));
            gnttab::map_grant_ref(c, op);
            if (trace)
                fprintf(stderr, "  d%u maps d%u ref %u flags %#x at %#lx: status %d handle %u\n",
                        by, op.dom, op.ref, op.flags, (unsigned long)op.host_addr, op.status,
                        op.handle);
            if (op.status == GNTST_okay)
                maps.push_back({by, op.handle, op.host_addr});
            break;
        }
        case 3: { // unmap: a real handle or a made-up one
            DomId by;
            uint32_t handle;
            uint64_t addr;
            size_t pick = maps.empty() ? 0 : in.ConsumeIntegralInRange<size_t>(0, maps.size());
            if (pick < maps.size()) {
                by = maps[pick].by;
                handle = maps[pick].handle;
                addr = in.ConsumeBool() ? maps[pick].addr : kVaBase;
            } else {
                by = DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1));
                handle = in.ConsumeIntegral<uint32_t>();
                addr = kVaBase + 4096 * in.ConsumeIntegralInRange<uint64_t>(0, 511);
            }
            gnttab::Caller c = as(by);
            gnttab::Unmap u{};
            u.host_addr = addr;
            u.handle = handle;
            u.new_addr = in.ConsumeBool() ? 0 : kVaBase + 4096 * in.ConsumeIntegralInRange<uint64_t>(0, 511);
            gnttab::unmap_begin(c, u);
            gnttab::flush_tlb(by);
            gnttab::unmap_complete(c, u);
            if (trace)
                fprintf(stderr, "  d%u unmaps handle %u at %#lx (new_addr %#lx): status %d\n", by,
                        handle, (unsigned long)addr, (unsigned long)u.new_addr, u.status);
            if (u.status == GNTST_okay && pick < maps.size())
                maps.erase(maps.begin() + long(pick));
            break;
        }
        case 4: { // copy
            gnttab::Caller c = as(DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1)));
            gnttab_copy op{};
            op.flags = uint16_t(in.ConsumeIntegralInRange<unsigned>(0, 4));
            op.source.domid = in.ConsumeBool() ? DOMID_SELF : dom();
            op.dest.domid = in.ConsumeBool() ? DOMID_SELF : dom();
            if (op.flags & GNTCOPY_source_gref)
                op.source.u.ref = ref();
            else
                op.source.u.gmfn = frame();
            if (op.flags & GNTCOPY_dest_gref)
                op.dest.u.ref = ref();
            else
                op.dest.u.gmfn = frame();
            op.source.offset = in.ConsumeIntegral<uint16_t>() & 0x1fff;
            op.dest.offset = in.ConsumeIntegral<uint16_t>() & 0x1fff;
            op.len = in.ConsumeIntegral<uint16_t>() & 0x1fff;
            gnttab::CopyState st{};
            for (int n = in.ConsumeIntegralInRange<int>(1, 3); n > 0; n--)
                gnttab::copy_one(c, op, st);
            gnttab::copy_release(st);
            break;
        }
        case 5: { // grow a table
            static uint64_t mfns[gnttab::kMaxFrames + 8];
            gnttab::Caller c = as(DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1)));
            uint32_t nr = in.ConsumeIntegralInRange<uint32_t>(0, gnttab::kMaxFrames + 4);
            if (nr <= gnttab::kMaxFrames + 8)
                gnttab::setup_table(c, in.ConsumeBool() ? DOMID_SELF : dom(), nr, mfns);
            break;
        }
        case 6: {
            gnttab::Caller c = as(DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1)));
            gnttab::swap_grant_ref(c, ref(), ref());
            break;
        }
        case 7: {
            gnttab::Caller c = as(DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1)));
            gnttab::transfer(c, frame(), dom(), ref());
            break;
        }
        case 8: { // the mapping domain overwrites one of its L1 entries itself
            DomId d = DomId(in.ConsumeIntegralInRange<unsigned>(0, kDoms - 1));
            bool flush_all = false;
            memory::update_entry(kL1[d], in.ConsumeIntegralInRange<unsigned>(0, 511), 0,
                                 memory::EntryWrite::normal, d, d, &flush_all);
            break;
        }
        }
        check_pins();
    }
    // A clean end: every mapping the guests know of is unmapped through the grant
    // interface, what is left in their L1s (host mappings whose unmap failed, because the
    // guest overwrote or moved the entry) is cleared by the guests themselves, then every
    // domain goes away (its remaining pins, its device mappings, its shared frames).
    for (const Mapping& m : maps) {
        gnttab::Caller c = as(m.by);
        gnttab::Unmap u{};
        u.host_addr = m.addr;
        u.handle = m.handle;
        gnttab::unmap_begin(c, u);
        gnttab::flush_tlb(m.by);
        gnttab::unmap_complete(c, u);
    }
    for (DomId d = 0; d < kDoms; d++)
        for (unsigned i = 0; i < 512; i++)
            if (mem[kL1[d]][i]) {
                bool flush_all = false;
                memory::update_entry(kL1[d], i, 0, memory::EntryWrite::normal, d, d, &flush_all);
            }
    check_pins();
    for (DomId d = 0; d < kDoms; d++) {
        live.erase(d);
        gnttab::domain_destroy(d);
    }
    for (DomId d = 0; d < kDoms; d++)
        if (memory::unpin_table(kL1[d], d))
            fail("cannot unpin an L1 at the end", kL1[d], d);
    for (uint64_t f = 8; f < 74; f++) {
        const PageInfo* pg = table.page(f);
        if (memory::page_count(pg) != 1 || memory::type_count(pg) != 0)
            fail("a frame's references are not back to its allocation", f,
                 memory::page_count(pg));
    }
    for (uint64_t f = 128; f < kFrames; f++)
        if (table.page(f)->count_info != 0)
            fail("a grant frame still referenced after every domain went away", f,
                 table.page(f)->count_info);
    return 0;
}
