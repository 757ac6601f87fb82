// A guest kernel whose stack pointer points at unmapped guest memory (0x2000) takes an
// exception: the frame write page-faults inside the hypervisor, which crashes the domain
// (Xen 4.17: domain_crash_sync after the page fault on the bounce frame), rather than
// delivering a #PF it cannot deliver either. Only this domain: on xenon it runs as a domU
// beside the heartbeat.
// hostile: role=domU
// hostile: expect=crash
#include "hostile.h"

void test_main() {
    hostile::expect_crash("an exception with the kernel stack on an unmapped page");
    asm volatile("mov $0x2000, %%rsp\n\tud2" : : : "memory");
    hostile::survived("an exception frame on an unmapped page");
}
