// A trap table whose handlers all point into the hypervisor's range (accepted: the
// addresses are canonical; non-canonical ones are refused, see trap_table_noncanonical),
// then a fault. The hypervisor bounces #UD to the handler; fetching it faults (#PF),
// which bounces to the same place, and so on: every bounce pushes a frame, until the
// stack (one page, with an unmapped guard page below) has no room and the frame cannot
// be written. The domain is crashed (Xen 4.17: domain_crash_sync on the bounce frame);
// the hypervisor itself never runs guest code or loops. On xenon it runs as a domU beside
// the heartbeat.
// hostile: role=domU
// hostile: expect=crash
#include "hostile.h"

alignas(4096) static uint8_t area[2][4096]; // [0]: guard (unmapped), [1]: stack

void test_main() {
    using namespace xen;
    static trap_info table[23];
    for (unsigned v = 0; v < 22; v++)
        table[v] = {uint8_t(v), 4, FLAT_KERNEL_CS, hostile::XEN_DIRECTMAP};
    table[22] = {};
    XT_CHECK_RC(hostile::unmap(area[0]), 0);
    XT_CHECK_RC(xt::set_trap_table(table), 0);
    hostile::expect_crash("a fault with every handler in the hypervisor's range");
    asm volatile("mov %0, %%rsp\n\tud2" : : "r"(area[1] + 4096) : "memory");
    hostile::survived("handlers in the hypervisor's range");
}
