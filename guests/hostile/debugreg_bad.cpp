// set_debugreg with addresses a guest may not watch: DR0-3 set to a non-canonical address,
// into the hypervisor's range or the last bytes below it are -EPERM; the top of the lower
// half and the kernel half above the hypervisor's range are fine (0). DR6 and DR7 with
// bits set in their upper half are -EINVAL; DR7 with general detect or an I/O breakpoint
// (without CR4.DE) is -EPERM. Registers 8 and beyond do not exist (-ENODEV), for
// get_debugreg too. Everything is put back to 0.
#include "hostile.h"

static long set(unsigned long reg, uint64_t v) {
    return xt::hypercall(xen::HYPERVISOR_set_debugreg, reg, v);
}

void test_main() {
    using namespace xen;
    for (unsigned reg = 0; reg < 4; reg++) {
        for (uint64_t a : std::initializer_list<uint64_t>{hostile::NONCANON_LOW, hostile::NONCANON_MID,
                                                          hostile::XEN_DIRECTMAP, hostile::XEN_TEXT,
                                                          hostile::XEN_M2P_RO - 8, hostile::XEN_AREA_TOP})
            if (long rc = set(reg, a); rc != -XEN_EPERM)
                xt::report_failure("DR%u = %#lx: %ld, expected -EPERM", reg, a, rc);
        for (uint64_t a : std::initializer_list<uint64_t>{0x00007ffffffffff8ull, 0x00007fffffffffffull,
                                                          0xffff880000000000ull, 0xffffffff80000000ull})
            if (long rc = set(reg, a); rc != 0)
                xt::report_failure("DR%u = %#lx: %ld, expected 0", reg, a, rc);
        XT_CHECK_RC(set(reg, 0), 0);
    }
    XT_CHECK_RC(set(6, ~0ull), -XEN_EINVAL);
    XT_CHECK_RC(set(6, 1ull << 32), -XEN_EINVAL);
    XT_CHECK_RC(set(7, ~0ull), -XEN_EINVAL);
    XT_CHECK_RC(set(7, 1ull << 32), -XEN_EINVAL);
    XT_CHECK_RC(set(7, 1u << 13), -XEN_EPERM);    // GD
    XT_CHECK_RC(set(7, 0x00020001), -XEN_EPERM);  // L0, R/W0 = 10 (I/O)
    XT_CHECK_RC(set(7, 0x400), 0);
    for (unsigned long reg : {8ul, 15ul, 99ul, ~0ul}) {
        if (long rc = set(reg, 0); rc != -XEN_ENODEV)
            xt::report_failure("set_debugreg(%lu): %ld, expected -ENODEV", reg, rc);
        if (long rc = xt::hypercall(HYPERVISOR_get_debugreg, reg); rc != -XEN_ENODEV)
            xt::report_failure("get_debugreg(%lu): %ld, expected -ENODEV", reg, rc);
    }
    for (unsigned reg = 0; reg < 4; reg++)
        XT_CHECK_EQ(xt::hypercall(HYPERVISOR_get_debugreg, reg), 0);
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    hostile::pass();
}
