// SVM's own instructions inside a PVH guest: Xen 4.17 offers no nested virtualization,
// so VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT and INVLPGA raise #UD at the instruction
// (as do MONITOR and MWAIT, hidden from CPUID), and the guest goes on.
#include "pvh.h"
#include "runtime.h"

#define EXPECT_UD(insn)                                                                            \
    do {                                                                                           \
        xt::pvh::Fault f = XT_PVH_TRY(insn,                                                        \
                                      : [fix] "=m"(xt::pvh::fault_fixup)                           \
                                      : "a"(0ul), "c"(0ul), "d"(0ul)                               \
                                      : "r11", "memory");                                          \
        if (f.vector != 6)                                                                         \
            xt::report_failure("%s: vector %d, expected #UD", insn, f.vector);                     \
    } while (0)

void test_main() {
    EXPECT_UD("vmrun");
    EXPECT_UD("vmload");
    EXPECT_UD("vmsave");
    EXPECT_UD("stgi");
    EXPECT_UD("clgi");
    EXPECT_UD("skinit");
    EXPECT_UD("invlpga");
    EXPECT_UD("monitor");
    EXPECT_UD("mwait");
    xt::report_success();
}
