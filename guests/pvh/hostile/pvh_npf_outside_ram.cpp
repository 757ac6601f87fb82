// A PVH guest reaching guest-physical memory its p2m does not map (256 MiB, past its RAM,
// no device there): as Xen 4.17 completes accesses nobody emulates, MOV loads of each size
// read all ones (a 32-bit load zero-extends, 8/16-bit ones merge) and stores are dropped;
// the guest goes on, and on xenon the heartbeat domain keeps beating.
// hostile: role=domU
#include "pvh.h"
#include "runtime.h"

void test_main() {
    uint64_t pa = 0x10000000;
    volatile uint64_t* q = xt::pvh::virt_of<volatile uint64_t>(pa);
    XT_CHECK_EQ(*q, ~0ull);
    uint64_t v = 0x1122334455667788ull;
    asm volatile("movl (%1), %k0" : "+r"(v) : "r"(q) : "memory");
    XT_CHECK_EQ(v, 0xffffffffull);
    v = 0x1122334455667788ull;
    asm volatile("movw (%1), %w0" : "+r"(v) : "r"(q) : "memory");
    XT_CHECK_EQ(v, 0x112233445566ffffull);
    v = 0x1122334455667788ull;
    asm volatile("movb (%1), %b0" : "+r"(v) : "r"(q) : "memory");
    XT_CHECK_EQ(v, 0x11223344556677ffull);
    *q = 0x1234;
    *xt::pvh::virt_of<volatile uint32_t>(pa + 8) = 5;
    XT_CHECK_EQ(*q, ~0ull);
    xt::report_success();
}
