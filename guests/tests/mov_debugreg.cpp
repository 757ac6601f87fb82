// mov to and from debug registers in a PV guest kernel, emulated by Xen 4.17 with the
// checks of HYPERVISOR_set_debugreg: a guest address goes into DR0 and reads back (also
// through get_debugreg), a hypervisor-range one is #GP(0) and leaves DR0 alone; DR6
// reads its reset value 0xffff0ff0, DR4 aliases it (CR4.DE clear); DR7.GD is #GP(0).
// XTF's xsa-213 test keeps its stack pointer in DR0 this way.
#include "runtime.h"

namespace {

uint64_t read_dr0() {
    uint64_t v;
    asm volatile("mov %%dr0, %0" : "=r"(v));
    return v;
}

} // namespace

void test_main() {
    const uint64_t addr = 0x12345000;
    asm volatile("mov %0, %%dr0" ::"r"(addr));
    XT_CHECK_EQ(read_dr0(), addr);
    XT_CHECK_EQ(xt::hypercall(xen::HYPERVISOR_get_debugreg, 0), long(addr));
    asm volatile("mov %%rsp, %%dr0" ::: "memory");
    uint64_t rsp;
    asm volatile("mov %%rsp, %0" : "=r"(rsp));
    XT_CHECK_EQ(read_dr0(), rsp);
    xt::fault_info fi = xt::expect_fault(
        xt::VEC_GP, [] { asm volatile("mov %0, %%dr0" ::"r"(0xffff830000000000ull)); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(read_dr0(), rsp);
    uint64_t dr6, dr4;
    asm volatile("mov %%dr6, %0" : "=r"(dr6));
    asm volatile("mov %%dr4, %0" : "=r"(dr4));
    XT_CHECK_EQ(dr6, 0xffff0ff0);
    XT_CHECK_EQ(dr4, dr6);
    fi = xt::expect_fault(xt::VEC_GP, [] { asm volatile("mov %0, %%dr7" ::"r"(0x2400ull)); });
    XT_CHECK_EQ(fi.error_code, 0);
    asm volatile("mov %0, %%dr0" ::"r"(0ull));
    xt::report_success();
}
