// The whole-table sub-ops setup_table, query_size and swap_grant_ref (the version ones
// are in version.cpp).
#include "common/grant_table/table.h"

#include "public/errno.h"
#include "public/xen.h"

namespace gnttab {

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
    // A version 2 table always has the status frames its shared frames need (grow()).
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
    swap_entries(*t.get(), ref_a, ref_b);
    return xen::GNTST_okay;
}

} // namespace gnttab
