// GNTTABOP_transfer: checked as Xen checks it; no frame moves yet (grant_table.h).
#include "common/grant_table/table.h"

#include "common/memory/page_type.h"
#include "public/xen.h"

namespace gnttab {

int16_t transfer(const Caller& c, uint64_t mfn, DomId to, uint32_t) {
    if (!g_env.frames->valid(mfn))
        return xen::GNTST_bad_page;
    memory::PageInfo* pg = g_env.frames->page(mfn);
    if (!memory::get_page(pg, c.domid))
        return xen::GNTST_bad_page;
    const uint64_t ci = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);
    const bool stealable =
        !(ci & memory::kCountXenHeap) &&
        (ci & (memory::kCountMask | memory::kCountAllocated)) == (2 | memory::kCountAllocated);
    memory::put_page(pg);
    if (!stealable)
        return xen::GNTST_bad_page;
    if (to >= xen::DOMID_FIRST_RESERVED || !g_env.domain_live(to))
        return xen::GNTST_bad_domain;
    return xen::GNTST_general_error;
}

} // namespace gnttab
