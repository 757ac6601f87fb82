// XENVER_get_features for a PVH dom0 on Xen 4.17: translated (auto_translated_physmap,
// writable_page_tables, not direct mapped), the HVM upcall and pvclock features, dom0;
// none of the PV page-table ones.
#include "public/features.h"
#include "public/version.h"
#include "pvh.h"
#include "runtime.h"

void test_main() {
    xen::xen_feature_info fi{};
    fi.submap_idx = 0;
    XT_CHECK_RC(xt::xen_version(xen::XENVER_get_features, &fi), 0);
    uint32_t want =
        (1u << xen::XENFEAT_writable_page_tables) | (1u << xen::XENFEAT_auto_translated_physmap) |
        (1u << xen::XENFEAT_hvm_callback_vector) | (1u << xen::XENFEAT_hvm_safe_pvclock) |
        (1u << xen::XENFEAT_dom0) | (1u << xen::XENFEAT_memory_op_vnode_supported) |
        (1u << xen::XENFEAT_not_direct_mapped);
    XT_CHECK_EQ(fi.submap, want);
    xt::report_success();
}
