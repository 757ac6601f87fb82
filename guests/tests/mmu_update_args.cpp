// mmu_update's arguments: count 0 does nothing; the domain naming itself by its own id
// (not DOMID_SELF) or an unknown domain is -ESRCH with `done` set to 0; an unreadable
// request is -EFAULT with `done` set; a request array in the hypervisor's range is
// -EFAULT before anything, `done` untouched.
#include "pv_mmu.h"

void test_main() {
    xen::mmu_update req{0, 0};
    unsigned done = 77;
    XT_CHECK_RC(mmu::mmu_update(&req, 0, &done), 0);
    XT_CHECK_EQ(done, 0);
    done = 77;
    XT_CHECK_RC(mmu::mmu_update(&req, 1, &done, 0), -xen::XEN_ESRCH); // we are domain 0
    XT_CHECK_EQ(done, 0);
    done = 77;
    XT_CHECK_RC(mmu::mmu_update(&req, 1, &done, 0x7ff5), -xen::XEN_ESRCH);
    XT_CHECK_EQ(done, 0);
    done = 77;
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_mmu_update, 0x2000, 1, xt::arg(&done),
                              xen::DOMID_SELF),
                -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 0);
    done = 77;
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_mmu_update, 0xffff830000000000, 1, xt::arg(&done),
                              xen::DOMID_SELF),
                -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 77);
    xt::report_success();
}
