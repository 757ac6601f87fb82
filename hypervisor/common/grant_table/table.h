// Inside the grant-table module (common/grant_table.h is its interface; see there for the
// model). The answers, and the order in which they are decided, are Xen 4.17's
// (xen/common/grant_table.c semantics). The module is split by concern:
//
//   table.cpp     tables, their registry and lifetime, growth, domains going away
//   entries.cpp   the shared entries and their status flags (the only code that knows
//                 an entry's layout)
//   maptrack.cpp  a mapping domain's handles
//   setup.cpp     whole-table sub-ops: setup_table, query_size, versions, swap
//   map.cpp       map_grant_ref, unmap_grant_ref, unmap_and_replace
//   copy.cpp      GNTTABOP_copy
//   transfer.cpp  GNTTABOP_transfer;  cache_flush.cpp  GNTTABOP_cache_flush
//
// Locks, always taken in this order and never two tables' `lock` at once:
//   registry lock -> (nothing else but allocation)
//   mapper's maptrack_lock -> granter's lock -> a page table's entry lock (page_type.h)
// A copy or a map takes the granter's lock only around the pin update, never across the
// data copy or the page-table write.
#pragma once
#include "common/grant_table.h"
#include "common/memory/page_type.h"
#include "lib/spinlock.h"

namespace gnttab {

struct Active {
    uint32_t pin;
    DomId domid; // the domain holding the pins
    // The part of the frame a copy may reach: all of it but for a version 2 sub-page
    // grant (start is 15 bits wide, as Xen keeps it) or a transitive one.
    uint16_t start, length;
    bool is_sub_page; // also set for a transitive grant, which may then never be mapped
    uint32_t trans_gref;
    Table* trans; // a transitive grant's next table (a reference per copy pin), or null
    uint64_t mfn; // the frame pinned
};

// One mapping of a grant, indexed by its handle in the mapping domain's maptrack.
struct Mapping {
    uint32_t ref;        // the grant; on a free list, the next free handle
    uint16_t flags;      // GNTMAP_* still mapped; 0 when the record is free
    DomId domid;         // the granting domain
    uint32_t vcpu;       // whose free list the handle goes back to
    struct Table* table; // the granting domain's table: a reference while flags != 0
};

struct Table {
    DomId domid;
    uint32_t refs; // the registry's, one per live mapping of its grants, one per user
    Table* next;   // registry list

    // --- As the granting domain: under `lock`.
    lib::SpinLock lock;
    bool dead;       // domain destroyed: shared frames gone, no new pins
    uint8_t version; // 1 or 2 (GNTTABOP_set_version)
    unsigned nr_frames;
    uint64_t shared_mfn[kMaxFrames];
    void* shared[kMaxFrames];   // grant_entry_v1 or grant_entry_v2 records
    Active* active[kMaxFrames]; // kEntriesPerFrame each (enough for either version)
    // Version 2: the grant_status_t frames, as many as the entries need.
    unsigned nr_status;
    uint64_t status_mfn[kMaxStatusFrames];
    uint16_t* status[kMaxStatusFrames];
    uint32_t nr_v2_ops; // sub-page and transitive grants pinned (Xen's nr_v2_ops)

    // --- As a mapping domain: under `maptrack_lock`.
    lib::SpinLock maptrack_lock;
    uint32_t maptrack_limit; // handles [0, limit) exist
    Mapping* maptrack[kMaxMaptrackFrames];
    uint32_t head[kMaxVcpus], tail[kMaxVcpus];
};

inline constexpr uint32_t kInvalidHandle = ~0u;
inline constexpr uint64_t kPageSize = 4096;

extern Env g_env;

// --- Tables (table.cpp) ----------------------------------------------------------------

void table_get(Table* t);
void table_put(Table* t); // the last reference frees the table
// Grows t to `want` frames (t->lock held, or t not yet visible). All or nothing, as Xen.
bool grow(Table& t, unsigned want);
// The table of live domain `domid` (created on first use), with a reference; nullptr if
// there is no such domain (or no memory for its table).
Table* get_table(DomId domid);
// Only an existing table (for queries that must not create one).
Table* find_table(DomId domid);

// Holds a table reference for a scope.
class TableRef {
  public:
    explicit TableRef(Table* t) : t_(t) {}
    ~TableRef() {
        if (t_)
            table_put(t_);
    }
    TableRef(const TableRef&) = delete;
    TableRef& operator=(const TableRef&) = delete;
    Table* get() const { return t_; }
    Table* operator->() const { return t_; }
    explicit operator bool() const { return t_ != nullptr; }

