// libFuzzer target: common/memory/page_type.h, the PV MMU's page-type rules. The input is
// a program of guest-level operations (pin, unpin, entry updates through mmu_update and
// update_va_mapping, base-pointer style references, raw writes to frames the guest can
// write through a writable mapping) by three domains over 64 fake frames. After every operation the safety rule is
// checked against the frames' contents: every validated table in use maps, through each
// present entry, only frames of the right type (an L1's writable entries only frames
// typed writable; an L2..L4's entries only validated tables one level down, or the same
// level for linear page tables). At the end everything is torn down (entries cleared,
// pins and references dropped) and every frame must be back to its allocation reference
// alone: no leaked or missing reference, whatever the sequence.
// FUZZ_REQUIRES: hypervisor/common/memory/page_type.h
#include <fuzzer/FuzzedDataProvider.h>
#include <stddef.h>
#include <stdint.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "arch/pv_pagetable.h"
#include "common/memory/page_type.h"

namespace {

using memory::DomId;
using memory::PageInfo;
using memory::PageType;
namespace pt = arch::pvpt;

constexpr uint64_t kFrames = 64;
constexpr DomId kPriv = 0, kDomA = 1, kDomB = 2;
constexpr uint64_t kXenSlot = 0x7ff000 | pt::kPresent; // what the "hypervisor" installs

std::vector<std::array<uint64_t, 512>> mem(kFrames);
std::vector<PageInfo> pages(kFrames);
memory::FrameTable table;

uint64_t* map_frame(uint64_t mfn) {
    if (mfn >= kFrames)
        abort(); // the page-type code mapped a frame it should not have
    return mem[mfn].data();
}
void install_slots(uint64_t* l4, uint64_t) {
    for (unsigned i = pt::kFirstXenSlot; i <= pt::kLastXenSlot; i++)
        l4[i] = kXenSlot;
}
void flush(DomId) {}
bool io_capable(DomId d) { return d == kPriv; }
bool iomem_permitted(DomId d, uint64_t mfn) { return d == kPriv && mfn >= kFrames; }
bool privileged(DomId d) { return d == kPriv; }

DomId owner_of(uint64_t f) {
    return f < 40 ? kDomA : f < 52 ? kDomB : kPriv;
}
bool owned(uint64_t f) {
    return f >= 1 && f < 60;
}

void reset() {
    table.init(pages.data(), kFrames);
    memory::PageTableEnv env{};
    env.frames = &table;
    env.map = map_frame;
    env.install_xen_slots = install_slots;
    env.flush_tlbs = flush;
    env.io_capable = io_capable;
    env.iomem_permitted = iomem_permitted;
    env.privileged = privileged;
    env.nx = true;
    memory::page_type_init(env);
    for (auto& m : mem)
        m.fill(0);
    for (uint64_t f = 0; f < kFrames; f++) {
        PageInfo* pg = table.page(f);
        pg->owner = owned(f) ? owner_of(f) : memory::kDomIdInvalid;
        pg->count_info = owned(f) ? (memory::kCountAllocated | 1) : 0;
        pg->type_info = 0;
    }
}

[[noreturn]] void fail(const char* what, uint64_t f, unsigned i) {
    fprintf(stderr, "page_type_fuzz: %s (frame %lu, entry %u)\n", what, (unsigned long)f, i);
    abort();
}

bool in_use_table(const PageInfo* pg, PageType* t) {
    *t = memory::type_of(pg->type_info);
    return *t >= PageType::l1 && *t <= PageType::l4 && memory::type_count(pg) > 0 &&
           (pg->type_info & memory::kTypeValidated);
}

// The safety rule, from the frames' contents.
void check_safety() {
    for (uint64_t f = 0; f < kFrames; f++) {
        PageType t;
        if (!in_use_table(table.page(f), &t))
            continue;
        for (unsigned i = 0; i < 512; i++) {
            uint64_t e = mem[f][i];
            if (!(e & pt::kPresent))
                continue;
            if (t == PageType::l4 && !pt::is_guest_l4_slot(i))
                continue;
            uint64_t target = (e & pt::kAddrMask) >> 12;
            if (t == PageType::l1) {
                if (!(e & pt::kRw) || target >= kFrames || !owned(target))
                    continue;
                const PageInfo* tp = table.page(target);
                if (memory::type_of(tp->type_info) != PageType::writable ||
                    memory::type_count(tp) == 0)
                    fail("an L1 maps a frame writable that is not typed writable", f, i);
                continue;
            }
            if (target >= kFrames)
                fail("a table entry points outside the frame table", f, i);
            const PageInfo* tp = table.page(target);
            PageType tt;
            if (!in_use_table(tp, &tt))
                fail("a table entry points at a frame that is not a validated table", f, i);
            auto level = [](PageType x) { return unsigned(x) - unsigned(PageType::l1) + 1; };
            if (level(tt) != level(t) - 1 && tt != t)
                fail("a table entry points at a table of the wrong level", f, i);
        }
    }
}

struct Held {
    PageInfo* pg;
    bool typed;
};

uint64_t make_entry(FuzzedDataProvider& in) {
    uint64_t frame = in.ConsumeIntegralInRange<uint64_t>(0, kFrames + 3);
    if (in.ConsumeBool() && in.ConsumeBool())
        frame = in.ConsumeIntegral<uint64_t>() & (pt::kAddrMask >> 12);
    static const uint64_t kFlags[] = {pt::kPresent, pt::kRw,     pt::kUser, pt::kPwt,
                                      pt::kPcd,     pt::kAccessed, pt::kDirty, pt::kPse,
                                      pt::kGlobal,  pt::kNx,     1ull << 9,  1ull << 52,
                                      1ull << 62};
    uint64_t flags = 0;
    uint16_t bits = in.ConsumeIntegral<uint16_t>();
    for (unsigned b = 0; b < sizeof kFlags / sizeof kFlags[0]; b++)
        if (bits & (1u << b))
            flags |= kFlags[b];
    if (in.ConsumeIntegralInRange<int>(0, 3) != 0)
        flags |= pt::kPresent;
    return (frame << 12) | flags;
}

DomId pick_dom(FuzzedDataProvider& in) {
    static const DomId kDoms[] = {kPriv, kDomA, kDomB, 3, memory::kDomIdXen};
    return kDoms[in.ConsumeIntegralInRange<size_t>(0, 4)];
}

PageType pick_table_type(FuzzedDataProvider& in) {
    return static_cast<PageType>(unsigned(PageType::l1) + in.ConsumeIntegralInRange<unsigned>(0, 3));
}

void teardown(std::vector<Held>& held) {
    for (auto it = held.rbegin(); it != held.rend(); ++it) {
        if (it->typed)
            memory::put_page_and_type(it->pg);
        else
            memory::put_page(it->pg);
    }
    held.clear();
    for (int pass = 0; pass < 8; pass++) {
        bool any = false;
        for (uint64_t f = 0; f < kFrames; f++) {
            PageInfo* pg = table.page(f);
            PageType t;
            if (!in_use_table(pg, &t))
                continue;
            for (unsigned i = 0; i < 512; i++) {
                if (!mem[f][i] || (t == PageType::l4 && !pt::is_guest_l4_slot(i)))
                    continue;
                bool flush_all = false;
                memory::update_entry(f, i, 0, memory::EntryWrite::normal, pg->owner, pg->owner,
                                     &flush_all);
                any = true;
            }
        }
        for (uint64_t f = 0; f < kFrames; f++)
            if (table.page(f)->type_info & memory::kTypePinned) {
                memory::unpin_table(f, table.page(f)->owner);
                any = true;
            }
        if (!any)
            break;
    }
    for (uint64_t f = 0; f < kFrames; f++) {
        const PageInfo* pg = table.page(f);
        if (memory::page_count(pg) != (owned(f) ? 1u : 0u))
            fail("general reference count not back to the allocation alone", f, 0);
        if (memory::type_count(pg) != 0 || memory::linear_count(pg) != 0)
            fail("type references left after teardown", f, 0);
        if (pg->type_info & (memory::kTypePinned | memory::kTypeLocked))
            fail("pinned or locked after teardown", f, 0);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    reset();
    std::vector<Held> held;
    for (int step = 0; step < 96 && in.remaining_bytes() > 0; step++) {
        uint64_t f = in.ConsumeIntegralInRange<uint64_t>(0, kFrames + 1);
        switch (in.ConsumeIntegralInRange<int>(0, 7)) {
        case 0:
            memory::pin_table(f, pick_dom(in), pick_table_type(in));
            break;
        case 1:
            memory::unpin_table(f, pick_dom(in));
            break;
        case 2:
        case 3: {
            unsigned idx = in.ConsumeIntegralInRange<unsigned>(0, 511);
            uint64_t val = make_entry(in);
            DomId pt_owner = pick_dom(in);
            DomId pg_owner = in.ConsumeBool() ? pt_owner : pick_dom(in);
            bool flush_all = false;
            memory::update_entry(f, idx, val,
                                 in.ConsumeBool() ? memory::EntryWrite::normal
                                                  : memory::EntryWrite::preserve_ad,
                                 pt_owner, pg_owner, &flush_all);
            break;
        }
        case 4: {
            unsigned idx = in.ConsumeIntegralInRange<unsigned>(0, 511);
            uint64_t val = make_entry(in);
            DomId d = pick_dom(in);
            memory::update_l1_entry(f, idx, val, d, in.ConsumeBool() ? d : pick_dom(in));
            break;
        }
        case 5: { // a base pointer or a writable mapping elsewhere: a typed reference held
            DomId d = pick_dom(in);
            PageType t = in.ConsumeBool() ? PageType::writable : pick_table_type(in);
            if (f < kFrames && memory::get_page_and_type(f, d, t) == 0)
                held.push_back({table.page(f), true});
            break;
        }
        case 6:
            if (!held.empty()) {
                size_t i = in.ConsumeIntegralInRange<size_t>(0, held.size() - 1);
                if (held[i].typed)
                    memory::put_page_and_type(held[i].pg);
                else
                    memory::put_page(held[i].pg);
                held.erase(held.begin() + long(i));
            }
            break;
        case 7: { // the guest writes a frame through a writable mapping of its own
            if (f < kFrames && owned(f) &&
                memory::get_page_and_type(f, owner_of(f), PageType::writable) == 0) {
                unsigned idx = in.ConsumeIntegralInRange<unsigned>(0, 511);
                mem[f][idx] = make_entry(in);
                memory::put_page_and_type(table.page(f));
            }
            break;
        }
        }
        check_safety();
    }
    teardown(held);
    return 0;
}
