// XENMEM_set_memory_map and XENMEM_memory_map: the pseudo-physical E820 a toolstack gives
// a domain (libxl: one RAM entry up to the domain's maximum), which the domain then reads
// for itself. As Xen 4.17: more than E820MAX entries -EINVAL, a domain that does not
// exist -ESRCH, one the caller may not act on -EPERM, unreadable buffers -EFAULT; a
// domain never given a map is answered -ENOSYS (it falls back to start_info's nr_pages).
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/hypercalls/memory_op.h"
#include "common/memory/heap.h"
#include "lib/spinlock.h"
#include "public/errno.h"
#include "public/memory.h"

namespace memop {
namespace {

constexpr uint32_t kE820Max = 1024; // Xen x86's E820MAX

} // namespace

long set_memory_map(uint64_t arg, Domain& self) {
    xen::xen_foreign_memory_map fmap;
    if (arch::copy_from_guest(&fmap, arg, sizeof(fmap)))
        return -xen::XEN_EFAULT;
    const uint32_t n = fmap.map.nr_entries;
    if (n > kE820Max)
        return -xen::XEN_EINVAL;
    Domain* d = hc::domain_by_any_id(fmap.domid, self);
    if (!d)
        return -xen::XEN_ESRCH;
    if (!may_target(self, *d))
        return -xen::XEN_EPERM;
    xen::e820entry* map = nullptr;
    if (n) {
        map = static_cast<xen::e820entry*>(xmalloc(n * sizeof(xen::e820entry), 8));
        if (!map)
            return -xen::XEN_ENOMEM;
        if (arch::copy_from_guest(map, fmap.map.buffer.p, n * sizeof(xen::e820entry))) {
            xfree(map);
            return -xen::XEN_EFAULT;
        }
    }
    xen::e820entry* old;
    {
        lib::LockGuard guard(d->e820_lock);
        old = d->e820;
        d->e820 = map;
        d->nr_e820 = n;
    }
    if (old)
        xfree(old);
    return 0;
}

long memory_map(uint64_t arg, Domain& self) {
    xen::xen_memory_map map;
    if (arch::copy_from_guest(&map, arg, sizeof(map)))
        return -xen::XEN_EFAULT;
    lib::LockGuard guard(self.e820_lock);
    // The initial PV domain is never given one: Xen answers it -ENOSYS too, and it asks
    // for the machine map instead.
    if (!self.nr_e820 || !self.e820)
        return -xen::XEN_ENOSYS;
    if (map.nr_entries > self.nr_e820)
        map.nr_entries = self.nr_e820;
    if (arch::copy_to_guest(map.buffer.p, self.e820, map.nr_entries * sizeof(xen::e820entry)) ||
        arch::copy_to_guest(arg, &map, sizeof(map)))
        return -xen::XEN_EFAULT;
    return 0;
}

} // namespace memop
