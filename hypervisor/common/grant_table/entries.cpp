// The shared entries of a table and their status flags: how an entry is found, what its
// flags permit, and the GTF_reading / GTF_writing flags xenon keeps in it while pinned.
#include "common/grant_table/table.h"

#include "public/xen.h"

namespace gnttab {

uint32_t nr_entries(const Table& t) {
    return t.nr_frames * kEntriesPerFrame;
}
xen::grant_entry_v1* shared_of(Table& t, uint32_t ref) {
    return t.shared[ref / kEntriesPerFrame] + ref % kEntriesPerFrame;
}

// --- The shared entry's status flags ----------------------------------------------------
// flags (bits 0-15) and domid (16-31) are read and changed as one 32-bit word.

namespace {

uint32_t* combo(xen::grant_entry_v1* e) {
    return reinterpret_cast<uint32_t*>(e);
}

} // namespace

// Xen's _set_status_v1: an entry not pinned yet must permit access to ldom (and, for a
// mapping, not be a sub-page grant); a read-only grant refuses a writing pin. The guest
// may rewrite the entry meanwhile: a few compare-and-swap attempts, then an error.
int16_t set_status(Table& t, uint32_t ref, const Active& act, bool readonly, bool mapping,
                   DomId ldom) {
    xen::grant_entry_v1* e = shared_of(t, ref);
    uint16_t mask = xen::GTF_type_mask | (mapping ? xen::GTF_sub_page : 0);
    uint32_t cur = __atomic_load_n(combo(e), __ATOMIC_ACQUIRE);
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
        if (__atomic_compare_exchange_n(combo(e), &cur, want, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return xen::GNTST_okay;
        if (attempt == 4)
            return xen::GNTST_general_error; // the entry is unstable
    }
}

void reduce_status(Table& t, const Active& act, uint32_t ref, bool readonly) {
    if (t.dead)
        return; // the shared frames are gone
    uint16_t clear = act.pin ? 0 : xen::GTF_reading;
    if (!readonly && !(act.pin & (kPinHostWMask | kPinDevWMask)))
        clear |= xen::GTF_writing;
    if (clear)
        __atomic_fetch_and(&shared_of(t, ref)->flags, static_cast<uint16_t>(~clear),
                           __ATOMIC_SEQ_CST);
}

} // namespace gnttab
