// The domain builder fills the page named by XEN_ELFNOTE_HYPERCALL_PAGE (the image ships
// it full of int3): every stub is written, and calls through it pass all arguments and
// return the same results as SYSCALL.
#include "public/version.h"
#include "runtime.h"

void test_main() {
    for (unsigned nr = 0; nr < 128; nr++)
        if (hypercall_page[nr * 32] == 0xcc)
            xt::report_failure("stub %u of the hypercall page was not written", nr);
    XT_CHECK_EQ(xt::page_hypercall(xen::HYPERVISOR_xen_version, xen::XENVER_version),
                xt::xen_version(xen::XENVER_version));
    XT_CHECK_RC(xt::page_hypercall(xen::HYPERVISOR_xen_version, xen::XENVER_pagesize), 4096);
    xen::xen_platform_parameters p{};
    XT_CHECK_RC(xt::page_hypercall(xen::HYPERVISOR_xen_version,
                                   xen::XENVER_platform_parameters, xt::arg(&p)), 0);
    XT_CHECK_EQ(p.virt_start, xen::HYPERVISOR_VIRT_START);
    static const char msg[] = "written through the hypercall page\n";
    XT_CHECK_RC(xt::page_hypercall(xen::HYPERVISOR_console_io, xen::CONSOLEIO_write,
                                   sizeof msg - 1, xt::arg(msg)), 0);
    xt::report_success();
}
