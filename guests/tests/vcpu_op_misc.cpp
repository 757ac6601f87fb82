// vcpu_op basics: VCPUOP_is_up(0) = 1 (the running vCPU); a vCPU id the domain does not
// have is -ENOENT; an unknown command -ENOSYS; VCPUOP_get_physid for a dom0 vCPU that is
// not pinned: -EINVAL.
#include "public/vcpu.h"
#include "runtime.h"

void test_main() {
    using namespace xen;
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_is_up, 0), 1);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_is_up, 1000), -XEN_ENOENT);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_is_up, 0xffffffff), -XEN_ENOENT);
    XT_CHECK_RC(xt::vcpu_op(99, 0), -XEN_ENOSYS);
    vcpu_get_physid p{};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_get_physid, 0, &p), -XEN_EINVAL);
    xt::report_success();
}
