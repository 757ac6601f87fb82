// SVM's instructions and MONITOR/MWAIT inside a PVH guest: each must raise #UD (Xen 4.17
// offers no nested virtualization and hides MONITOR). Shared by the conformance guest
// pvh_svm_insns and the hostile pvh_probe.
#pragma once
#include "pvh.h"
#include "runtime.h"

#define XT_PVH_EXPECT_UD(insn)                                                                     \
    do {                                                                                           \
        xt::pvh::Fault f = XT_PVH_TRY(insn,                                                        \
                                      : [fix] "=m"(xt::pvh::fault_fixup)                           \
                                      : "a"(0ul), "c"(0ul), "d"(0ul)                               \
                                      : "r11", "memory");                                          \
        if (f.vector != 6)                                                                         \
            xt::report_failure("%s: vector %d, expected #UD", insn, f.vector);                     \
    } while (0)

inline void expect_svm_insns_raise_ud() {
    XT_PVH_EXPECT_UD("vmrun");
    XT_PVH_EXPECT_UD("vmload");
    XT_PVH_EXPECT_UD("vmsave");
    XT_PVH_EXPECT_UD("stgi");
    XT_PVH_EXPECT_UD("clgi");
    XT_PVH_EXPECT_UD("skinit");
    XT_PVH_EXPECT_UD("invlpga");
    XT_PVH_EXPECT_UD("monitor");
    XT_PVH_EXPECT_UD("mwait");
}
