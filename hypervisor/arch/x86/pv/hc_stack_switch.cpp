// HYPERVISOR_stack_switch: the guest kernel stack that exceptions and events from guest
// user mode land on. Nothing is checked (a bad stack costs the guest a failsafe or a
// crash when it is used); the selector gets the guest kernel's RPL.
#include "common/domain.h"
#include "common/hypercall.h"

long do_stack_switch(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    uint64_t ss = a1;
    if ((ss & 3) < 3)
        ss = (ss & ~uint64_t(3)) | 3;
    Vcpu& v = *current_vcpu();
    v.arch.kernel_ss = ss;
    v.arch.kernel_sp = a2;
    return 0;
}
