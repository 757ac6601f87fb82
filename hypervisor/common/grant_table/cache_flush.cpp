// GNTTABOP_cache_flush: cache maintenance of a frame the caller owns or maps through a
// grant.
#include "common/grant_table/table.h"

#include "common/memory/page_type.h"
#include "public/errno.h"
#include "public/xen.h"

namespace gnttab {

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

} // namespace gnttab
