// HYPERVISOR_platform_op for the initial domain: XENPF_get_cpuinfo describes each physical
// CPU (online, its APIC and ACPI ids; max_present the highest CPU number) and marks a CPU
// number past them XEN_PCPU_FLAGS_INVALID; XENPF_get_cpu_version gives the vendor string,
// family, model and stepping CPUID shows, zeros past the CPUs. A wrong interface version
// is -EACCES, an unreadable argument -EFAULT, an unknown command -ENOSYS.
#include "public/platform.h"
#include "runtime.h"

namespace {

xen::xen_platform_op op;

long platform_op(uint32_t cmd, uint32_t version = xen::XENPF_INTERFACE_VERSION) {
    op.cmd = cmd;
    op.interface_version = version;
    return xt::hypercall(xen::HYPERVISOR_platform_op, xt::arg(&op));
}

xen::xenpf_pcpuinfo& info() {
    return *reinterpret_cast<xen::xenpf_pcpuinfo*>(op.u.pad);
}
xen::xenpf_pcpu_version& ver() {
    return *reinterpret_cast<xen::xenpf_pcpu_version*>(op.u.pad);
}

} // namespace

void test_main() {
    memset(&op, 0, sizeof(op));
    info().xen_cpuid = 0;
    XT_CHECK_RC(platform_op(xen::XENPF_get_cpuinfo), 0);
    uint32_t max_present = info().max_present;
    xt::printf("cpu 0: flags %u apic %u acpi %u, max_present %u\n", info().flags, info().apic_id,
               info().acpi_id, max_present);
    XT_CHECK_EQ(info().flags, xen::XEN_PCPU_FLAGS_ONLINE);
    XT_CHECK_EQ(max_present, 1); // QEMU -smp 2
    XT_CHECK_EQ(info().apic_id, 0);
    XT_CHECK_EQ(info().acpi_id, 0);

    memset(&op, 0, sizeof(op));
    info().xen_cpuid = 1;
    XT_CHECK_RC(platform_op(xen::XENPF_get_cpuinfo), 0);
    XT_CHECK_EQ(info().flags, xen::XEN_PCPU_FLAGS_ONLINE);
    XT_CHECK_EQ(info().apic_id, 1);
    XT_CHECK_EQ(info().acpi_id, 1);

    memset(&op, 0, sizeof(op));
    info().xen_cpuid = 7;
    info().apic_id = 0x55;
    XT_CHECK_RC(platform_op(xen::XENPF_get_cpuinfo), 0);
    XT_CHECK_EQ(info().flags, xen::XEN_PCPU_FLAGS_INVALID);
    XT_CHECK_EQ(info().max_present, max_present);
    XT_CHECK_EQ(info().apic_id, 0x55); // untouched

    memset(&op, 0, sizeof(op));
    ver().xen_cpuid = 0;
    XT_CHECK_RC(platform_op(xen::XENPF_get_cpu_version), 0);
    uint32_t a, b, c, d;
    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "0"(1), "2"(0));
    uint32_t family = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
    if (family == 0xf)
        family += (a >> 20) & 0xff;
    if (family >= 6)
        model |= ((a >> 16) & 0xf) << 4;
    xt::printf("cpu 0: '%.12s' family %#x model %#x stepping %u\n", ver().vendor_id, ver().family,
               ver().model, ver().stepping);
    XT_CHECK(memcmp(ver().vendor_id, "AuthenticAMD", 12) == 0 ||
             memcmp(ver().vendor_id, "GenuineIntel", 12) == 0);
    XT_CHECK_EQ(ver().family, family);
    XT_CHECK_EQ(ver().model, model);
    XT_CHECK_EQ(ver().stepping, a & 0xf);
    XT_CHECK_EQ(ver().max_present, max_present);
    memset(&op, 0, sizeof(op));
    ver().xen_cpuid = 9;
    ver().family = 3;
    XT_CHECK_RC(platform_op(xen::XENPF_get_cpu_version), 0);
    XT_CHECK_EQ(ver().family, 0);
    XT_CHECK_EQ(ver().vendor_id[0], 0);

    XT_CHECK_RC(platform_op(xen::XENPF_get_cpuinfo, 0x03000000), -xen::XEN_EACCES);
    XT_CHECK_RC(platform_op(0x7777), -xen::XEN_ENOSYS);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_platform_op, 0x1000), -xen::XEN_EFAULT);
    xt::report_success();
}
