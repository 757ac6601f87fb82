// Hypercall numbers with no handler return -ENOSYS: unused slots (11, 43, 47), the
// architecture range beyond mca/paging_domctl_cont (56), retired tmem_op (38), numbers at
// and past the 64-entry table (60, 63, 64, 1000), and a number whose low 32 bits are valid
// (1 << 32 | 17): the whole of rax counts. Through SYSCALL and through the hypercall page.
#include "runtime.h"

void test_main() {
    for (unsigned long nr : {11ul, 38ul, 43ul, 47ul, 56ul, 60ul, 63ul, 64ul, 1000ul,
                             (1ul << 32) | 17})
        if (long rc = xt::hypercall(nr); rc != -xen::XEN_ENOSYS)
            xt::report_failure("hypercall %#lx returned %ld, expected -ENOSYS", nr, rc);
    for (unsigned long nr : {11ul, 38ul, 43ul, 60ul, 127ul})
        if (long rc = xt::page_hypercall(nr); rc != -xen::XEN_ENOSYS)
            xt::report_failure("page hypercall %lu returned %ld, expected -ENOSYS", nr, rc);
    xt::report_success();
}
