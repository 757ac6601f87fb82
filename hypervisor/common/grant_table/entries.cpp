// The shared entries of a table and their status flags, in either version: how an entry
// is found, what it grants, what its flags permit, and the GTF_reading / GTF_writing flags
// xenon keeps while it is pinned (version 1: in the entry's flags; version 2: in the
// separate status frames). The only code that knows an entry's layout.
#include "common/grant_table/table.h"

#include "public/xen.h"

namespace gnttab {
namespace {

xen::grant_entry_v1* v1(Table& t, uint32_t ref) {
    return static_cast<xen::grant_entry_v1*>(t.shared[ref / kEntriesPerFrame]) +
           ref % kEntriesPerFrame;
}
xen::grant_entry_v2* v2(Table& t, uint32_t ref) {
    return static_cast<xen::grant_entry_v2*>(t.shared[ref / kEntriesPerFrameV2]) +
           ref % kEntriesPerFrameV2;
}
uint16_t* v2_status(Table& t, uint32_t ref) {
    return t.status[ref / kStatusPerFrame] + ref % kStatusPerFrame;
}

template <typename T> T load(const T* p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

// Xen's _set_status_v1: the flags change with the entry's compare-and-swap. The guest may
// rewrite the entry meanwhile: a few attempts, then an error.
int16_t set_status_v1(Table& t, uint32_t ref, const Active& act, bool readonly, uint16_t mask,
                      DomId ldom) {
    uint32_t* combo = header_of(t, ref);
    uint32_t cur = load(combo);
    for (unsigned attempt = 0;; attempt++) {
        auto flags = static_cast<uint16_t>(cur);
        auto domid = static_cast<DomId>(cur >> 16);
        if (!act.pin && ((flags & mask) != xen::GTF_permit_access || domid != ldom))
            return xen::GNTST_general_error;
        uint16_t nflags = flags | xen::GTF_reading;
        if (!readonly) {
            nflags |= xen::GTF_writing;
            if (flags & xen::GTF_readonly)
                return xen::GNTST_general_error; // write-pinning a read-only grant
        }
        uint32_t want = (cur & 0xffff0000u) | nflags;
        if (__atomic_compare_exchange_n(combo, &cur, want, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return xen::GNTST_okay;
        if (attempt == 4)
            return xen::GNTST_general_error; // the entry is unstable
    }
}

// Xen's _set_status_v2: the status entry is set first, then the header checked again (the
// guest sees the status before it may revoke); a header that changed undoes it.
int16_t set_status_v2(Table& t, uint32_t ref, const Active& act, bool readonly, bool mapping,
                      uint16_t mask, DomId ldom) {
    auto refused = [&](uint32_t combo) {
        auto flags = static_cast<uint16_t>(combo);
        bool type_ok = (flags & mask) == xen::GTF_permit_access ||
                       (!mapping && (flags & mask) == xen::GTF_transitive);
        return !type_ok || static_cast<DomId>(combo >> 16) != ldom;
    };
    uint32_t* header = header_of(t, ref);
    uint16_t* status = v2_status(t, ref);
    uint32_t cur = load(header);
    if (!act.pin && refused(cur))
        return xen::GNTST_general_error;
    if (!readonly && (cur & xen::GTF_readonly))
        return xen::GNTST_general_error;
    const uint16_t set = readonly ? xen::GTF_reading : (xen::GTF_reading | xen::GTF_writing);
    __atomic_fetch_or(status, set, __ATOMIC_SEQ_CST);
    cur = load(header);
    if (!act.pin) {
        if (refused(cur) || (!readonly && (cur & xen::GTF_readonly))) {
            __atomic_fetch_and(status, static_cast<uint16_t>(~set), __ATOMIC_SEQ_CST);
            return xen::GNTST_general_error;
        }
    } else if (cur & xen::GTF_readonly) {
        __atomic_fetch_and(status, static_cast<uint16_t>(~xen::GTF_writing), __ATOMIC_SEQ_CST);
        return xen::GNTST_general_error;
    }
    return xen::GNTST_okay;
}

} // namespace

uint32_t nr_entries(const Table& t) {
    return t.nr_frames * (t.version == 2 ? kEntriesPerFrameV2 : kEntriesPerFrame);
}

uint32_t* header_of(Table& t, uint32_t ref) {
    if (t.version == 2)
        return reinterpret_cast<uint32_t*>(&v2(t, ref)->hdr);
    return reinterpret_cast<uint32_t*>(v1(t, ref));
}

uint16_t* status_of(Table& t, uint32_t ref) {
    if (t.dead || ref >= nr_entries(t))
        return nullptr;
    return t.version == 2 ? v2_status(t, ref) : &v1(t, ref)->flags;
}

Grant read_entry(Table& t, uint32_t ref) {
    Grant g{};
    const uint32_t combo = load(header_of(t, ref));
    g.flags = static_cast<uint16_t>(combo);
    g.domid = static_cast<DomId>(combo >> 16);
    g.start = 0;
    g.length = kPageSize;
    if (t.version == 1) {
        g.frame = load(&v1(t, ref)->frame);
        return g;
    }
    const xen::grant_entry_v2* e = v2(t, ref);
    if ((g.flags & xen::GTF_type_mask) == xen::GTF_transitive) {
        g.trans_domid = load(&e->transitive.trans_domid);
        g.trans_gref = load(&e->transitive.gref);
        return g;
    }
    g.frame = load(&e->full_page.frame); // where a sub-page grant keeps it too
    if (g.flags & xen::GTF_sub_page) {
        g.sub_page = true;
        g.start = load(&e->sub_page.page_off) & 0x7fff; // Xen's 15-bit field
        g.length = load(&e->sub_page.length);
    }
    return g;
}

int16_t set_status(Table& t, uint32_t ref, const Active& act, bool readonly, bool mapping,
                   DomId ldom) {
    const uint16_t mask = xen::GTF_type_mask | (mapping ? xen::GTF_sub_page : 0);
    if (t.version == 2)
        return set_status_v2(t, ref, act, readonly, mapping, mask, ldom);
    return set_status_v1(t, ref, act, readonly, mask, ldom);
}

void reduce_status(Table& t, const Active& act, uint32_t ref, bool readonly) {
    uint16_t* status = status_of(t, ref);
    if (!status)
        return; // the shared frames are gone
    uint16_t clear = act.pin ? 0 : xen::GTF_reading;
    if (!readonly && !(act.pin & (kPinHostWMask | kPinDevWMask)))
        clear |= xen::GTF_writing;
    if (clear)
        __atomic_fetch_and(status, static_cast<uint16_t>(~clear), __ATOMIC_SEQ_CST);
}

void swap_entries(Table& t, uint32_t a, uint32_t b) {
    if (t.version == 1) {
        auto* pa = reinterpret_cast<uint64_t*>(v1(t, a));
        auto* pb = reinterpret_cast<uint64_t*>(v1(t, b));
        uint64_t va = load(pa), vb = load(pb);
        __atomic_store_n(pa, vb, __ATOMIC_RELEASE);
        __atomic_store_n(pb, va, __ATOMIC_RELEASE);
        return;
    }
    auto* pa = reinterpret_cast<uint64_t*>(v2(t, a));
    auto* pb = reinterpret_cast<uint64_t*>(v2(t, b));
    for (unsigned i = 0; i < 2; i++) {
        uint64_t va = load(pa + i), vb = load(pb + i);
        __atomic_store_n(pa + i, vb, __ATOMIC_RELEASE);
        __atomic_store_n(pb + i, va, __ATOMIC_RELEASE);
    }
    uint16_t sa = load(v2_status(t, a)), sb = load(v2_status(t, b));
    __atomic_store_n(v2_status(t, a), sb, __ATOMIC_RELEASE);
    __atomic_store_n(v2_status(t, b), sa, __ATOMIC_RELEASE);
}

bool commit_transfer(Table& t, uint32_t ref, DomId from) {
    uint32_t* combo = header_of(t, ref);
    uint32_t cur = load(combo);
    for (unsigned attempt = 0;; attempt++) {
        if (static_cast<uint16_t>(cur) != xen::GTF_accept_transfer ||
            static_cast<DomId>(cur >> 16) != from)
            return false;
        if (__atomic_compare_exchange_n(combo, &cur, cur | xen::GTF_transfer_committed, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return true;
        if (attempt == 4)
            return false; // the entry is unstable
    }
}

uint64_t transfer_target(Table& t, uint32_t ref) {
    if (t.version == 1)
        return load(&v1(t, ref)->frame);
    return load(&v2(t, ref)->full_page.frame);
}

void complete_transfer(Table& t, uint32_t ref, uint64_t mfn) {
    if (t.version == 1)
        __atomic_store_n(&v1(t, ref)->frame, static_cast<uint32_t>(mfn), __ATOMIC_RELEASE);
    else
        __atomic_store_n(&v2(t, ref)->full_page.frame, mfn, __ATOMIC_RELEASE);
    // The frame is in place before the grantee can see the transfer completed.
    auto* flags = reinterpret_cast<uint16_t*>(header_of(t, ref));
    __atomic_fetch_or(flags, xen::GTF_transfer_completed, __ATOMIC_SEQ_CST);
}

} // namespace gnttab
