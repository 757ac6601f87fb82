// The domctls about a domain's memory: its reservation limit.
#include "common/domain.h"
#include "common/hypercalls/domctl/domctl.h"
#include "lib/spinlock.h"
#include "public/errno.h"

namespace domctl {

using namespace xen;

long max_mem(Call& c) {
    // The reservation limit, in KiB; a domain (dom0 too) may be set below what it holds,
    // and then gets no new pages until it is under it again.
    Domain& d = *c.target;
    uint64_t pages = c.op.u.max_mem.max_memkb >> 2; // 4 KiB pages
    lib::LockGuard guard(d.page_lock);
    d.max_pages = pages < UINT32_MAX ? pages : UINT32_MAX; // Xen's is 32-bit
    return 0;
}

} // namespace domctl
