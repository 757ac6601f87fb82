// XENMEM_current_reservation(DOMID_SELF) = start_info.nr_pages (16384 with dom0_mem=64M),
// the same for dom0's own id 0; XENMEM_maximum_reservation is no smaller (Xen 4.17 with
// no "max:" given: 0xffffffff). Non-existent domains: -ESRCH.
#include "public/memory.h"
#include "runtime.h"

void test_main() {
    xen::domid_t self = xen::DOMID_SELF, zero = 0, invalid = xen::DOMID_INVALID, other = 5;
    long cur = xt::memory_op(xen::XENMEM_current_reservation, &self);
    long max = xt::memory_op(xen::XENMEM_maximum_reservation, &self);
    xt::printf("current %ld maximum %ld nr_pages %lu\n", cur, max, xt::start_info->nr_pages);
    XT_CHECK_EQ(uint64_t(cur), xt::start_info->nr_pages);
    XT_CHECK(max >= cur);
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_current_reservation, &zero), cur);
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_current_reservation, &invalid), -xen::XEN_ESRCH);
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_current_reservation, &other), -xen::XEN_ESRCH);
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_current_reservation, reinterpret_cast<void *>(0x1000)),
                -xen::XEN_EFAULT);
    xt::report_success();
}
