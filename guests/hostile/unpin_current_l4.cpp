// MMUEXT_UNPIN_TABLE on the L4 the vCPU runs on (pinned by the domain builder) succeeds:
// CR3 keeps its own reference, so the table stays a validated L4 and everything goes on.
// Unpinning it again is -EINVAL (not pinned); pinning it again is 0, and once more
// -EINVAL (already pinned); pinning it as an L3 or L1 is -EINVAL (wrong type). In between,
// hypercalls, memory accesses and fault delivery keep working.
#include "hostile.h"
#include "public/version.h"

alignas(4096) static uint8_t scratch[4096];

static void still_alive() {
    scratch[100] = uint8_t(scratch[100] + 1);
    XT_CHECK(xt::xen_version(xen::XENVER_version) > 0);
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
}

void test_main() {
    using namespace xen;
    uint64_t l4 = hostile::l4_mfn();
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_UNPIN_TABLE, l4), 0);
    still_alive();
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_UNPIN_TABLE, l4), -XEN_EINVAL);
    still_alive();
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L3_TABLE, l4), -XEN_EINVAL);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L1_TABLE, l4), -XEN_EINVAL);
    // A writable mapping of it is still refused: it is still an L4.
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(scratch),
                                      hostile::pte(l4, xt::PTE_RW), UVMF_INVLPG),
                -XEN_EBUSY);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L4_TABLE, l4), 0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L4_TABLE, l4), -XEN_EINVAL);
    still_alive();
    // Switching to it (it is already current) is fine; the tables are unchanged.
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_NEW_BASEPTR, l4), 0);
    still_alive();
    hostile::pass();
}
