// A guest kernel whose stack pointer lies in the hypervisor's range takes an exception
// (ud2): the hypervisor cannot write the exception frame there and crashes the domain
// (Xen 4.17: domain_crash_sync from create_bounce_frame). Only this domain: on xenon it
// runs as a domU beside the heartbeat.
// hostile: role=domU
// hostile: expect=crash
#include "hostile.h"

void test_main() {
    hostile::expect_crash("an exception with the kernel stack in the hypervisor's range");
    asm volatile("mov %0, %%rsp\n\tud2" : : "r"(hostile::XEN_DIRECTMAP + 0x1000) : "memory");
    hostile::survived("an exception frame in the hypervisor's range");
}
