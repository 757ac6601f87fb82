// A hypercall leaves the registers that carry no argument unchanged: rbx, rbp, r12-r15
// (SYSCALL itself clobbers rcx and r11; rax holds the result).
#include "public/version.h"
#include "runtime.h"

static const uint64_t in[6] = {0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
                               0x4444444444444444, 0x5555555555555555, 0x6666666666666666};
static uint64_t out[6];
static const char *const names[6] = {"rbx", "rbp", "r12", "r13", "r14", "r15"};

void test_main() {
    long rc;
    // in/out are globals: their addresses do not depend on any register set here.
    asm volatile("push %%rbp\n\t"
                 "mov %[i0], %%rbx\n\tmov %[i1], %%rbp\n\tmov %[i2], %%r12\n\t"
                 "mov %[i3], %%r13\n\tmov %[i4], %%r14\n\tmov %[i5], %%r15\n\t"
                 "syscall\n\t"
                 "mov %%rbx, %[o0]\n\tmov %%rbp, %[o1]\n\tmov %%r12, %[o2]\n\t"
                 "mov %%r13, %[o3]\n\tmov %%r14, %[o4]\n\tmov %%r15, %[o5]\n\t"
                 "pop %%rbp"
                 : "=a"(rc), [o0] "=m"(out[0]), [o1] "=m"(out[1]), [o2] "=m"(out[2]),
                   [o3] "=m"(out[3]), [o4] "=m"(out[4]), [o5] "=m"(out[5])
                 : "0"(xen::HYPERVISOR_xen_version), "D"(0ul), "S"(0ul), [i0] "m"(in[0]),
                   [i1] "m"(in[1]), [i2] "m"(in[2]), [i3] "m"(in[3]), [i4] "m"(in[4]),
                   [i5] "m"(in[5])
                 : "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
                   "memory");
    XT_CHECK(rc > 0);
    for (int i = 0; i < 6; i++)
        if (out[i] != in[i])
            xt::report_failure("%s changed across a hypercall: %#lx -> %#lx", names[i], in[i],
                               out[i]);
    xt::report_success();
}
