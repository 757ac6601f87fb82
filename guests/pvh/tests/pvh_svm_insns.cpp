// SVM's own instructions inside a PVH guest: Xen 4.17 offers no nested virtualization,
// so VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT and INVLPGA raise #UD at the instruction
// (as do MONITOR and MWAIT, hidden from CPUID), and the guest goes on.
#include "svm_insns_ud.h"

void test_main() {
    expect_svm_insns_raise_ud();
    xt::report_success();
}
