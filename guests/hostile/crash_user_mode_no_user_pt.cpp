// HYPERVISOR_iret to user mode (a code selector with RPL 3) by a 64-bit PV kernel that
// never set a user page table (MMUEXT_NEW_USER_BASEPTR): there is no address space to
// switch to, and the hypervisor crashes the domain (Xen 4.17: "Guest switching to user
// mode with no user page tables"). On xenon it runs as a domU beside the heartbeat.
// hostile: role=domU
// hostile: expect=crash
#include "hostile.h"

alignas(4096) static uint8_t user_stack[4096];
static volatile uint64_t frame[9];

void test_main() {
    using namespace xen;
    frame[0] = 0;
    frame[1] = 0;
    frame[2] = 0;
    frame[3] = 0;
    frame[4] = reinterpret_cast<uint64_t>(&test_main);
    frame[5] = FLAT_USER_CS;
    frame[6] = 0x202;
    frame[7] = reinterpret_cast<uint64_t>(user_stack + sizeof user_stack);
    frame[8] = FLAT_USER_SS;
    hostile::expect_crash("iret to user mode without user page tables");
    asm volatile("mov %0, %%rsp\n\tmov %1, %%eax\n\tsyscall"
                 :
                 : "r"(&frame[0]), "i"(HYPERVISOR_iret)
                 : "memory");
    hostile::survived("iret to user mode without user page tables");
}
