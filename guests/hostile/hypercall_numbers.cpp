// Hypercall numbers nobody implements: every number from 64 (the end of the table) to
// 4095, 32-bit and 64-bit extremes (0xffffffff, 1 << 32, 1 << 63, ~0) and the unused
// slots inside the table (11, 43..47, 50..55, 56..63) are -ENOSYS, through SYSCALL and,
// for the numbers the hypercall page covers, through the page. Registers are not
// damaged: a value kept in a callee-saved register survives all of them.
#include "hostile.h"

void test_main() {
    using namespace xen;
    for (unsigned long nr = 64; nr < 4096; nr++)
        if (long rc = xt::hypercall(nr, ~0ul, ~0ul, ~0ul, ~0ul, ~0ul); rc != -XEN_ENOSYS)
            xt::report_failure("hypercall %lu = %ld, expected -ENOSYS", nr, rc);
    for (unsigned long nr : {0xfffffffful, 1ul << 32, (1ul << 32) | 17, 1ul << 63, ~0ul})
        if (long rc = xt::hypercall(nr, 0, 0, 0, 0, 0); rc != -XEN_ENOSYS)
            xt::report_failure("hypercall %#lx = %ld, expected -ENOSYS", nr, rc);
    for (unsigned long nr : {11ul, 43ul, 44ul, 45ul, 46ul, 47ul, 50ul, 51ul, 52ul, 53ul, 54ul,
                             55ul, 56ul, 57ul, 58ul, 59ul, 60ul, 61ul, 62ul, 63ul}) {
        if (long rc = xt::hypercall(nr, 0, 0, 0, 0, 0); rc != -XEN_ENOSYS)
            xt::report_failure("hypercall %lu = %ld, expected -ENOSYS", nr, rc);
        if (long rc = xt::page_hypercall(nr, 0, 0, 0, 0, 0); rc != -XEN_ENOSYS)
            xt::report_failure("page hypercall %lu = %ld, expected -ENOSYS", nr, rc);
    }
    uint64_t kept;
    asm volatile("mov $0x1234567887654321, %%rbx\n\t"
                 "mov $0xffffffffffffffff, %%rax\n\tsyscall\n\t"
                 "mov $4000, %%eax\n\tsyscall\n\t"
                 "mov %%rbx, %0"
                 : "=r"(kept)
                 :
                 : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
    XT_CHECK_EQ(kept, 0x1234567887654321ull);
    hostile::pass();
}
