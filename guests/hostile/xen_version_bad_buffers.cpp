// XENVER_* sub-ops that write a result, pointed at places a guest cannot write: the
// hypervisor's range (its direct map, the read-only m2p, its image), non-canonical
// addresses, a buffer straddling the end of the lower half, unmapped guest addresses:
// -EFAULT every time, and the m2p reads the same afterwards (nothing was written there).
// XENVER_version ignores its argument (major << 16 | minor); XENVER_pagesize with any
// non-null argument is -EINVAL.
#include "hostile.h"
#include "public/version.h"

void test_main() {
    using namespace xen;
    long version = xt::xen_version(XENVER_version);
    XT_CHECK(version > 0);
    static uint64_t m2p_before[64];
    uint64_t first_mfn = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
    for (int i = 0; i < 64; i++)
        m2p_before[i] = hostile::m2p[first_mfn + i];
    static const unsigned writers[] = {XENVER_extraversion, XENVER_compile_info,
                                       XENVER_capabilities, XENVER_changeset,
                                       XENVER_platform_parameters, XENVER_get_features,
                                       XENVER_guest_handle, XENVER_commandline};
    for (uint64_t a : std::initializer_list<uint64_t>{
             hostile::XEN_DIRECTMAP, hostile::XEN_M2P_RO, hostile::XEN_M2P_RO + first_mfn * 8,
             hostile::XEN_TEXT, hostile::XEN_AREA_TOP, hostile::NONCANON_LOW,
             hostile::NONCANON_HIGH, 0x00007ffffffffffcull, 0x1000, 0xffffc90000000000ull}) {
        for (unsigned cmd : writers) {
            long rc = xt::xen_version(cmd, reinterpret_cast<void *>(a));
            if (rc != -XEN_EFAULT)
                xt::report_failure("xen_version(%u, %#lx) = %ld, expected -EFAULT", cmd, a, rc);
        }
        XT_CHECK_EQ(xt::xen_version(XENVER_version, reinterpret_cast<void *>(a)), version);
        XT_CHECK_RC(xt::xen_version(XENVER_pagesize, reinterpret_cast<void *>(a)), -XEN_EINVAL);
    }
    for (int i = 0; i < 64; i++)
        if (hostile::m2p[first_mfn + i] != m2p_before[i])
            xt::report_failure("m2p[%#lx] changed to %#lx", first_mfn + i, hostile::m2p[first_mfn + i]);
    hostile::pass();
}
