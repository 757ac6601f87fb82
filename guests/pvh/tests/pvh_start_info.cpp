// A PVH guest's start of day as Xen 4.17's PVH dom0 builder leaves it: ebx holds the
// hvm_start_info (magic, version 0, SIF_PRIVILEGED | SIF_INITDOMAIN, no modules, the
// command line) placed after the kernel image; vCPU 0 entered 32-bit flat protected mode
// (head.S got to long mode from there). Not checked: rsdp_paddr, which Xen sets to the
// ACPI tables it builds for a PVH dom0 and xenon does not build yet (docs/hvm.md).
#include "pvh.h"
#include "runtime.h"

extern "C" char __image_end[];

void test_main() {
    using namespace xt::pvh;
    XT_CHECK_EQ(start_info->magic, xen::XEN_HVM_START_MAGIC_VALUE);
    XT_CHECK_EQ(start_info->version, 0u);
    XT_CHECK_EQ(start_info->flags, xen::SIF_PRIVILEGED | xen::SIF_INITDOMAIN);
    XT_CHECK_EQ(start_info->nr_modules, 0u);
    XT_CHECK_EQ(start_info->modlist_paddr, 0ull);
    XT_CHECK(start_info_pa >= phys_of(__image_end));
    XT_CHECK(start_info->cmdline_paddr >= phys_of(__image_end));
    XT_CHECK(start_info->cmdline_paddr < start_info_pa);
    const char* cmdline = virt_of<const char>(start_info->cmdline_paddr);
    if (xt::strcmp(cmdline, "xtest a=1 b=two") != 0)
        xt::report_failure("command line '%s'", cmdline);
    xt::report_success();
}
