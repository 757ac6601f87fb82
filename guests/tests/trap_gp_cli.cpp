// cli and sti in a PV guest kernel are bounced as #GP(0) (Xen 4.17, no architectural_iopl
// assist, virtual IOPL 0) and leave the event mask (the PV interrupt flag) alone.
#include "runtime.h"

void test_main() {
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 1);
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, [] { XT_SITE("cli"); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 1);
    fi = xt::expect_fault(xt::VEC_GP, [] { XT_SITE("sti"); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 1);
    xt::report_success();
}
