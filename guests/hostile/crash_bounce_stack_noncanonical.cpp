// A guest kernel whose stack pointer is non-canonical takes an exception (ud2): the
// exception frame cannot be written and the domain is crashed (Xen 4.17: a fault while
// writing the bounce frame, domain_crash_sync). Only this domain: on xenon it runs as a
// domU beside the heartbeat.
// hostile: role=domU
// hostile: expect=crash
#include "hostile.h"

void test_main() {
    hostile::expect_crash("an exception with a non-canonical kernel stack");
    asm volatile("mov %0, %%rsp\n\tud2" : : "r"(hostile::NONCANON_LOW + 0x1000) : "memory");
    hostile::survived("an exception frame at a non-canonical address");
}
