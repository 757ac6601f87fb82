// Grant tables, version 1 (see grant_table.h for the model). The answers, and the order
// in which they are decided, are Xen 4.17's (xen/common/grant_table.c semantics).
//
// Locks, always taken in this order and never two tables' `lock` at once:
//   registry lock -> (nothing else but allocation)
//   mapper's maptrack_lock -> granter's lock -> a page table's entry lock (page_type.h)
// A copy or a map takes the granter's lock only around the pin update, never across the
// data copy or the page-table write.
#include "common/grant_table.h"

#include "common/memory/page_type.h"
#include "common/panic.h"
#include "lib/new.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/xen.h"

namespace gnttab {

struct Active {
    uint32_t pin;
    DomId domid; // the domain holding the pins
    uint16_t pad;
    uint64_t mfn; // the frame pinned
};

// One mapping of a grant, indexed by its handle in the mapping domain's maptrack.
struct Mapping {
    uint32_t ref;   // the grant; on a free list, the next free handle
    uint16_t flags; // GNTMAP_* still mapped; 0 when the record is free
    DomId domid;    // the granting domain
    uint32_t vcpu;  // whose free list the handle goes back to
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

namespace {

constexpr uint32_t kInvalidHandle = ~0u;
constexpr uint64_t kPageSize = 4096;

constinit Env g_env = {};
constinit lib::SpinLock g_registry_lock;
constinit Table* g_tables = nullptr;

// --- Tables and their lifetime -----------------------------------------------------------

void table_get(Table* t) { __atomic_fetch_add(&t->refs, 1, __ATOMIC_ACQ_REL); }

void free_table(Table* t) {
    for (unsigned i = 0; i < kMaxFrames; i++)
        if (t->active[i])
            g_env.free(t->active[i]);
    for (unsigned i = 0; i < kMaxMaptrackFrames; i++)
        if (t->maptrack[i])
            g_env.free(t->maptrack[i]);
    const bool dead = t->dead;
    const DomId domid = t->domid;
    t->~Table();
    g_env.free(t);
    if (dead && g_env.dead_table_freed)
        g_env.dead_table_freed(domid);
}

void table_put(Table* t) {
    if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
        free_table(t);
}

// Grows t to `want` frames (t->lock held, or t not yet visible). All or nothing, as Xen.
bool grow(Table& t, unsigned want) {
    if (want < kInitialFrames)
        want = kInitialFrames;
    unsigned have = t.nr_frames;
    if (want <= have)
        return true;
    ASSERT(want <= kMaxFrames);
    unsigned i = have;
    for (; i < want; i++) {
        auto* act = static_cast<Active*>(g_env.zalloc(sizeof(Active) * kEntriesPerFrame));
        uint64_t mfn = act ? g_env.alloc_frame() : ~0ull;
        if (mfn == ~0ull) {
            if (act)
                g_env.free(act);
            break;
        }
        t.active[i] = act;
        t.shared_mfn[i] = mfn;
    }
    if (i < want) {
        while (i-- > have) {
            g_env.free_frame(t.shared_mfn[i]);
            g_env.free(t.active[i]);
            t.active[i] = nullptr;
        }
        return false;
    }
    for (i = have; i < want; i++) {
        memory::share_xen_page_with_guest(g_env.frames->page(t.shared_mfn[i]), t.domid, false);
        t.shared[i] = static_cast<xen::grant_entry_v1*>(g_env.map(t.shared_mfn[i]));
    }
    __atomic_store_n(&t.nr_frames, want, __ATOMIC_RELEASE);
    return true;
}

Table* create_table(DomId domid) {
    void* mem = g_env.zalloc(sizeof(Table));
    if (!mem)
        return nullptr;
    Table* t = new (mem) Table();
    t->domid = domid;
    t->refs = 1; // the registry's
    for (unsigned v = 0; v < kMaxVcpus; v++)
        t->head[v] = t->tail[v] = kMaptrackTail;
    if (!grow(*t, kInitialFrames)) {
        free_table(t);
        return nullptr;
    }
    return t;
}

// The table of live domain `domid` (created on first use), with a reference; nullptr if
// there is no such domain (or no memory for its table).
Table* get_table(DomId domid) {
    if (domid >= xen::DOMID_FIRST_RESERVED)
        return nullptr;
    lib::LockGuard guard(g_registry_lock);
    Table* t = g_tables;
    while (t && t->domid != domid)
        t = t->next;
    if (!t) {
        if (!g_env.domain_live || !g_env.domain_live(domid))
            return nullptr;
        t = create_table(domid);
        if (!t)
            return nullptr;
        t->next = g_tables;
        g_tables = t;
    }
    table_get(t);
    return t;
}

// Only an existing table (for queries that must not create one).
Table* find_table(DomId domid) {
    lib::LockGuard guard(g_registry_lock);
    Table* t = g_tables;
    while (t && t->domid != domid)
        t = t->next;
    if (t)
        table_get(t);
    return t;
}

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

DomId resolve(const Caller& c, DomId dom) { return dom == xen::DOMID_SELF ? c.domid : dom; }
// Xen's XSM_TARGET with the default policy.
bool may_target(const Caller& c, DomId target) { return target == c.domid || c.privileged; }

uint32_t nr_entries(const Table& t) { return t.nr_frames * kEntriesPerFrame; }
Active& active_of(Table& t, uint32_t ref) {
    return t.active[ref / kEntriesPerFrame][ref % kEntriesPerFrame];
}
xen::grant_entry_v1* shared_of(Table& t, uint32_t ref) {
    return t.shared[ref / kEntriesPerFrame] + ref % kEntriesPerFrame;
}

// --- The shared entry's status flags ----------------------------------------------------
// flags (bits 0-15) and domid (16-31) are read and changed as one 32-bit word.

uint32_t* combo(xen::grant_entry_v1* e) { return reinterpret_cast<uint32_t*>(e); }

// Xen's _set_status_v1: sets GTF_reading (and GTF_writing unless readonly) in entry e for
// a new pin by ldom. An entry not pinned yet must permit access to ldom (and, for a
// mapping, not be a sub-page grant); a read-only grant refuses a writing pin. The guest
// may rewrite the entry meanwhile: a few compare-and-swap attempts, then an error.
int16_t set_status(xen::grant_entry_v1* e, const Active& act, bool readonly, bool mapping,
                   DomId ldom) {
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

// Xen's reduce_status_for_pin: clears the flags the remaining pins no longer justify.
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

// --- Frames -----------------------------------------------------------------------------

// Xen's get_paged_frame for a PV domain (frame numbers are machine frames): a general
// reference on a frame `owner` owns, or nullptr.
memory::PageInfo* get_owned_frame(uint64_t mfn, DomId owner) {
    return memory::get_page_from_mfn(mfn, owner);
}

// --- Maptrack -----------------------------------------------------------------------------

Mapping& mapping_of(Table& t, uint32_t handle) {
    return t.maptrack[handle / kMaptrackPerFrame][handle % kMaptrackPerFrame];
}

// A handle from v's free list, always leaving one record on it (maptrack_lock held).
uint32_t take_handle(Table& t, unsigned v) {
    uint32_t head = t.head[v];
    if (head == kMaptrackTail)
        return kInvalidHandle;
    uint32_t next = mapping_of(t, head).ref;
    if (next == kMaptrackTail)
        return kInvalidHandle;
    t.head[v] = next;
    return head;
}

uint32_t steal_handle(Table& t, unsigned cur) {
    for (unsigned i = 1; i <= kMaxVcpus; i++) {
        unsigned v = (cur + i) % kMaxVcpus;
        uint32_t h = take_handle(t, v);
        if (h != kInvalidHandle) {
            mapping_of(t, h).vcpu = cur;
            return h;
        }
    }
    return kInvalidHandle;
}

// Xen's get_maptrack_handle: the calling vCPU's next free handle; a new maptrack frame
// when its list runs dry (while there is room), else one taken from another vCPU.
uint32_t get_handle(Table& t, unsigned v) {
    lib::LockGuard guard(t.maptrack_lock);
    uint32_t h = take_handle(t, v);
    if (h != kInvalidHandle)
        return h;
    Mapping* frame = nullptr;
    if (t.maptrack_limit / kMaptrackPerFrame < kMaxMaptrackFrames)
        frame = static_cast<Mapping*>(g_env.zalloc(sizeof(Mapping) * kMaptrackPerFrame));
    if (!frame) {
        if (t.tail[v] == kMaptrackTail) {
            // No list yet: a stolen record becomes its tail.
            h = steal_handle(t, v);
            if (h == kInvalidHandle)
                return h;
            mapping_of(t, h).ref = kMaptrackTail;
            t.tail[v] = h;
            if (t.head[v] == kMaptrackTail)
                t.head[v] = h;
        }
        return steal_handle(t, v);
    }
    h = t.maptrack_limit;
    for (unsigned i = 0; i < kMaptrackPerFrame; i++) {
        frame[i].ref = h + i + 1;
        frame[i].vcpu = v;
    }
    if (t.tail[v] == kMaptrackTail)
        t.tail[v] = h + kMaptrackPerFrame - 1;
    t.maptrack[h / kMaptrackPerFrame] = frame;
    __atomic_store_n(&t.maptrack_limit, h + kMaptrackPerFrame, __ATOMIC_RELEASE);
    // The first record is the answer; the others go to the head of the list.
    frame[kMaptrackPerFrame - 1].ref = t.head[v];
    t.head[v] = h + 1;
    return h;
}

// Back onto the tail of the list of the vCPU it came from.
void put_handle(Table& t, uint32_t h) {
    lib::LockGuard guard(t.maptrack_lock);
    Mapping& m = mapping_of(t, h);
    m.ref = kMaptrackTail;
    unsigned v = m.vcpu;
    uint32_t tail = t.tail[v];
    t.tail[v] = h;
    mapping_of(t, tail).ref = h;
}

// --- Pinning for a copy ----------------------------------------------------------------------

// Xen's acquire_grant_for_copy for a version 1 grant: pins (rt, ref) for ldom as a host
// read (or write) and references its frame into b.
int16_t acquire_for_copy(Table& rt, uint32_t ref, DomId ldom, bool readonly, CopyBuf& b) {
    const uint32_t incr = readonly ? kPinHostR : kPinHostW;
    lib::LockGuard guard(rt.lock);
    if (rt.dead)
        return xen::GNTST_bad_domain;
    if (ref >= nr_entries(rt))
        return xen::GNTST_bad_gntref;
    Active& act = active_of(rt, ref);
    xen::grant_entry_v1* e = shared_of(rt, ref);
    if (act.pin && (act.domid != ldom || (act.pin & pin_overflow_mask(incr))))
        return xen::GNTST_general_error;
    const uint32_t old_pin = act.pin;
    memory::PageInfo* pg;
    if (!old_pin || (!readonly && !(old_pin & (kPinHostWMask | kPinDevWMask)))) {
        int16_t rc = set_status(e, act, readonly, false, ldom);
        if (rc != xen::GNTST_okay)
            return rc;
        if (!old_pin) {
            uint64_t frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
            pg = get_owned_frame(frame, rt.domid);
            if (!pg) {
                reduce_status(rt, act, ref, readonly);
                return xen::GNTST_bad_page;
            }
            act.domid = ldom;
            act.mfn = frame;
        } else {
            // Pinned for reading already, now for writing too: the entry must still name
            // the frame pinned (Xen 4.17.7 checks this as well).
            uint64_t frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
            pg = get_owned_frame(frame, rt.domid);
            if (!pg || frame != act.mfn) {
                if (pg)
                    memory::put_page(pg);
                reduce_status(rt, act, ref, readonly);
                return pg ? xen::GNTST_general_error : xen::GNTST_bad_page;
            }
        }
    } else {
        pg = get_owned_frame(act.mfn, rt.domid);
        if (!pg) {
            reduce_status(rt, act, ref, readonly);
            return xen::GNTST_bad_domain;
        }
    }
    act.pin += incr;
    b.page = pg;
    b.mfn = act.mfn;
    b.offset = 0;
    b.length = kPageSize;
    return xen::GNTST_okay;
}

void release_for_copy(Table& rt, uint32_t ref, bool readonly) {
    lib::LockGuard guard(rt.lock);
    Active& act = active_of(rt, ref);
    act.pin -= readonly ? kPinHostR : kPinHostW;
    reduce_status(rt, act, ref, readonly);
}

// --- Copy buffers -------------------------------------------------------------------------

bool buf_readonly(const CopyState& st, const CopyBuf& b) { return &b == &st.src; }

void release_buf(CopyState& st, CopyBuf& b) {
    if (!b.claimed)
        return;
    if (b.is_gref)
        release_for_copy(*b.table, static_cast<uint32_t>(b.key), buf_readonly(st, b));
    if (b.have_type)
        memory::put_page_type(b.page);
    memory::put_page(b.page);
    b.claimed = b.have_type = false;
    b.page = nullptr;
}

void unlock_domain(CopyBuf& b) {
    if (b.domain_held)
        table_put(b.table);
    b.domain_held = false;
    b.table = nullptr;
}

// Xen's gnttab_copy_lock_domain: the domain must exist (DOMID_SELF or a real id), and
// only the caller's own frames may be named by frame number, and only as DOMID_SELF.
int16_t lock_domain(const Caller& c, DomId domid, bool is_gref, CopyBuf& b) {
    const DomId id = resolve(c, domid);
    if (!is_gref && domid != xen::DOMID_SELF) {
        bool exists = id < xen::DOMID_FIRST_RESERVED && g_env.domain_live(id);
        return exists ? xen::GNTST_permission_denied : xen::GNTST_bad_domain;
    }
    // Held for frame numbers too: a later element may name a grant of the same domain.
    Table* t = get_table(id);
    if (!t)
        return xen::GNTST_bad_domain;
    b.table = t;
    b.domid = domid;
    b.domain_held = true;
    return xen::GNTST_okay;
}

int16_t claim_buf(const Caller& c, const xen::gnttab_copy& op, const xen::gnttab_copy_ptr& p,
                  CopyState& st, CopyBuf& b, uint16_t gref_flag) {
    bool readonly = buf_readonly(st, b);
    if (op.flags & gref_flag) {
        int16_t rc = acquire_for_copy(*b.table, p.u.ref, c.domid, readonly, b);
        if (rc != xen::GNTST_okay)
            return rc;
        b.is_gref = true;
        b.key = p.u.ref;
    } else {
        memory::PageInfo* pg = g_env.frames->valid(p.u.gmfn) ? get_owned_frame(p.u.gmfn, c.domid)
                                                             : nullptr;
        if (!pg)
            return xen::GNTST_bad_page;
        b.page = pg;
        b.mfn = p.u.gmfn;
        b.offset = 0;
        b.length = kPageSize;
        b.is_gref = false;
        b.key = p.u.gmfn;
    }
    b.claimed = true;
    if (!readonly) {
        if (memory::get_page_type(b.page, memory::PageType::writable) != 0)
            return xen::GNTST_general_error; // e.g. a page table
        b.have_type = true;
    }
    return xen::GNTST_okay;
}

bool buf_valid(const xen::gnttab_copy_ptr& p, const CopyBuf& b, bool is_gref) {
    if (!b.claimed || b.is_gref != is_gref)
        return false;
    return is_gref ? b.key == p.u.ref : b.key == p.u.gmfn;
}

// Copies len bytes, in quadwords where it can (as Xen's memcpy does): under emulation every
// iteration of a string instruction costs, so a page goes 8x faster than byte by byte.
// Source and destination may be the same frame, overlapping: then memmove.
void copy_bytes(uint8_t* d, const uint8_t* s, size_t len) {
    if (d < s + len && s < d + len) {
        memmove(d, s, len);
        return;
    }
    size_t words = len / 8, rest = len % 8;
    asm volatile("rep movsq\n\tmov %[rest], %%rcx\n\trep movsb"
                 : "+D"(d), "+S"(s), "+c"(words)
                 : [rest] "r"(rest)
                 : "memory");
}

int16_t copy_data(const xen::gnttab_copy& op, const CopyBuf& dest, const CopyBuf& src) {
    if (op.source.offset + op.len > kPageSize || op.dest.offset + op.len > kPageSize)
        return xen::GNTST_bad_copy_arg;
    if (op.source.offset < src.offset || op.source.offset + op.len > src.offset + src.length)
        return xen::GNTST_general_error;
    if (op.dest.offset < dest.offset || op.dest.offset + op.len > dest.offset + dest.length)
        return xen::GNTST_general_error;
    auto* d = static_cast<uint8_t*>(g_env.map(dest.mfn)) + op.dest.offset;
    auto* s = static_cast<const uint8_t*>(g_env.map(src.mfn)) + op.source.offset;
    copy_bytes(d, s, op.len);
    return xen::GNTST_okay;
}

int16_t copy_one_inner(const Caller& c, const xen::gnttab_copy& op, CopyState& st) {
    if (!st.src.domain_held || op.source.domid != st.src.domid || !st.dest.domain_held ||
        op.dest.domid != st.dest.domid) {
        release_buf(st, st.src);
        release_buf(st, st.dest);
        unlock_domain(st.src);
        unlock_domain(st.dest);
        int16_t rc = lock_domain(c, op.source.domid, op.flags & xen::GNTCOPY_source_gref, st.src);
        if (rc == xen::GNTST_okay)
            rc = lock_domain(c, op.dest.domid, op.flags & xen::GNTCOPY_dest_gref, st.dest);
        if (rc != xen::GNTST_okay) {
            unlock_domain(st.src);
            unlock_domain(st.dest);
            return rc;
        }
    }
    if (!buf_valid(op.source, st.src, op.flags & xen::GNTCOPY_source_gref)) {
        release_buf(st, st.src);
        int16_t rc = claim_buf(c, op, op.source, st, st.src, xen::GNTCOPY_source_gref);
        if (rc != xen::GNTST_okay)
            return rc;
    }
    if (!buf_valid(op.dest, st.dest, op.flags & xen::GNTCOPY_dest_gref)) {
        release_buf(st, st.dest);
        int16_t rc = claim_buf(c, op, op.dest, st, st.dest, xen::GNTCOPY_dest_gref);
        if (rc != xen::GNTST_okay)
            return rc;
    }
    return copy_data(op, st.dest, st.src);
}

// --- Mapping ----------------------------------------------------------------------------------

uint32_t pin_increment(uint32_t flags) {
    bool ro = flags & xen::GNTMAP_readonly;
    uint32_t incr = 0;
    if (flags & xen::GNTMAP_device_map)
        incr += ro ? kPinDevR : kPinDevW;
    if (flags & xen::GNTMAP_host_map)
        incr += ro ? kPinHostR : kPinHostW;
    return incr;
}

} // namespace

void init(const Env& env) { g_env = env; }

// --- Whole-table operations ---------------------------------------------------------------

int16_t setup_table(const Caller& c, DomId dom, uint32_t nr_frames, uint64_t* mfns) {
    TableRef t(get_table(resolve(c, dom)));
    if (!t)
        return xen::GNTST_bad_domain;
    if (!may_target(c, t->domid))
        return xen::GNTST_permission_denied;
    lib::LockGuard guard(t->lock);
    if (nr_frames > kMaxFrames)
        return xen::GNTST_general_error;
    if (nr_frames > t->nr_frames && !grow(*t.get(), nr_frames))
        return xen::GNTST_general_error;
    for (uint32_t i = 0; i < nr_frames; i++)
        mfns[i] = t->shared_mfn[i];
    return xen::GNTST_okay;
}

int16_t query_size(const Caller& c, DomId dom, uint32_t* nr_frames, uint32_t* max_frames) {
    TableRef t(get_table(resolve(c, dom)));
    if (!t)
        return xen::GNTST_bad_domain;
    if (!may_target(c, t->domid))
        return xen::GNTST_permission_denied;
    *nr_frames = __atomic_load_n(&t->nr_frames, __ATOMIC_ACQUIRE);
    *max_frames = kMaxFrames;
    return xen::GNTST_okay;
}

long get_version(const Caller& c, DomId dom, uint32_t* version) {
    TableRef t(get_table(resolve(c, dom)));
    if (!t)
        return -xen::XEN_ESRCH;
    if (!may_target(c, t->domid))
        return -xen::XEN_EPERM;
    *version = 1;
    return 0;
}

long set_version(const Caller&, uint32_t version, uint32_t* in_force) {
    *in_force = 1;
    if (version != 1 && version != 2)
        return -xen::XEN_EINVAL;
    if (version == 2)
        return -xen::XEN_ENOSYS; // xenon's tables are version 1 only
    return 0;
}

int16_t get_status_frames(const Caller& c, DomId dom, uint32_t nr_frames) {
    TableRef t(get_table(resolve(c, dom)));
    if (!t)
        return xen::GNTST_bad_domain;
    if (!may_target(c, t->domid))
        return xen::GNTST_permission_denied;
    return nr_frames > 0 ? xen::GNTST_general_error : xen::GNTST_okay;
}

int16_t swap_grant_ref(const Caller& c, uint32_t ref_a, uint32_t ref_b) {
    TableRef t(get_table(c.domid));
    if (!t)
        return xen::GNTST_general_error;
    lib::LockGuard guard(t->lock);
    if (ref_a >= nr_entries(*t.get()) || ref_b >= nr_entries(*t.get()))
        return xen::GNTST_bad_gntref;
    if (ref_a == ref_b)
        return xen::GNTST_okay;
    if (active_of(*t.get(), ref_a).pin || active_of(*t.get(), ref_b).pin)
        return xen::GNTST_eagain;
    auto* a = reinterpret_cast<uint64_t*>(shared_of(*t.get(), ref_a));
    auto* b = reinterpret_cast<uint64_t*>(shared_of(*t.get(), ref_b));
    uint64_t va = __atomic_load_n(a, __ATOMIC_ACQUIRE);
    uint64_t vb = __atomic_load_n(b, __ATOMIC_ACQUIRE);
    __atomic_store_n(a, vb, __ATOMIC_RELEASE);
    __atomic_store_n(b, va, __ATOMIC_RELEASE);
    return xen::GNTST_okay;
}

int16_t transfer(const Caller& c, uint64_t mfn, DomId to, uint32_t) {
    if (!g_env.frames->valid(mfn))
        return xen::GNTST_bad_page;
    memory::PageInfo* pg = g_env.frames->page(mfn);
    if (!memory::get_page(pg, c.domid))
        return xen::GNTST_bad_page;
    const uint64_t ci = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);
    const bool stealable = !(ci & memory::kCountXenHeap) &&
                           (ci & (memory::kCountMask | memory::kCountAllocated)) ==
                               (2 | memory::kCountAllocated);
    memory::put_page(pg);
    if (!stealable)
        return xen::GNTST_bad_page;
    if (to >= xen::DOMID_FIRST_RESERVED || !g_env.domain_live(to))
        return xen::GNTST_bad_domain;
    return xen::GNTST_general_error;
}

long cache_flush(const Caller& c, const xen::gnttab_cache_flush& op, uint32_t start_ref) {
    const uint32_t kinds = xen::GNTTAB_CACHE_INVAL | xen::GNTTAB_CACHE_CLEAN;
    if (op.offset >= kPageSize || op.length > kPageSize || op.offset + op.length > kPageSize ||
        (op.op & ~kinds))
        return -xen::XEN_EINVAL;
    if (op.length == 0 || op.op == 0)
        return start_ref ? -xen::XEN_EILSEQ : 0;
    const uint64_t mfn = op.a.dev_bus_addr >> 12;
    if (!g_env.frames->valid(mfn))
        return -xen::XEN_EINVAL;
    // Xen's page_get_owner_and_reference: whoever owns the frame while it is in use.
    memory::PageInfo* pg = g_env.frames->page(mfn);
    const DomId owner = __atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE);
    if (!memory::get_page(pg, owner))
        return -xen::XEN_EPERM;
    TableRef ot(get_table(owner)); // none for DOMID_XEN, DOMID_IO, ...
    long rc = 0;
    if (!ot) {
        rc = -xen::XEN_EPERM;
    } else {
        lib::LockGuard guard(ot->lock);
        if (owner != c.domid) {
            // Only a frame the caller holds through one of the owner's grants.
            bool held = false;
            for (uint32_t ref = start_ref; ref < nr_entries(*ot.get()) && !held; ref++) {
                const Active& act = active_of(*ot.get(), ref);
                held = act.pin && act.domid == c.domid && act.mfn == mfn;
            }
            if (!held)
                rc = -xen::XEN_EINVAL;
        }
        if (rc == 0 && op.op == xen::GNTTAB_CACHE_INVAL)
            rc = -xen::XEN_EOPNOTSUPP; // x86 cannot drop lines without writing them back
        if (rc == 0)
            g_env.flush_cache(mfn, op.offset, op.length);
    }
    memory::put_page(pg);
    return rc;
}

// --- Mapping ----------------------------------------------------------------------------------

void map_grant_ref(const Caller& c, xen::gnttab_map_grant_ref& op) {
    const uint32_t pin_incr = pin_increment(op.flags);
    const bool readonly = op.flags & xen::GNTMAP_readonly;
    if (!pin_incr) {
        op.status = xen::GNTST_bad_gntref; // neither host nor device mapping asked for
        return;
    }
    TableRef rt(get_table(op.dom)); // a real id: DOMID_SELF names no domain here
    if (!rt) {
        op.status = xen::GNTST_bad_domain;
        return;
    }
    TableRef lt(rt->domid == c.domid ? (table_get(rt.get()), rt.get()) : get_table(c.domid));
    if (!lt) {
        op.status = xen::GNTST_no_space;
        return;
    }
    const uint32_t handle = get_handle(*lt.get(), c.vcpu);
    if (handle == kInvalidHandle) {
        op.status = xen::GNTST_no_space;
        return;
    }

    int16_t rc = xen::GNTST_okay;
    const uint32_t ref = op.ref;
    memory::PageInfo* pg = nullptr;
    uint64_t mfn = 0;
    {
        lib::LockGuard guard(rt->lock);
        if (rt->dead) {
            rc = xen::GNTST_bad_domain;
        } else if (ref >= nr_entries(*rt.get())) {
            rc = xen::GNTST_bad_gntref;
        } else {
            Active& act = active_of(*rt.get(), ref);
            xen::grant_entry_v1* e = shared_of(*rt.get(), ref);
            if (act.pin && (act.domid != c.domid || (act.pin & pin_overflow_mask(pin_incr)))) {
                rc = xen::GNTST_general_error;
            } else if (!act.pin ||
                       (!readonly && !(act.pin & (kPinHostWMask | kPinDevWMask)))) {
                rc = set_status(e, act, readonly, true, c.domid);
                if (rc == xen::GNTST_okay && !act.pin) {
                    uint64_t frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
                    pg = get_owned_frame(frame, rt->domid);
                    if (pg) {
                        act.domid = c.domid;
                        act.mfn = frame;
                    } else {
                        rc = xen::GNTST_bad_page;
                        reduce_status(*rt.get(), act, ref, readonly);
                    }
                }
            }
            if (rc == xen::GNTST_okay) {
                act.pin += pin_incr;
                mfn = act.mfn;
            }
        }
    }
    if (rc != xen::GNTST_okay) {
        op.status = rc;
        put_handle(*lt.get(), handle);
        return;
    }

    // The references the mappings hold: one general reference (two with both a host and
    // a device mapping), and a writable type reference for each writable one.
    unsigned refcnt = 0, typecnt = 0;
    bool host_created = false;
    if (!pg) {
        pg = g_env.frames->valid(mfn) ? get_owned_frame(mfn, rt->domid) : nullptr;
        if (!pg)
            rc = xen::GNTST_general_error; // no longer the granter's frame
    }
    if (pg && rc == xen::GNTST_okay) {
        refcnt++;
        if ((op.flags & xen::GNTMAP_device_map) && !readonly) {
            if (memory::get_page_type(pg, memory::PageType::writable) == 0)
                typecnt++;
            else
                rc = xen::GNTST_general_error;
        }
        if (rc == xen::GNTST_okay && (op.flags & xen::GNTMAP_host_map)) {
            if (op.flags & xen::GNTMAP_device_map) {
                if (memory::get_page(pg, rt->domid))
                    refcnt++;
                else
                    rc = xen::GNTST_general_error;
            }
            if (rc == xen::GNTST_okay && !readonly) {
                if (memory::get_page_type(pg, memory::PageType::writable) == 0)
                    typecnt++;
                else
                    rc = xen::GNTST_general_error;
            }
            if (rc == xen::GNTST_okay) {
                rc = g_env.create_host_mapping(op.host_addr, mfn, op.flags, 0);
                host_created = rc == xen::GNTST_okay;
            }
        }
    }

    if (rc == xen::GNTST_okay) {
        {
            lib::LockGuard guard(lt->maptrack_lock);
            Mapping& m = mapping_of(*lt.get(), handle);
            m.domid = op.dom;
            m.ref = ref;
            m.table = rt.get();
            table_get(rt.get()); // the mapping's reference
            __atomic_store_n(&m.flags, static_cast<uint16_t>(op.flags), __ATOMIC_RELEASE);
        }
        op.dev_bus_addr = mfn << 12;
        op.handle = handle;
        op.status = xen::GNTST_okay;
        return;
    }

    // Undo.
    if (host_created) {
        g_env.replace_host_mapping(op.host_addr, mfn, 0, op.flags);
        g_env.flush_tlb(c.domid);
    }
    while (typecnt--)
        memory::put_page_type(pg);
    while (refcnt--)
        memory::put_page(pg);
    {
        lib::LockGuard guard(rt->lock);
        Active& act = active_of(*rt.get(), ref);
        act.pin -= pin_incr;
        reduce_status(*rt.get(), act, ref, readonly);
    }
    op.status = rc;
    put_handle(*lt.get(), handle);
}

void unmap_begin(const Caller& c, Unmap& op) {
    op.done = 0;
    op.table = nullptr;
    op.handle_freed = false;
    op.status = xen::GNTST_okay;
    TableRef lt(find_table(c.domid));
    if (!lt) {
        op.status = xen::GNTST_bad_handle; // no maptrack at all
        return;
    }
    uint16_t flags = 0;
    {
        lib::LockGuard mguard(lt->maptrack_lock);
        if (op.handle >= lt->maptrack_limit) {
            op.status = xen::GNTST_bad_handle;
            return;
        }
        Mapping& m = mapping_of(*lt.get(), op.handle);
        flags = m.flags;
        if (!flags) {
            op.status = xen::GNTST_bad_handle;
            return;
        }
        Table& rt = *m.table;
        lib::LockGuard guard(rt.lock);
        if (m.ref >= nr_entries(rt)) {
            op.status = xen::GNTST_bad_handle;
            return;
        }
        Active& act = active_of(rt, m.ref);
        op.mfn = act.mfn;
        op.ref = m.ref;
        if (op.dev_bus_addr && (flags & xen::GNTMAP_device_map) &&
            op.dev_bus_addr != (act.mfn << 12)) {
            op.status = xen::GNTST_bad_dev_addr;
            return;
        }
        if (op.host_addr && (flags & xen::GNTMAP_host_map)) {
            int16_t rc = g_env.replace_host_mapping(op.host_addr, op.mfn, op.new_addr, flags);
            if (rc < 0) {
                op.status = rc;
                return;
            }
            m.flags &= ~xen::GNTMAP_host_map;
            op.done |= xen::GNTMAP_host_map | (flags & xen::GNTMAP_readonly);
        }
        if (op.dev_bus_addr && (flags & xen::GNTMAP_device_map)) {
            m.flags &= ~xen::GNTMAP_device_map;
            op.done |= xen::GNTMAP_device_map | (flags & xen::GNTMAP_readonly);
        }
        if (op.done) {
            op.table = &rt;
            table_get(&rt); // kept until complete()
        }
        if (!(m.flags & (xen::GNTMAP_device_map | xen::GNTMAP_host_map))) {
            m.flags = 0;
            op.handle_freed = true;
        }
    }
    if (op.handle_freed)
        put_handle(*lt.get(), op.handle);
}

void flush_tlb(DomId d) { g_env.flush_tlb(d); }

void unmap_complete(const Caller&, Unmap& op) {
    if (!op.done)
        return;
    Table& rt = *op.table;
    memory::PageInfo* pg = g_env.frames->valid(op.mfn) ? g_env.frames->page(op.mfn) : nullptr;
    const bool readonly = op.done & xen::GNTMAP_readonly;
    {
        lib::LockGuard guard(rt.lock);
        Active& act = active_of(rt, op.ref);
        if (op.done & xen::GNTMAP_device_map) {
            ASSERT(act.pin & (kPinDevWMask | (0xffu << 24)));
            act.pin -= readonly ? kPinDevR : kPinDevW;
        }
        if (op.done & xen::GNTMAP_host_map) {
            ASSERT(act.pin & (kPinHostWMask | (0xffu << 8)));
            act.pin -= readonly ? kPinHostR : kPinHostW;
        }
        reduce_status(rt, act, op.ref, readonly);
    }
    if (pg) {
        if (op.done & xen::GNTMAP_device_map) {
            if (!readonly)
                memory::put_page_type(pg);
            memory::put_page(pg);
        }
        if (op.done & xen::GNTMAP_host_map) {
            if (!readonly)
                memory::put_page_type(pg);
            memory::put_page(pg);
        }
    }
    if (op.handle_freed)
        table_put(&rt); // the mapping's reference
    table_put(&rt);     // unmap_begin's
    op.table = nullptr;
    op.done = 0;
}

// --- Copying -------------------------------------------------------------------------------

int16_t copy_one(const Caller& c, const xen::gnttab_copy& op, CopyState& st) {
    int16_t rc = copy_one_inner(c, op, st);
    if (rc != xen::GNTST_okay) {
        release_buf(st, st.src);
        release_buf(st, st.dest);
    }
    return rc;
}

void copy_release(CopyState& st) {
    release_buf(st, st.src);
    release_buf(st, st.dest);
    unlock_domain(st.src);
    unlock_domain(st.dest);
}

// --- Domains -------------------------------------------------------------------------------

bool domain_destroy(DomId domid) {
    Table* t;
    {
        lib::LockGuard guard(g_registry_lock);
        Table** link = &g_tables;
        while (*link && (*link)->domid != domid)
            link = &(*link)->next;
        t = *link;
        if (!t)
            return false;
        *link = t->next;
        t->next = nullptr;
    }

    // Its own mappings of grants: the pins go, and the references the maptrack holds
    // (device mappings). Those of host mappings belong to its page-table entries, which
    // go with its memory.
    {
        lib::LockGuard mguard(t->maptrack_lock);
        for (uint32_t h = 0; h < t->maptrack_limit; h++) {
            Mapping& m = mapping_of(*t, h);
            const uint16_t flags = m.flags;
            if (!(flags & (xen::GNTMAP_device_map | xen::GNTMAP_host_map)))
                continue;
            Table* rt = m.table;
            const bool ro = flags & xen::GNTMAP_readonly;
            {
                lib::LockGuard guard(rt->lock);
                Active& act = active_of(*rt, m.ref);
                memory::PageInfo* pg =
                    g_env.frames->valid(act.mfn) ? g_env.frames->page(act.mfn) : nullptr;
                if (flags & xen::GNTMAP_device_map) {
                    act.pin -= ro ? kPinDevR : kPinDevW;
                    if (pg) {
                        if (!ro)
                            memory::put_page_type(pg);
                        memory::put_page(pg);
                    }
                }
                if (flags & xen::GNTMAP_host_map)
                    act.pin -= ro ? kPinHostR : kPinHostW;
                reduce_status(*rt, act, m.ref, ro);
            }
            m.flags = 0;
            m.table = nullptr;
            // May free rt (never t itself: the registry's reference is still held).
            table_put(rt);
        }
    }

    // Its grants: no new pins. A frame others still map stays the domain's, referenced
    // by their mappings, until they unmap it (memory::relinquish_frames).
    {
        lib::LockGuard guard(t->lock);
        t->dead = true;
        // Its shared frames stay the domain's: they are freed as its other frames are,
        // once nobody maps them (memory::relinquish_frames).
        for (unsigned i = 0; i < t->nr_frames; i++)
            t->shared[i] = nullptr;
    }
    table_put(t); // the registry's
    return true;
}

// --- Inspection ------------------------------------------------------------------------------

bool active_info(DomId dom, uint32_t ref, ActiveInfo* out) {
    TableRef t(find_table(dom));
    if (!t)
        return false;
    lib::LockGuard guard(t->lock);
    if (ref >= nr_entries(*t.get()))
        return false;
    const Active& act = active_of(*t.get(), ref);
    *out = {act.pin, act.domid, act.mfn};
    return true;
}

unsigned maptrack_in_use(DomId dom) {
    TableRef t(find_table(dom));
    if (!t)
        return 0;
    lib::LockGuard guard(t->maptrack_lock);
    unsigned n = 0;
    for (uint32_t h = 0; h < t->maptrack_limit; h++)
        if (mapping_of(*t.get(), h).flags)
            n++;
    return n;
}

bool has_table(DomId dom) {
    TableRef t(find_table(dom));
    return static_cast<bool>(t);
}

uint64_t shared_frame(DomId dom, unsigned i) {
    TableRef t(find_table(dom));
    if (!t)
        return ~0ull;
    lib::LockGuard guard(t->lock);
    return i < t->nr_frames && !t->dead ? t->shared_mfn[i] : ~0ull;
}

} // namespace gnttab
