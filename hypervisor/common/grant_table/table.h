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
    uint16_t pad;
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
    bool dead; // domain destroyed: shared frames gone, no new pins
    unsigned nr_frames;
    uint64_t shared_mfn[kMaxFrames];
    xen::grant_entry_v1* shared[kMaxFrames];
    Active* active[kMaxFrames]; // kEntriesPerFrame each

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
xen::grant_entry_v1* shared_of(Table& t, uint32_t ref);
// Xen's _set_status: sets GTF_reading (and GTF_writing unless readonly) for a new pin of
// (t, ref) by ldom, after checking the entry permits it.
int16_t set_status(Table& t, uint32_t ref, const Active& act, bool readonly, bool mapping,
                   DomId ldom);
// Xen's reduce_status_for_pin: clears the flags the remaining pins no longer justify.
void reduce_status(Table& t, const Active& act, uint32_t ref, bool readonly);

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
