// Multicalls nested in multicalls, carrying HYPERVISOR_iret: the inner multicall entry is
// -EINVAL (re-entry refused) and none of its entries run (the iret among them never
// happens, so the guest is not moved anywhere); the outer batch goes on with its next
// entry and returns 0. A multicall entry naming the multicall list itself is the same.
#include "hostile.h"
#include "public/version.h"

namespace {

constexpr uint64_t kUntouched = 0x5555;

} // namespace

void test_main() {
    const long version = xt::xen_version(xen::XENVER_version);
    static xen::multicall_entry inner[2], outer[3];
    inner[0] = {xen::HYPERVISOR_iret, kUntouched, {0, 0, 0, 0, 0, 0}};
    inner[1] = {xen::HYPERVISOR_xen_version, kUntouched, {xen::XENVER_version, 0, 0, 0, 0, 0}};
    outer[0] = {xen::HYPERVISOR_multicall, kUntouched, {xt::arg(inner), 2, 0, 0, 0, 0}};
    outer[1] = {xen::HYPERVISOR_xen_version, kUntouched, {xen::XENVER_version, 0, 0, 0, 0, 0}};
    outer[2] = {xen::HYPERVISOR_multicall, kUntouched, {xt::arg(outer), 3, 0, 0, 0, 0}};
    XT_CHECK_RC(xt::multicall(outer, 3), 0);
    XT_CHECK_EQ(long(outer[0].result), -xen::XEN_EINVAL);
    XT_CHECK_EQ(long(outer[1].result), version);
    XT_CHECK_EQ(long(outer[2].result), -xen::XEN_EINVAL);
    XT_CHECK_EQ(inner[0].result, kUntouched);
    XT_CHECK_EQ(inner[1].result, kUntouched);
    hostile::pass();
}
