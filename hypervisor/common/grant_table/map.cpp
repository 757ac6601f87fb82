// GNTTABOP_map_grant_ref, unmap_grant_ref and unmap_and_replace: pins and references of
// a grant's host and device mappings, recorded in the mapping domain's maptrack.
#include "common/grant_table/table.h"

#include "common/memory/page_type.h"
#include "common/panic.h"
#include "public/xen.h"

namespace gnttab {
namespace {

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
            // A sub-page or transitive grant a copy has pinned is never mapped.
            if (act.pin && (act.domid != c.domid || (act.pin & pin_overflow_mask(pin_incr)) ||
                            act.is_sub_page)) {
                rc = xen::GNTST_general_error;
            } else if (!act.pin || (!readonly && !(act.pin & (kPinHostWMask | kPinDevWMask)))) {
                rc = set_status(*rt.get(), ref, act, readonly, true, c.domid);
                if (rc == xen::GNTST_okay && !act.pin) {
                    uint64_t frame = read_entry(*rt.get(), ref).frame;
                    pg = get_owned_frame(frame, rt->domid);
                    if (pg) {
                        act = Active{act.pin, c.domid, 0, kPageSize, false, 0, nullptr, frame};
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
        if (!readonly && g_env.dirtied)
            g_env.dirtied(mfn); // the mapper may write it from now on
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

void flush_tlb(DomId d) {
    g_env.flush_tlb(d);
}

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
    if (!readonly && g_env.dirtied)
        g_env.dirtied(op.mfn); // whatever was written through the mapping
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

} // namespace gnttab
