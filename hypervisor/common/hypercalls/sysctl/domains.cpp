// XEN_SYSCTL_getdomaininfolist: the info records of the listed domains (live and dying)
// from first_domain on, in id order, as many as the caller has room for.
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercalls/domctl/domctl.h"
#include "common/hypercalls/sysctl/sysctl.h"
#include "public/errno.h"

namespace sysctl {

using namespace xen;

long getdomaininfolist(Call& c) {
    xen_sysctl_getdomaininfolist& l = c.op.u.getdomaininfolist;
    uint32_t n = 0;
    for (Domain* d = domain_next(l.first_domain); d && n < l.max_domains;
         d = d->domid < DOMID_FIRST_RESERVED - 1 ? domain_next(d->domid + 1) : nullptr) {
        xen_domctl_getdomaininfo info;
        domctl::fill_domaininfo(*d, info);
        if (arch::copy_to_guest(l.buffer.p + uint64_t(n) * sizeof(info), &info, sizeof(info)))
            return -XEN_EFAULT;
        n++;
    }
    l.num_domains = n;
    return 0;
}

} // namespace sysctl
