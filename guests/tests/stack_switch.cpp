// HYPERVISOR_stack_switch(ss, esp) records the kernel stack for ring-3 -> kernel
// transitions and returns 0 (Xen 4.17 accepts any selector: it fixes the RPL up itself).
#include "runtime.h"

alignas(16) static uint8_t stack[4096];

void test_main() {
    uint64_t top = reinterpret_cast<uint64_t>(stack + sizeof stack);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_stack_switch, xen::FLAT_KERNEL_SS, top), 0);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_stack_switch, 0, top), 0);
    xt::report_success();
}
