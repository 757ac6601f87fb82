// A data breakpoint set with set_debugreg (DR0 = address, DR7 = L0 | R/W0 = write |
// LEN0 = 8 bytes) makes a write to it a #DB (vector 1) delivered after the write (rip past
// the store), and DR6 then has B0 (bit 0) set. Clearing DR7 disarms it.
#include "runtime.h"

alignas(8) static uint64_t watched;

void test_main() {
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_set_debugreg, 0, reinterpret_cast<uint64_t>(&watched)), 0);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_set_debugreg, 6, 0xffff0ff0), 0);
    uint64_t dr7 = 1 | (1u << 16) | (2u << 18); // L0, write, 8 bytes
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_set_debugreg, 7, dr7), 0);
    XT_CHECK_EQ(xt::hypercall(xen::HYPERVISOR_get_debugreg, 7), long(dr7 | 0x400));
    xt::fault_info fi = xt::expect_fault_continue(xt::VEC_DB, [] {
        XT_SITE_AFTER("", "movq $5, %[w]", [w] "m"(watched));
    });
    XT_CHECK_EQ(fi.rip, xt::site_end);
    XT_CHECK_EQ(watched, 5);
    XT_CHECK(xt::hypercall(xen::HYPERVISOR_get_debugreg, 6) & 1);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_set_debugreg, 7, 0), 0);
    watched = 6; // no longer trapped
    xt::report_success();
}
