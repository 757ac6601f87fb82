// Selectors that name the LDT (TI set) while the guest has none: loading one into a data
// segment register, or a far call through one, is a #GP naming the selector, exactly as
// with an empty LDT. If the hypervisor left the CPU's LDT register as reset leaves it
// (base 0, limit 0xffff), the CPU would instead read descriptors - call gates into ring
// 0 included - from whatever the guest maps at address 0: here that shows as a #PF.
#include "hostile.h"

static const uint16_t kLdtSelector = 0x000f; // index 1, TI = 1, RPL 3
static const uint32_t kErrorCode = kLdtSelector & ~3u;

static void load_es() {
    asm volatile("mov %0, %%es" ::"r"(uint32_t(kLdtSelector)));
}

static void far_call() {
    // m16:64 operand: offset, then the selector.
    static volatile uint64_t target[2];
    target[0] = 0x1000;
    target[1] = kLdtSelector;
    asm volatile("rex64 lcall *(%0)" ::"r"(target) : "memory");
}

void test_main() {
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, load_es);
    XT_CHECK_EQ(fi.error_code, kErrorCode);
    fi = xt::expect_fault(xt::VEC_GP, far_call);
    XT_CHECK_EQ(fi.error_code, kErrorCode);
    hostile::pass();
}
