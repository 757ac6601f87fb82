// PHYSDEVOP_set_iopl (dom0): with a virtual IOPL of 1 the kernel's port I/O works (Xen
// emulates it) and cli/sti no longer fault, but Xen 4.17 treats them as no-ops: the event
// mask is unchanged. The real EFLAGS.IOPL stays 0. IOPL 4 is -EINVAL; back at 0, port
// I/O is #GP(0) again. Unknown physdev_op commands are -ENOSYS.
#include "public/physdev.h"
#include "runtime.h"

static long set_iopl(uint32_t iopl) {
    xen::physdev_set_iopl p{iopl};
    return xt::hypercall(xen::HYPERVISOR_physdev_op, xen::PHYSDEVOP_set_iopl, xt::arg(&p));
}

void test_main() {
    XT_CHECK_RC(set_iopl(1), 0);
    if (xt::try_fault([] { XT_SITE("inb $0x80, %%al\n\toutb %%al, $0x80"); }))
        xt::report_failure("port I/O with IOPL 1: %s at %#lx", xt::vector_name(xt::last_fault.vector),
                           xt::last_fault.rip);
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 1);
    if (xt::try_fault([] { XT_SITE("sti"); }))
        xt::report_failure("sti with IOPL 1 faulted");
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 1);
    xt::vcpu->evtchn_upcall_mask = 0;
    if (xt::try_fault([] { XT_SITE("cli"); }))
        xt::report_failure("cli with IOPL 1 faulted");
    XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 0);
    xt::vcpu->evtchn_upcall_mask = 1;
    uint64_t flags;
    asm volatile("pushf\n\tpop %0" : "=r"(flags));
    XT_CHECK_EQ(flags & (3u << 12), 0);

    XT_CHECK_RC(set_iopl(4), -xen::XEN_EINVAL);
    XT_CHECK_RC(set_iopl(0), 0);
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, [] { XT_SITE("inb $0x80, %%al"); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_physdev_op, 99, 0), -xen::XEN_ENOSYS);
    xt::report_success();
}
