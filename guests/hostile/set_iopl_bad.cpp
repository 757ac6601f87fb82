// PHYSDEVOP_set_iopl with out-of-range levels (4, 5, 2^31, ~0) is -EINVAL and an
// unreadable argument -EFAULT, each leaving the virtual IOPL as it was: port I/O keeps
// working after IOPL 1 and keeps faulting (#GP(0)) after IOPL 0.
#include "hostile.h"
#include "public/physdev.h"

namespace {

long set_iopl(uint32_t iopl) {
    xen::physdev_set_iopl p{iopl};
    return xt::physdev_op(xen::PHYSDEVOP_set_iopl, &p);
}

void try_bad() {
    for (uint32_t bad : {4u, 5u, 0x80000000u, 0xffffffffu})
        XT_CHECK_RC(set_iopl(bad), -xen::XEN_EINVAL);
    XT_CHECK_RC(
        xt::hypercall(xen::HYPERVISOR_physdev_op, xen::PHYSDEVOP_set_iopl, 0xffff830000000000ull),
        -xen::XEN_EFAULT);
}

bool in_faults() {
    return xt::try_fault([] { asm volatile("inb $0x80, %%al" ::: "rax"); });
}

} // namespace

void test_main() {
    XT_CHECK_RC(set_iopl(1), 0);
    try_bad();
    XT_CHECK(!in_faults());
    XT_CHECK_RC(set_iopl(0), 0);
    try_bad();
    XT_CHECK(in_faults());
    XT_CHECK_EQ(xt::last_fault.vector, xt::VEC_GP);
    XT_CHECK_EQ(xt::last_fault.error_code, 0);
    hostile::pass();
}
