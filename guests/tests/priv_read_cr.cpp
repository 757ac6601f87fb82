// Reads of control registers by a PV kernel are emulated: %cr0 has PE, PG set and TS
// clear (Xen 4.17: 0x80050033); %cr3 holds the machine address of the page tables the
// domain builder made (start_info.pt_base); %cr2 is the last page-fault address.
#include "runtime.h"

static uint64_t read_cr0() {
    uint64_t v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

void test_main() {
    uint64_t cr0 = read_cr0(), cr3, cr2;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    xt::printf("cr0 %#lx cr3 %#lx\n", cr0, cr3);
    XT_CHECK(cr0 & 1);           // PE
    XT_CHECK(cr0 & (1u << 31));  // PG
    XT_CHECK(!(cr0 & (1u << 3))); // TS
    XT_CHECK_EQ(cr3 & ~0xfffull, xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base)) << 12);
    xt::expect_fault(xt::VEC_PF, [] { *reinterpret_cast<volatile uint8_t *>(0x4321) = 0; });
    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    XT_CHECK_EQ(cr2, 0x4321);
    xt::report_success();
}
