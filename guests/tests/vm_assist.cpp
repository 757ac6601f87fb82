// vm_assist: enabling/disabling a type 64-bit PV guests may use returns 0; an undefined
// type returns -EINVAL (checked before the command); an unknown command -ENOSYS.
#include "runtime.h"

void test_main() {
    using namespace xen;
    XT_CHECK_RC(xt::vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    XT_CHECK_RC(xt::vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0);
    XT_CHECK_RC(xt::vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
    XT_CHECK_RC(xt::vm_assist(VMASST_CMD_enable, VMASST_TYPE_m2p_strict), 0);
    XT_CHECK_RC(xt::vm_assist(VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0);
    XT_CHECK_RC(xt::vm_assist(VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0);
    for (unsigned type : {6u, 31u, 63u, 64u, 1000u})
        if (long rc = xt::vm_assist(VMASST_CMD_enable, type); rc != -XEN_EINVAL)
            xt::report_failure("vm_assist(enable, %u) returned %ld, expected -EINVAL", type, rc);
    XT_CHECK_RC(xt::vm_assist(2, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS);
    XT_CHECK_RC(xt::vm_assist(99, 99), -XEN_EINVAL);
    xt::report_success();
}
