// GNTTABOP_set_version, get_version and get_status_frames: a table switches between the
// two entry layouts while nothing but its reserved entries is in use, as Xen 4.17 does.
#include "common/grant_table/table.h"

#include "lib/string.h"
#include "public/errno.h"
#include "public/xen.h"

namespace gnttab {
namespace {

using xen::GNTTAB_NR_RESERVED_ENTRIES;

// Xen's checks before a switch: no entry past the reserved ones pinned (-EBUSY); back to
// version 1, no sub-page or transitive grant pinned (-EAGAIN) and every reserved entry
// representable in a version 1 entry (-ERANGE).
long may_switch(Table& t) {
    for (uint32_t ref = GNTTAB_NR_RESERVED_ENTRIES; ref < nr_entries(t); ref++)
        if (active_of(t, ref).pin)
            return -xen::XEN_EBUSY;
    if (t.version == 1)
        return 0;
    if (t.nr_v2_ops)
        return -xen::XEN_EAGAIN;
    for (uint32_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++) {
        Grant g = read_entry(t, ref);
        uint16_t type = g.flags & xen::GTF_type_mask;
        if (type == xen::GTF_transitive || (type == xen::GTF_permit_access && g.frame >> 32))
            return -xen::XEN_ERANGE;
    }
    return 0;
}

// The reserved entries (the toolstack's console and xenstore grants) in version 1 form:
// a version 2 entry's status flags folded into its flags; anything but an access grant
// is dropped, as Xen drops it.
void save_reserved(Table& t, xen::grant_entry_v1* out) {
    for (uint32_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++) {
        Grant g = read_entry(t, ref);
        if (t.version == 2 && (g.flags & xen::GTF_type_mask) != xen::GTF_permit_access) {
            out[ref] = {};
            continue;
        }
        out[ref].flags = g.flags | (t.version == 2 ? *status_of(t, ref) : 0);
        out[ref].domid = g.domid;
        out[ref].frame = static_cast<uint32_t>(g.frame);
    }
}

void restore_reserved(Table& t, const xen::grant_entry_v1* in) {
    constexpr uint16_t kStatus = xen::GTF_reading | xen::GTF_writing;
    for (uint32_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++) {
        if (t.version == 1) {
            static_cast<xen::grant_entry_v1*>(t.shared[0])[ref] = in[ref];
            continue;
        }
        auto& e = static_cast<xen::grant_entry_v2*>(t.shared[0])[ref];
        *status_of(t, ref) = in[ref].flags & kStatus;
        e.hdr.flags = in[ref].flags & ~kStatus;
        e.hdr.domid = in[ref].domid;
        e.full_page.frame = in[ref].frame;
    }
}

} // namespace

long get_version(const Caller& c, DomId dom, uint32_t* version) {
    TableRef t(get_table(resolve(c, dom)));
    if (!t)
        return -xen::XEN_ESRCH;
    if (!may_target(c, t->domid))
        return -xen::XEN_EPERM;
    *version = __atomic_load_n(&t->version, __ATOMIC_ACQUIRE);
    return 0;
}

long set_version(const Caller& c, uint32_t version, uint32_t max_version, uint32_t* in_force) {
    TableRef t(get_table(c.domid));
    if (!t)
        return -xen::XEN_ENOMEM;
    lib::LockGuard guard(t->lock);
    *in_force = t->version;
    if (version != 1 && version != 2)
        return -xen::XEN_EINVAL;
    if (version > max_version)
        return -xen::XEN_ENOSYS;
    if (version == t->version)
        return 0;
    if (long rc = may_switch(*t.get()))
        return rc;
    if (t->version == 1 && !populate_status(*t.get(), t->nr_frames))
        return -xen::XEN_ENOMEM;
    xen::grant_entry_v1 reserved[GNTTAB_NR_RESERVED_ENTRIES];
    save_reserved(*t.get(), reserved);
    if (t->version == 2 && !unpopulate_status(*t.get()))
        return -xen::XEN_EBUSY; // the domain still maps a status frame
    // Nothing of the old layout survives but the reserved entries.
    for (unsigned i = 0; i < t->nr_frames; i++)
        memset(t->shared[i], 0, kPageSize);
    __atomic_store_n(&t->version, static_cast<uint8_t>(version), __ATOMIC_RELEASE);
    restore_reserved(*t.get(), reserved);
    *in_force = version;
    return 0;
}

int16_t get_status_frames(const Caller& c, DomId dom, uint32_t nr_frames, uint64_t* mfns) {
    TableRef t(get_table(resolve(c, dom)));
    if (!t)
        return xen::GNTST_bad_domain;
    if (!may_target(c, t->domid))
        return xen::GNTST_permission_denied;
    lib::LockGuard guard(t->lock);
    if (nr_frames > t->nr_status) // none in version 1
        return xen::GNTST_general_error;
    for (uint32_t i = 0; i < nr_frames; i++)
        mfns[i] = t->status_mfn[i];
    return xen::GNTST_okay;
}

} // namespace gnttab
