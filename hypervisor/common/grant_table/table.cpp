// Tables: the registry of domains' tables, their lifetime and growth, and what happens
// to them when their domain goes away.
#include "common/grant_table/table.h"

#include "common/memory/page_type.h"
#include "common/panic.h"
#include "lib/new.h"
#include "public/xen.h"

namespace gnttab {

constinit Env g_env = {};

namespace {

constinit lib::SpinLock g_registry_lock;
constinit Table* g_tables = nullptr;

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

Table* create_table(DomId domid) {
    void* mem = g_env.zalloc(sizeof(Table));
    if (!mem)
        return nullptr;
    Table* t = new (mem) Table();
    t->domid = domid;
    t->version = 1;
    t->refs = 1; // the registry's
    for (unsigned v = 0; v < kMaxVcpus; v++)
        t->head[v] = t->tail[v] = kMaptrackTail;
    if (!grow(*t, kInitialFrames)) {
        free_table(t);
        return nullptr;
    }
    return t;
}

} // namespace

void init(const Env& env) {
    g_env = env;
}

void table_get(Table* t) {
    __atomic_fetch_add(&t->refs, 1, __ATOMIC_ACQ_REL);
}

void table_put(Table* t) {
    if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
        free_table(t);
}

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
    if (i < want || (t.version == 2 && !populate_status(t, want))) {
        while (i-- > have) {
            g_env.free_frame(t.shared_mfn[i]);
            g_env.free(t.active[i]);
            t.active[i] = nullptr;
        }
        return false;
    }
    for (i = have; i < want; i++) {
        memory::share_xen_page_with_guest(g_env.frames->page(t.shared_mfn[i]), t.domid, false);
        t.shared[i] = g_env.map(t.shared_mfn[i]);
    }
    __atomic_store_n(&t.nr_frames, want, __ATOMIC_RELEASE);
    return true;
}

bool populate_status(Table& t, unsigned nr_frames) {
    const unsigned want = status_frames_for(nr_frames), have = t.nr_status;
    unsigned i = have;
    for (; i < want; i++) {
        t.status_mfn[i] = g_env.alloc_frame();
        if (t.status_mfn[i] == ~0ull)
            break;
    }
    if (i < want) {
        while (i-- > have)
            g_env.free_frame(t.status_mfn[i]);
        return false;
    }
    for (i = have; i < want; i++) {
        memory::share_xen_page_with_guest(g_env.frames->page(t.status_mfn[i]), t.domid, false);
        t.status[i] = static_cast<uint16_t*>(g_env.map(t.status_mfn[i]));
    }
    t.nr_status = want;
    return true;
}

bool unpopulate_status(Table& t) {
    unsigned i = 0;
    for (; i < t.nr_status; i++)
        if (!memory::unshare_xen_page(g_env.frames->page(t.status_mfn[i]), t.domid))
            break;
    if (i < t.nr_status) {
        while (i--) // the domain maps one of them: give the others back as they were
            memory::share_xen_page_with_guest(g_env.frames->page(t.status_mfn[i]), t.domid, false);
        return false;
    }
    for (i = 0; i < t.nr_status; i++) {
        g_env.free_frame(t.status_mfn[i]);
        t.status[i] = nullptr;
    }
    t.nr_status = 0;
    return true;
}

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

Table* find_table(DomId domid) {
    lib::LockGuard guard(g_registry_lock);
    Table* t = g_tables;
    while (t && t->domid != domid)
        t = t->next;
    if (t)
        table_get(t);
    return t;
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
        for (unsigned i = 0; i < t->nr_status; i++)
            t->status[i] = nullptr;
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

uint64_t status_frame(DomId dom, unsigned i) {
    TableRef t(find_table(dom));
    if (!t)
        return ~0ull;
    lib::LockGuard guard(t->lock);
    return i < t->nr_status && !t->dead ? t->status_mfn[i] : ~0ull;
}

uint64_t shared_frame(DomId dom, unsigned i) {
    TableRef t(find_table(dom));
    if (!t)
        return ~0ull;
    lib::LockGuard guard(t->lock);
    return i < t->nr_frames && !t->dead ? t->shared_mfn[i] : ~0ull;
}

} // namespace gnttab
