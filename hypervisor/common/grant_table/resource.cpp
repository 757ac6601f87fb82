// XENMEM_acquire_resource of a grant table: the machine frames of a domain's shared or
// status frames, so a toolstack can write its first entries (libxc seeds the console and
// xenstore grants of a domain it builds this way) without the domain's help.
#include "common/grant_table/table.h"

#include "public/errno.h"
#include "public/memory.h"

namespace gnttab {

uint32_t resource_max_frames(uint32_t id, uint32_t max_frames) {
    switch (id) {
    case xen::XENMEM_resource_grant_table_id_shared:
        return max_frames;
    case xen::XENMEM_resource_grant_table_id_status:
        return status_frames_for(max_frames);
    default:
        return 0;
    }
}

long acquire_frames(DomId dom, uint32_t id, uint32_t frame, uint32_t nr_frames, uint32_t max_frames,
                    uint64_t* mfns) {
    if (!nr_frames || max_frames > kMaxFrames)
        return -xen::XEN_EINVAL;
    TableRef t(get_table(dom));
    if (!t)
        return -xen::XEN_EINVAL;
    const uint64_t last = uint64_t(frame) + nr_frames - 1;
    lib::LockGuard guard(t->lock);
    if (t->dead)
        return -xen::XEN_EINVAL;
    switch (id) {
    case xen::XENMEM_resource_grant_table_id_shared:
        // As Xen: the table grows to hold the last frame asked for, within its limit.
        if (last >= max_frames)
            return -xen::XEN_EINVAL;
        if (last >= t->nr_frames && !grow(*t.get(), unsigned(last) + 1))
            return -xen::XEN_EINVAL;
        for (uint32_t i = 0; i < nr_frames; i++)
            mfns[i] = t->shared_mfn[frame + i];
        return nr_frames;
    case xen::XENMEM_resource_grant_table_id_status: {
        // A version 1 table has no status frames to give.
        if (t->version != 2 || last >= status_frames_for(max_frames))
            return -xen::XEN_EINVAL;
        // Status frame `last` exists once there are enough shared frames to need it; as
        // in Xen, a table that would need more than its limit for that does not grow.
        if (last >= t->nr_status) {
            const uint64_t want = (last + 1) * kStatusPerFrame / kEntriesPerFrameV2;
            if (want > max_frames || !grow(*t.get(), unsigned(want)) || last >= t->nr_status)
                return -xen::XEN_EINVAL;
        }
        for (uint32_t i = 0; i < nr_frames; i++)
            mfns[i] = t->status_mfn[frame + i];
        return nr_frames;
    }
    default:
        return -xen::XEN_EINVAL;
    }
}

} // namespace gnttab
