// set_segment_base with a non-canonical base is -EINVAL for FS, user GS and kernel GS;
// an unknown selector of the register (4, 99, ~0) is -EINVAL. A base inside the
// hypervisor's range is canonical and accepted (0: only the guest's own accesses use it),
// and SEGBASE_GS_USER_SEL takes any selector (0: a bad one leaves a null selector). The
// bases are reset to 0 in the end.
#include "hostile.h"

void test_main() {
    using namespace xen;
    auto set = [](unsigned long which, uint64_t v) {
        return xt::hypercall(HYPERVISOR_set_segment_base, which, v);
    };
    for (unsigned which : {SEGBASE_FS, SEGBASE_GS_USER, SEGBASE_GS_KERNEL}) {
        for (uint64_t bad : std::initializer_list<uint64_t>{hostile::NONCANON_LOW, hostile::NONCANON_HIGH,
                                                            hostile::NONCANON_MID})
            if (long rc = set(which, bad); rc != -XEN_EINVAL)
                xt::report_failure("segment %u base %#lx: %ld, expected -EINVAL", which, bad, rc);
        XT_CHECK_RC(set(which, hostile::XEN_DIRECTMAP), 0);
        XT_CHECK_RC(set(which, 0), 0);
    }
    for (unsigned long which : {4ul, 99ul, ~0ul})
        if (long rc = set(which, 0); rc != -XEN_EINVAL)
            xt::report_failure("segment %lu: %ld, expected -EINVAL", which, rc);
    for (uint64_t sel : std::initializer_list<uint64_t>{0xffff, 0x1234, 0xe02b, 0})
        if (long rc = set(SEGBASE_GS_USER_SEL, sel); rc != 0)
            xt::report_failure("GS_USER_SEL %#lx: %ld, expected 0", sel, rc);
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    hostile::pass();
}
