// The whole-table sub-ops: setup_table, query_size, get_version / set_version,
// get_status_frames, and swap_grant_ref.
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

} // namespace gnttab
