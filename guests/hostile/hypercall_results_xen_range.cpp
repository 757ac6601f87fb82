// Hypercalls whose argument structure is fine but whose output buffer lies in the
// hypervisor's range or is non-canonical: GNTTABOP_setup_table's frame list,
// XENMEM_machine_memory_map's entry buffer (dom0's host e820), XENMEM_machphys_mfn_list's list and
// VCPUOP_get_runstate_info's result: -EFAULT, and the read-only m2p (a target some of
// them point at) reads the same afterwards.
#include "hostile.h"

void test_main() {
    using namespace xen;
    uint64_t first_mfn = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
    static uint64_t m2p_before[64];
    for (int i = 0; i < 64; i++)
        m2p_before[i] = hostile::m2p[first_mfn + i];
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::XEN_DIRECTMAP,
                                                        hostile::XEN_M2P_RO + first_mfn * 8,
                                                        hostile::NONCANON_LOW}) {
        gnttab_setup_table st{DOMID_SELF, 1, 77, {bad}};
        XT_CHECK_RC(hostile::grant_table_op(GNTTABOP_setup_table, &st, 1), -XEN_EFAULT);
        xen_memory_map mm{};
        mm.nr_entries = 16;
        mm.buffer.p = bad;
        XT_CHECK_RC(xt::memory_op(XENMEM_machine_memory_map, &mm), -XEN_EFAULT);
        xen_machphys_mfn_list ml{};
        ml.max_extents = 4;
        ml.extent_start.p = bad;
        XT_CHECK_RC(xt::memory_op(XENMEM_machphys_mfn_list, &ml), -XEN_EFAULT);
        XT_CHECK_RC(xt::vcpu_op(VCPUOP_get_runstate_info, 0, reinterpret_cast<void *>(bad)),
                    -XEN_EFAULT);
    }
    for (int i = 0; i < 64; i++)
        if (hostile::m2p[first_mfn + i] != m2p_before[i])
            xt::report_failure("m2p[%#lx] changed to %#lx", first_mfn + i, hostile::m2p[first_mfn + i]);
    hostile::pass();
}
