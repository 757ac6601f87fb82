// HYPERVISOR_iret with the stack pointer (where the iret frame is read from) in the
// hypervisor's range: the frame cannot be read and there is nothing to return to, so the
// hypervisor crashes the calling domain (Xen 4.17: "Fault while reading IRET context from
// guest stack", domain_crash). Only this domain: on xenon it runs as a domU beside the
// heartbeat, which must keep beating.
// hostile: role=domU
// hostile: expect=crash
#include "hostile.h"

void test_main() {
    hostile::expect_crash("iret with its frame in the hypervisor's range");
    asm volatile("mov %0, %%rsp\n\tmov %1, %%eax\n\tsyscall"
                 :
                 : "r"(hostile::XEN_DIRECTMAP), "i"(xen::HYPERVISOR_iret)
                 : "memory");
    hostile::survived("an iret frame in the hypervisor's range");
}
