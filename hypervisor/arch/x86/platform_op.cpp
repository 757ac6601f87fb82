// HYPERVISOR_platform_op: the initial domain's questions about the physical machine, as
// Xen 4.17 answers them. The order of the checks is Xen's: the argument is read (-EFAULT),
// the interface version checked (-EACCES), then the caller's privilege (-EPERM). Of the
// sub-ops, the CPU descriptions Linux reads at boot are implemented; the rest answer
// -ENOSYS, as Xen does for a command it does not know.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/layout.h"
#include "arch/percpu.h"
#include "arch/power.h"
#include "common/acpi/tables.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/platform.h"

namespace {

using namespace arch;

constexpr uint64_t kBdaShiftFlags = 0x417;

// Xen's present CPUs; in xenon, the ones it set up (numbered as it numbers them).
bool present(uint32_t id) {
    return id < cpus_possible() && cpu(id);
}
uint32_t max_present() {
    return cpus_possible() ? cpus_possible() - 1 : 0;
}

uint32_t acpi_id_of(uint32_t apic_id) {
    const acpi::MadtInfo& madt = acpi_madt();
    for (size_t i = 0; i < madt.cpu_count; i++)
        if (madt.cpus[i].apic_id == apic_id)
            return madt.cpus[i].acpi_id;
    return ~0u;
}

void get_cpuinfo(xen::xenpf_pcpuinfo& info) {
    if (!present(info.xen_cpuid)) {
        info.flags = xen::XEN_PCPU_FLAGS_INVALID;
    } else {
        const PerCpu& c = *cpu(info.xen_cpuid);
        info.apic_id = c.apic_id;
        info.acpi_id = acpi_id_of(c.apic_id);
        info.flags = c.online ? xen::XEN_PCPU_FLAGS_ONLINE : 0;
    }
    info.max_present = max_present();
}

// Every CPU is taken to be the boot CPU's model (xenon reads CPUID on that one only).
void get_cpu_version(xen::xenpf_pcpu_version& ver) {
    if (!present(ver.xen_cpuid)) {
        memset(ver.vendor_id, 0, sizeof(ver.vendor_id));
        ver.family = ver.model = ver.stepping = 0;
    } else {
        const CpuFeatures& f = cpu_features();
        memcpy(ver.vendor_id, f.vendor, sizeof(ver.vendor_id));
        ver.family = f.family;
        ver.model = f.model;
        ver.stepping = f.stepping;
    }
    ver.max_present = max_present();
}

// What xenon knows of the firmware: no EDD disk data or MBR signatures, no EDID, no EFI
// (-ESRCH, -ESRCH, -ESRCH, -ENOSYS, as Xen without them), the BIOS keyboard shift flags
// (the BIOS data area's byte at 0x417); an unknown type is -EINVAL.
long firmware_info(xen::xenpf_firmware_info& fw) {
    switch (fw.type) {
    case xen::XEN_FW_DISK_INFO:
    case xen::XEN_FW_DISK_MBR_SIGNATURE:
    case xen::XEN_FW_VBEDDC_INFO:
        return -xen::XEN_ESRCH;
    case xen::XEN_FW_EFI_INFO:
        return -xen::XEN_ENOSYS;
    case xen::XEN_FW_KBD_SHIFT_FLAGS:
        if (fw.index != 0)
            return -xen::XEN_ESRCH;
        fw.u.kbd_shift_flags = *static_cast<const volatile uint8_t*>(phys_to_virt(kBdaShiftFlags));
        return 0;
    default:
        return -xen::XEN_EINVAL;
    }
}

} // namespace

long do_platform_op(uint64_t a1, uint64_t, uint64_t, uint64_t, uint64_t) {
    const uint64_t arg = a1;
    xen::xen_platform_op op;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -xen::XEN_EFAULT;
    if (op.interface_version != xen::XENPF_INTERFACE_VERSION)
        return -xen::XEN_EACCES;
    if (!current_vcpu()->domain->privileged)
        return -xen::XEN_EPERM;
    // Only the sub-op's own payload goes back, as Xen copies one field.
    const uint64_t payload = arg + offsetof(xen::xen_platform_op, u);
    switch (op.cmd) {
    case xen::XENPF_get_cpuinfo: {
        xen::xenpf_pcpuinfo info;
        memcpy(&info, op.u.pad, sizeof(info));
        get_cpuinfo(info);
        return copy_to_guest(payload, &info, sizeof(info)) ? -xen::XEN_EFAULT : 0;
    }
    case xen::XENPF_get_cpu_version: {
        xen::xenpf_pcpu_version ver;
        memcpy(&ver, op.u.pad, sizeof(ver));
        get_cpu_version(ver);
        return copy_to_guest(payload, &ver, sizeof(ver)) ? -xen::XEN_EFAULT : 0;
    }
    case xen::XENPF_firmware_info: {
        xen::xenpf_firmware_info fw;
        memcpy(&fw, op.u.pad, sizeof(fw));
        long rc = firmware_info(fw);
        if (rc == 0 && copy_to_guest(payload + offsetof(xen::xenpf_firmware_info, u),
                                     &fw.u.kbd_shift_flags, 1))
            rc = -xen::XEN_EFAULT;
        return rc;
    }
    default:
        return -xen::XEN_ENOSYS;
    }
}
