// fpu_taskswitch(1) sets the virtual CR0.TS (mov %cr0 shows it): the next FPU instruction
// is bounced as #NM (vector 7) at its rip, and Xen clears TS as it delivers the #NM, so
// the instruction then runs. clts (emulated) and fpu_taskswitch(0) clear TS too.
#include "runtime.h"

static uint64_t cr0() {
    uint64_t v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
constexpr uint64_t TS = 1u << 3;

void test_main() {
    XT_CHECK_EQ(cr0() & TS, 0);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_fpu_taskswitch, 1), 0);
    XT_CHECK_EQ(cr0() & TS, TS);
    xt::fault_info fi = xt::expect_fault(xt::VEC_NM, [] { XT_SITE("fninit"); });
    XT_CHECK_EQ(fi.rip, xt::site);
    XT_CHECK_EQ(cr0() & TS, 0);
    if (xt::try_fault([] { asm volatile("fninit"); }))
        xt::report_failure("fninit faulted again after the #NM");

    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_fpu_taskswitch, 1), 0);
    asm volatile("clts");
    XT_CHECK_EQ(cr0() & TS, 0);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_fpu_taskswitch, 1), 0);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_fpu_taskswitch, 0), 0);
    XT_CHECK_EQ(cr0() & TS, 0);
    if (xt::try_fault([] { asm volatile("fninit"); }))
        xt::report_failure("fninit faulted with TS clear");
    xt::report_success();
}
