// The machine-check MSRs a PV kernel sees (Xen's vMCE on an AMD CPU): MCG_CAP reports two
// banks and no MCG_CTL; MCG_STATUS keeps what is written; a bank's CTL reads all ones and
// ignores writes; its STATUS, ADDR and MISC read 0 and accept only 0 (else #GP(0)); banks
// past the count read 0 and take anything; MCG_EXT_CTL is #GP(0) without local MCE. And
// the PAT: Xen's layout, WB WT UC- UC WC WP UC UC (0x0000050100070406).
#include "runtime.h"

namespace {

uint32_t msr;
uint64_t value;

void rd() {
    uint32_t lo, hi;
    XT_SITE_AFTER(
        "mov %[m], %%ecx",
        "rdmsr\n\tmov %%eax, %[lo]\n\tmov %%edx, %[hi]", [m] "m"(msr), [lo] "m"(lo), [hi] "m"(hi));
    value = uint64_t(hi) << 32 | lo;
}
void wr() {
    XT_SITE_AFTER("mov %[m], %%ecx\n\tmov %[v], %%rax\n\tmov %%rax, %%rdx\n\tshr $32, %%rdx",
                  "wrmsr", [m] "m"(msr), [v] "m"(value));
}

uint64_t read(uint32_t m) {
    msr = m;
    if (xt::try_fault(rd))
        xt::report_failure("rdmsr %#x: %s", m, xt::vector_name(xt::last_fault.vector));
    return value;
}
void write(uint32_t m, uint64_t v) {
    msr = m, value = v;
    if (xt::try_fault(wr))
        xt::report_failure("wrmsr %#x <- %#lx: %s", m, v, xt::vector_name(xt::last_fault.vector));
}
void write_faults(uint32_t m, uint64_t v) {
    msr = m, value = v;
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, wr);
    XT_CHECK_EQ(fi.error_code, 0);
}

} // namespace

void test_main() {
    XT_CHECK_EQ(read(0x277), 0x0000050100070406ul); // PAT

    XT_CHECK_EQ(read(0x179), 2); // MCG_CAP
    XT_CHECK_EQ(read(0x17a), 0); // MCG_STATUS
    XT_CHECK_EQ(read(0x17b), 0); // MCG_CTL
    write(0x17a, 4);
    XT_CHECK_EQ(read(0x17a), 4);
    write(0x17a, 0);
    write(0x179, 0x1234); // read-only: ignored
    XT_CHECK_EQ(read(0x179), 2);

    XT_CHECK_EQ(read(0x400), ~0ul); // MC0_CTL
    write(0x400, 0);
    XT_CHECK_EQ(read(0x400), ~0ul);
    for (uint32_t m : {0x401u, 0x402u, 0x403u, 0x405u}) { // MC0_STATUS/ADDR/MISC, MC1_STATUS
        XT_CHECK_EQ(read(m), 0);
        write(m, 0);
        write_faults(m, 1);
    }
    XT_CHECK_EQ(read(0x408), 0); // MC2_CTL: past the banks
    write(0x409, 5);
    XT_CHECK_EQ(read(0x409), 0);

    msr = 0x4d0; // MCG_EXT_CTL
    xt::fault_info fi = xt::expect_fault(xt::VEC_GP, rd);
    XT_CHECK_EQ(fi.error_code, 0);
    write_faults(0x4d0, 0);
    xt::report_success();
}
