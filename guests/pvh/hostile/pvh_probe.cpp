// A PVH guest probing what it may not own: every MSR of the three architectural ranges
// read (each either answers or #GPs), every I/O port read, SVM's instructions and
// MONITOR/MWAIT executed (#UD each), a VMMCALL with a hypercall number past the table
// (-ENOSYS). On xenon it runs as a PVH domU beside the heartbeat, which keeps beating;
// on Xen 4.17 as PVH dom0, where the same answers come back.
// hostile: role=domU
// hostile: timeout=120
#include "svm_insns_ud.h"

namespace {

void probe_msrs(uint32_t first, uint32_t count) {
    for (uint32_t m = first; m < first + count; m++) {
        uint64_t v;
        xt::pvh::rdmsr_safe(m, &v);
        if (xt::pvh::last_fault.vector >= 0 && xt::pvh::last_fault.vector != 13)
            xt::report_failure("rdmsr %#x: vector %d", m, xt::pvh::last_fault.vector);
    }
}

} // namespace

void test_main() {
    expect_svm_insns_raise_ud();
    probe_msrs(0, 0x2000);
    probe_msrs(0xc0000000, 0x2000);
    probe_msrs(0xc0010000, 0x2000);
    for (uint32_t port = 0; port < 0x10000; port++) {
        uint8_t v;
        asm volatile("inb %w1, %0" : "=a"(v) : "d"(port));
    }
    XT_CHECK_RC(xt::hypercall(64), -xen::XEN_ENOSYS);
    long ret; // past the page's 128 stubs: a bare VMMCALL
    for (unsigned long nr : {1000ul, 0xfffffffful, ~0ul}) {
        asm volatile("vmmcall" : "=a"(ret) : "a"(nr) : "memory");
        XT_CHECK_EQ(ret, -xen::XEN_ENOSYS);
    }
    xt::report_success();
}
