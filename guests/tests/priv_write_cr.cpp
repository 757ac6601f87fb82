// mov to CR4 and CR0 from a PV kernel. CR4 reads show only the guest's own bits (TSD, DE,
// FSGSBASE, OSXSAVE) and a few of the hypervisor's (PAE, MCE, OSFXSR, OSXMMEXCPT); a write
// is accepted, keeps the guest bits its CPUID allows and drops the rest (PGE, SMEP, VMXE
// ...). CR0 writes may change TS only (as fpu_taskswitch); any other change is #GP(0).
#include "runtime.h"

namespace {

constexpr uint64_t kCr4De = 1 << 3, kCr4Pge = 1 << 7, kCr4Smep = 1 << 20, kCr4Vmxe = 1 << 13;
constexpr uint64_t kCr4Visible =
    (1 << 5) | (1 << 6) | (1 << 9) | (1 << 10); // PAE MCE OSFXSR OSXMMEXCPT
constexpr uint64_t kCr4GuestBits = (1 << 2) | kCr4De | (1 << 16) | (1 << 18);
constexpr uint64_t kCr0Ts = 1 << 3, kCr0Am = 1 << 18;

uint64_t read_cr4() {
    uint64_t v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
void write_cr4(uint64_t v) {
    asm volatile("mov %0, %%cr4" : : "r"(v));
}
uint64_t read_cr0() {
    uint64_t v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
void write_cr0(uint64_t v) {
    asm volatile("mov %0, %%cr0" : : "r"(v));
}

} // namespace

void test_main() {
    uint64_t cr4 = read_cr4();
    XT_CHECK_EQ(cr4 & ~(kCr4Visible | kCr4GuestBits), 0);
    XT_CHECK(cr4 & (1 << 5)); // PAE

    write_cr4(cr4 | kCr4De | kCr4Pge | kCr4Smep | kCr4Vmxe);
    XT_CHECK_EQ(read_cr4(), cr4 | kCr4De);
    write_cr4(cr4 & ~kCr4De);
    XT_CHECK_EQ(read_cr4(), cr4 & ~kCr4De);
    write_cr4(0); // the hypervisor's bits stay
    XT_CHECK_EQ(read_cr4(), cr4 & kCr4Visible);
    write_cr4(cr4);
    XT_CHECK_EQ(read_cr4(), cr4);

    uint64_t cr0 = read_cr0();
    write_cr0(cr0 | kCr0Ts);
    XT_CHECK(read_cr0() & kCr0Ts);
    write_cr0(cr0 & ~kCr0Ts);
    XT_CHECK_EQ(read_cr0() & kCr0Ts, 0);
    static uint64_t bad;
    bad = cr0 ^ kCr0Am;
    xt::fault_info fi = xt::expect_fault(
        xt::VEC_GP, [] { XT_SITE_AFTER("mov %[v], %%rax", "mov %%rax, %%cr0", [v] "m"(bad)); });
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(read_cr0(), cr0 & ~kCr0Ts);
    xt::report_success();
}
