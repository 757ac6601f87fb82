// set_segment_base(SEGBASE_FS, base): 0, and %fs-relative loads then read at that base
// (rdmsr FS_BASE shows it too; rdfsbase is #UD: CR4.FSGSBASE is off for PV guests in Xen
// 4.17). A non-canonical base is -EINVAL; unknown selectors (4, 99) -EINVAL; the GS bases
// and SEGBASE_GS_USER_SEL with the null selector give 0.
#include "runtime.h"

static uint64_t value = 0x1122334455667788;

void test_main() {
    using namespace xen;
    uint64_t base = reinterpret_cast<uint64_t>(&value);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_segment_base, SEGBASE_FS, base), 0);
    uint64_t v;
    asm volatile("mov %%fs:0, %0" : "=r"(v));
    XT_CHECK_EQ(v, value);
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000100u));
    XT_CHECK_EQ((uint64_t(hi) << 32) | lo, base);
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("rdfsbase %%rax"); });
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_segment_base, SEGBASE_FS, 0x8000000000000000ull),
                -XEN_EINVAL);
    asm volatile("mov %%fs:0, %0" : "=r"(v));
    XT_CHECK_EQ(v, value); // unchanged by the refused call
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_segment_base, 4, 0), -XEN_EINVAL);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_segment_base, 99, 0), -XEN_EINVAL);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_segment_base, SEGBASE_GS_USER, 0x1000), 0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, 0), 0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, 0), 0);
    xt::report_success();
}
