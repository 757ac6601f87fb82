// XENMEM_maximum_gpfn of a PV guest is one below the P2M size it gave in shared_info's
// arch.max_pfn (0 while it gave none); another guest's, or an unreadable argument:
// -ESRCH / -EFAULT.
#include "memop_util.h"

void test_main() {
    using namespace xen;
    domid_t self = DOMID_SELF;
    uint64_t saved = xt::shared->arch.max_pfn;
    xt::shared->arch.max_pfn = 0;
    XT_CHECK_RC(xt::memory_op(XENMEM_maximum_gpfn, &self), 0);
    xt::shared->arch.max_pfn = xt::start_info->nr_pages;
    XT_CHECK_RC(xt::memory_op(XENMEM_maximum_gpfn, &self), long(xt::start_info->nr_pages) - 1);
    xt::shared->arch.max_pfn = 0x123456;
    XT_CHECK_RC(xt::memory_op(XENMEM_maximum_gpfn, &self), 0x123455);
    xt::shared->arch.max_pfn = saved;
    domid_t other = 12345;
    XT_CHECK_RC(xt::memory_op(XENMEM_maximum_gpfn, &other), -XEN_ESRCH);
    XT_CHECK_RC(xt::memory_op(XENMEM_maximum_gpfn, reinterpret_cast<void*>(0x1000)), -XEN_EFAULT);
    xt::report_success();
}
