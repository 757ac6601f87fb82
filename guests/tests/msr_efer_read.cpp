// rdmsr of EFER from a PV kernel is emulated (no fault) and shows long mode active and
// enabled (LMA, LME), SYSCALL enabled (SCE) and NX (NXE). Xen 4.17: 0xd01.
#include "runtime.h"

void test_main() {
    static uint64_t efer;
    xt::fault_info fi;
    if (xt::try_fault([] {
            uint32_t lo, hi;
            asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u));
            efer = (uint64_t(hi) << 32) | lo;
        }, &fi))
        xt::report_failure("rdmsr EFER faulted: %s error %#lx", xt::vector_name(fi.vector),
                           fi.error_code);
    xt::printf("EFER = %#lx\n", efer);
    XT_CHECK(efer & (1u << 0));  // SCE
    XT_CHECK(efer & (1u << 8));  // LME
    XT_CHECK(efer & (1u << 10)); // LMA
    XT_CHECK(efer & (1u << 11)); // NXE
    xt::report_success();
}
