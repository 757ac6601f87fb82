// XENVER_get_features for a 64-bit PV dom0.
// Xen 4.17 submap 0 = 0x228e0: mmu_pt_update_preserve_ad(5), highmem_assist(6),
// gnttab_map_avail_bits(7), dom0(11), memory_op_vnode_supported(13), direct_mapped(17).
// Asserted: the PV bits and dom0 set; writable_page_tables, auto_translated_physmap,
// supervisor_mode_kernel and the HVM-only bits clear. Submap 1 and up: -EINVAL.
#include "public/version.h"
#include "runtime.h"

void test_main() {
    xen::xen_feature_info fi{0, 0xdeadbeef};
    XT_CHECK_RC(xt::xen_version(xen::XENVER_get_features, &fi), 0);
    xt::printf("submap 0 = %#x\n", fi.submap);
    auto has = [&](unsigned bit) { return (fi.submap >> bit) & 1; };
    XT_CHECK(has(xen::XENFEAT_mmu_pt_update_preserve_ad));
    XT_CHECK(has(xen::XENFEAT_highmem_assist));
    XT_CHECK(has(xen::XENFEAT_gnttab_map_avail_bits));
    XT_CHECK(has(xen::XENFEAT_dom0));
    XT_CHECK(!has(xen::XENFEAT_writable_page_tables));
    XT_CHECK(!has(xen::XENFEAT_auto_translated_physmap));
    XT_CHECK(!has(xen::XENFEAT_supervisor_mode_kernel));
    XT_CHECK(!has(xen::XENFEAT_hvm_callback_vector));
    XT_CHECK(!has(xen::XENFEAT_hvm_safe_pvclock));
    XT_CHECK(!has(xen::XENFEAT_hvm_pirqs));

    for (uint32_t idx : {1u, 2u, 0x80000000u}) {
        xen::xen_feature_info bad{idx, 0xdeadbeef};
        XT_CHECK_RC(xt::xen_version(xen::XENVER_get_features, &bad), -xen::XEN_EINVAL);
        XT_CHECK_EQ(bad.submap, 0xdeadbeefu);
    }
    xt::report_success();
}