  private:
    Table* t_;
};

inline DomId resolve(const Caller& c, DomId dom) {
    return dom == xen::DOMID_SELF ? c.domid : dom;
}
// Xen's XSM_TARGET with the default policy.
inline bool may_target(const Caller& c, DomId target) {
    return target == c.domid || c.privileged;
}

// Xen's get_paged_frame for a PV domain (frame numbers are machine frames): a general
// reference on a frame `owner` owns, or nullptr.
inline memory::PageInfo* get_owned_frame(uint64_t mfn, DomId owner) {
    return memory::get_page_from_mfn(mfn, owner);
}

// --- Entries (entries.cpp); t.lock held ------------------------------------------------

uint32_t nr_entries(const Table& t);
inline Active& active_of(Table& t, uint32_t ref) {
    return t.active[ref / kEntriesPerFrame][ref % kEntriesPerFrame];
}
// The entry's flags (bits 0-15) and grantee (16-31) as one word, in either version.
uint32_t* header_of(Table& t, uint32_t ref);
// Where GTF_reading / GTF_writing of (t, ref) live: the v1 entry's flags, the v2 status
// entry; nullptr once the shared frames are gone or ref is past the table.
uint16_t* status_of(Table& t, uint32_t ref);
// What an entry grants: its frame; for a v2 sub-page grant the window (else 0, 4096); for
// a v2 transitive grant the domain and ref it leads to.
struct Grant {
    uint16_t flags;
    DomId domid;
    uint64_t frame;
    uint16_t start, length;
    bool sub_page;
    DomId trans_domid;
    uint32_t trans_gref;
};
Grant read_entry(Table& t, uint32_t ref);
// Xen's _set_status: sets GTF_reading (and GTF_writing unless readonly) for a new pin of
// (t, ref) by ldom, after checking the entry permits it (a mapping: no sub-page grant;
// transitive grants only for a copy of a version 2 entry).
int16_t set_status(Table& t, uint32_t ref, const Active& act, bool readonly, bool mapping,
                   DomId ldom);
// Xen's reduce_status_for_pin: clears the flags the remaining pins no longer justify.
void reduce_status(Table& t, const Active& act, uint32_t ref, bool readonly);
// GNTTABOP_swap_grant_ref's exchange of two entries (and their status).
void swap_entries(Table& t, uint32_t a, uint32_t b);
// GNTTABOP_transfer into (t, ref), ref < nr_entries(t) (Xen's gnttab_prepare_for_transfer):
// the entry must be exactly GTF_accept_transfer (no other flag) made out to `from`; it
// gains GTF_transfer_committed by compare-and-swap (a few attempts, as the guest may
// rewrite it). False: refused, nothing changed.
bool commit_transfer(Table& t, uint32_t ref, DomId from);
// The frame number a committed entry names (where its grantee wants the frame).
uint64_t transfer_target(Table& t, uint32_t ref);
// The transfer is done: the entry's frame becomes mfn, then GTF_transfer_completed.
void complete_transfer(Table& t, uint32_t ref, uint64_t mfn);
// Status frames a version 2 table of nr_frames shared frames needs (Xen's
// grant_to_status_frames).
inline unsigned status_frames_for(unsigned nr_frames) {
    return (nr_frames * kEntriesPerFrameV2 + kStatusPerFrame - 1) / kStatusPerFrame;
}
// Gives t status frames for nr_frames shared frames (false: out of memory, nothing
// changed); takes them all back (false, nothing changed: the domain still references
// one). t.lock held.
bool populate_status(Table& t, unsigned nr_frames);
bool unpopulate_status(Table& t);

// --- Maptrack (maptrack.cpp) -----------------------------------------------------------

inline Mapping& mapping_of(Table& t, uint32_t handle) {
    return t.maptrack[handle / kMaptrackPerFrame][handle % kMaptrackPerFrame];
}
// Xen's get_maptrack_handle (takes maptrack_lock): a free handle for vCPU v, or
// kInvalidHandle.
uint32_t get_handle(Table& t, unsigned v);
// Back onto the tail of the list of the vCPU it came from (takes maptrack_lock).
void put_handle(Table& t, uint32_t h);

} // namespace gnttab
