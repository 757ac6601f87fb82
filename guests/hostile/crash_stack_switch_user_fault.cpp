// HYPERVISOR_stack_switch records the kernel stack for user -> kernel transitions and
// checks nothing (0 for a non-canonical stack, as in Xen 4.17). The test gives itself a
// user mode (MMUEXT_NEW_USER_BASEPTR with its own L4), sets a non-canonical kernel stack,
// enters user mode with HYPERVISOR_iret and executes ud2 there: the hypervisor must
// switch to the recorded kernel stack to deliver #UD, cannot write the frame, and crashes
// the domain. On xenon it runs as a domU beside the heartbeat.
// hostile: role=domU
// hostile: expect=crash
#include "hostile.h"

alignas(4096) static uint8_t user_stack[4096];
static volatile uint64_t frame[9];

extern "C" void hostile_user_ud();
asm(".text\nhostile_user_ud:\n\tud2\n\tjmp hostile_user_ud\n");

void test_main() {
    using namespace xen;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_stack_switch, FLAT_KERNEL_SS, hostile::XEN_DIRECTMAP), 0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_stack_switch, 0xffff, 0x1000), 0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_stack_switch, FLAT_KERNEL_SS, hostile::NONCANON_MID), 0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_NEW_USER_BASEPTR, hostile::l4_mfn()), 0);
    frame[0] = 0;      // rax
    frame[1] = 0;      // r11
    frame[2] = 0;      // rcx
    frame[3] = 0;      // flags
    frame[4] = reinterpret_cast<uint64_t>(hostile_user_ud);
    frame[5] = FLAT_USER_CS;
    frame[6] = 0x202;
    frame[7] = reinterpret_cast<uint64_t>(user_stack + sizeof user_stack);
    frame[8] = FLAT_USER_SS;
    hostile::expect_crash("a user-mode #UD with a non-canonical kernel stack");
    asm volatile("mov %0, %%rsp\n\tmov %1, %%eax\n\tsyscall"
                 :
                 : "r"(&frame[0]), "i"(HYPERVISOR_iret)
                 : "memory");
    hostile::survived("a user-mode fault with a non-canonical kernel stack");
}
