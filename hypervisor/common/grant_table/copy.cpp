// GNTTABOP_copy: the source and destination (a grant, or a frame of the caller's) each
// pinned and referenced for as long as consecutive elements name them, as Xen does.
#include "common/grant_table/table.h"

#include "common/memory/page_type.h"
#include "lib/string.h"
#include "public/xen.h"

namespace gnttab {
namespace {

int16_t acquire_for_copy(Table& rt, uint32_t ref, DomId ldom, bool readonly, bool allow_transitive,
                         CopyBuf& b);

void release_for_copy(Table& rt, uint32_t ref, bool readonly);

// Xen's acquire_grant_for_copy, after the checks every grant gets, for a version 2
// transitive grant (rt.lock held on entry and on return): the grant it leads to is
// acquired for rt's domain (one level only: never itself transitive), with rt's lock
// dropped meanwhile; if the entry changed in between, kCopyRestart.
int16_t acquire_transitive(Table& rt, uint32_t ref, DomId ldom, bool readonly,
                           bool allow_transitive, const Grant& g, CopyBuf& b) {
    Active& act = active_of(rt, ref);
    const uint32_t old_pin = act.pin;
    if (!old_pin || (!readonly && !(old_pin & (kPinHostWMask | kPinDevWMask)))) {
        if (int16_t rc = set_status(rt, ref, act, readonly, false, ldom))
            return rc;
    }
    Table* td = nullptr;
    if (allow_transitive && g.trans_domid != rt.domid) // never self-referential
        td = get_table(g.trans_domid);
    if (!td) {
        reduce_status(rt, act, ref, readonly);
        return xen::GNTST_general_error;
    }
    rt.nr_v2_ops++;
    rt.lock.unlock();
    int16_t rc = acquire_for_copy(*td, g.trans_gref, rt.domid, readonly, false, b);
    rt.lock.lock();
    if (rc != xen::GNTST_okay) {
        rt.nr_v2_ops--;
        table_put(td);
        reduce_status(rt, act, ref, readonly);
        return rc;
    }
    if (rt.version != 2 || act.pin != old_pin ||
        (old_pin && (act.domid != ldom || act.mfn != b.mfn || act.start != b.offset ||
                     act.length != b.length || act.trans != td || act.trans_gref != g.trans_gref ||
                     !act.is_sub_page))) {
        rt.lock.unlock();
        release_for_copy(*td, g.trans_gref, readonly);
        memory::put_page(b.page);
        b.page = nullptr;
        rt.lock.lock();
        rt.nr_v2_ops--;
        reduce_status(rt, act, ref, readonly);
        return kCopyRestart;
    }
    if (!old_pin) // treated as sub-page whatever it leads to: never mapped
        act = Active{0, ldom, b.offset, b.length, true, g.trans_gref, td, b.mfn};
    else
        rt.nr_v2_ops--; // counted once per pinned entry
    act.pin += readonly ? kPinHostR : kPinHostW;
    return xen::GNTST_okay;
}

// Xen's acquire_grant_for_copy: pins (rt, ref) for ldom as a host read (or write) and
// references its frame into b, with the window of it the grant allows.
int16_t acquire_locked(Table& rt, uint32_t ref, DomId ldom, bool readonly, bool allow_transitive,
                       CopyBuf& b) {
    const uint32_t incr = readonly ? kPinHostR : kPinHostW;
    if (rt.dead)
        return xen::GNTST_bad_domain;
    if (ref >= nr_entries(rt))
        return xen::GNTST_bad_gntref;
    Active& act = active_of(rt, ref);
    if (act.pin && (act.domid != ldom || (act.pin & pin_overflow_mask(incr))))
        return xen::GNTST_general_error;
    const Grant g = read_entry(rt, ref);
    if (rt.version == 2 && (g.flags & xen::GTF_type_mask) == xen::GTF_transitive)
        return acquire_transitive(rt, ref, ldom, readonly, allow_transitive, g, b);
    const uint32_t old_pin = act.pin;
    memory::PageInfo* pg;
    if (!old_pin || (!readonly && !(old_pin & (kPinHostWMask | kPinDevWMask)))) {
        int16_t rc = set_status(rt, ref, act, readonly, false, ldom);
        if (rc != xen::GNTST_okay)
            return rc;
        // set_status saw the entry's flags after g was read: read what it grants again.
        const Grant now = read_entry(rt, ref);
        pg = get_owned_frame(now.frame, rt.domid);
        if (!pg) {
            reduce_status(rt, act, ref, readonly);
            return xen::GNTST_bad_page;
        }
        if (!old_pin) {
            act = Active{0, ldom, now.start, now.length, now.sub_page, 0, nullptr, now.frame};
            if (now.sub_page)
                rt.nr_v2_ops++;
        } else if (now.frame != act.mfn || act.trans ||
                   (act.is_sub_page &&
                    (!now.sub_page || act.start != now.start || act.length != now.length))) {
            // Pinned for reading already, now for writing too: the entry must still grant
            // what is pinned (Xen 4.17.7 checks this as well).
            memory::put_page(pg);
            reduce_status(rt, act, ref, readonly);
            return xen::GNTST_general_error;
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
    b.offset = act.start;
    b.length = act.length;
    return xen::GNTST_okay;
}

int16_t acquire_for_copy(Table& rt, uint32_t ref, DomId ldom, bool readonly, bool allow_transitive,
                         CopyBuf& b) {
    lib::LockGuard guard(rt.lock);
    return acquire_locked(rt, ref, ldom, readonly, allow_transitive, b);
}

// Xen's release_grant_for_copy: drops the pin, and that of the grant a transitive one
// leads to.
void release_for_copy(Table& rt, uint32_t ref, bool readonly) {
    Table* trans;
    uint32_t trans_gref;
    {
        lib::LockGuard guard(rt.lock);
        Active& act = active_of(rt, ref);
        trans = act.trans;
        trans_gref = act.trans_gref;
        act.pin -= readonly ? kPinHostR : kPinHostW;
        reduce_status(rt, act, ref, readonly);
        if (!act.pin && act.is_sub_page)
            rt.nr_v2_ops--;
    }
    if (trans) {
        release_for_copy(*trans, trans_gref, readonly);
        table_put(trans); // the pin's reference
    }
}

bool buf_readonly(const CopyState& st, const CopyBuf& b) {
    return &b == &st.src;
}

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
        int16_t rc = acquire_for_copy(*b.table, p.u.ref, c.domid, readonly, true, b);
        if (rc != xen::GNTST_okay)
            return rc;
        b.is_gref = true;
        b.key = p.u.ref;
    } else {
        memory::PageInfo* pg =
            g_env.frames->valid(p.u.gmfn) ? get_owned_frame(p.u.gmfn, c.domid) : nullptr;
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
    if (g_env.dirtied)
        g_env.dirtied(dest.mfn);
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

} // namespace

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

} // namespace gnttab
