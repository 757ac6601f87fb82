// XENPF_firmware_info under QEMU's BIOS: no EDD disk data and no MBR signatures (-ESRCH
// for index 0 already), no EDID beyond the first display (-ESRCH for index 1), no EFI
// (-ENOSYS); the BIOS keyboard shift flags at index 0 (0 here: no key held), -ESRCH for
// another index; an unknown information type is -EINVAL.
#include "public/platform.h"
#include "runtime.h"

namespace {

xen::xen_platform_op op;

xen::xenpf_firmware_info& fw() {
    return *reinterpret_cast<xen::xenpf_firmware_info*>(op.u.pad);
}

long firmware_info(uint32_t type, uint32_t index) {
    memset(&op, 0, sizeof(op));
    op.cmd = xen::XENPF_firmware_info;
    op.interface_version = xen::XENPF_INTERFACE_VERSION;
    fw().type = type;
    fw().index = index;
    fw().u.kbd_shift_flags = 0x5a;
    return xt::hypercall(xen::HYPERVISOR_platform_op, xt::arg(&op));
}

} // namespace

void test_main() {
    XT_CHECK_RC(firmware_info(xen::XEN_FW_DISK_INFO, 0), -xen::XEN_ESRCH);
    XT_CHECK_RC(firmware_info(xen::XEN_FW_DISK_MBR_SIGNATURE, 0), -xen::XEN_ESRCH);
    XT_CHECK_RC(firmware_info(xen::XEN_FW_VBEDDC_INFO, 1), -xen::XEN_ESRCH);
    XT_CHECK_RC(firmware_info(xen::XEN_FW_EFI_INFO, xen::XEN_FW_EFI_VERSION), -xen::XEN_ENOSYS);
    XT_CHECK_RC(firmware_info(xen::XEN_FW_KBD_SHIFT_FLAGS, 0), 0);
    XT_CHECK_EQ(fw().u.kbd_shift_flags, 0);
    XT_CHECK_RC(firmware_info(xen::XEN_FW_KBD_SHIFT_FLAGS, 1), -xen::XEN_ESRCH);
    XT_CHECK_EQ(fw().u.kbd_shift_flags, 0x5a); // untouched
    XT_CHECK_RC(firmware_info(0, 0), -xen::XEN_EINVAL);
    XT_CHECK_RC(firmware_info(6, 0), -xen::XEN_EINVAL);
    xt::report_success();
}
