// int $0x80 with a trap-table entry of DPL 3 reaches that handler (vector 0x80) as a
// trap, rip after the 2-byte instruction. (Vectors other than 3, 4 and 0x80 are avoided:
// Xen decodes them from the #GP error code, which QEMU 7.2 gets wrong.)
#include "runtime.h"

extern "C" void xt_trap_0x80();

void test_main() {
    static const xen::trap_info table[] = {
        {0x80, 3 | 4, xen::FLAT_KERNEL_CS, reinterpret_cast<uint64_t>(xt_trap_0x80)}, {}};
    XT_CHECK_RC(xt::set_trap_table(table), 0);
    xt::fault_info fi = xt::expect_fault(0x80, [] { XT_SITE("int $0x80"); });
    XT_CHECK_EQ(fi.rip, xt::site_end);
    XT_CHECK_EQ(fi.rip - xt::site, 2);
    XT_CHECK_EQ(fi.error_code, 0);
    // Adding one entry left the others in place.
    fi = xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    XT_CHECK_EQ(fi.rip, xt::site);
    xt::report_success();
}
