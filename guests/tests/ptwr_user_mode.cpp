// VMASST_TYPE_writable_pagetables covers the guest kernel only: the same `mov` to an L1
// entry from guest user mode (the read-only view of the page tables is mapped there too)
// is not carried out but bounced as the #PF it is, with the user bit in the error code
// (present, write, user) and cr2 = the entry; the entry keeps its value.
#include "ptwr.h"
#include "user.h"

alignas(4096) static uint8_t a[4096], b[4096];

static volatile uint64_t* target;
static volatile uint64_t new_value;
static volatile uint64_t faults, fault_error, fault_cs, fault_cr2, fault_rip;
extern "C" char user_write_insn[];

// Records the fault and steps over the 3-byte `movq %rdx, (%rcx)` back in user mode.
static bool on_page_fault(xt::trap_frame* f) {
    faults = faults + 1;
    fault_error = f->error_code;
    fault_cs = f->cs;
    fault_rip = f->rip;
    fault_cr2 = xt::vcpu->arch.cr2;
    f->rip += 3;
    return true;
}

static void user_main() {
    asm volatile("mov %0, %%rcx\n\t"
                 "mov %1, %%rdx\n\t"
                 ".globl user_write_insn\n"
                 "user_write_insn: movq %%rdx, (%%rcx)"
                 :
                 : "m"(target), "m"(new_value)
                 : "rcx", "rdx", "memory");
    xt::user_exit(0);
}

void test_main() {
    ptwr::enable();
    XT_CHECK_RC(xt::user_mode_init(), 0);
    target = ptwr::entry_ptr(mmu::va_of(a));
    uint64_t before = *target;
    new_value = ptwr::rw_pte(b);
    xt::set_trap_hook(xt::VEC_PF, on_page_fault);
    XT_CHECK_EQ(xt::run_in_user_mode(user_main), 0);
    xt::set_trap_hook(xt::VEC_PF, nullptr);
    XT_CHECK_EQ(faults, 1);
    XT_CHECK_EQ(fault_error, 7); // present, write, user
    XT_CHECK_EQ(fault_cs & 3, 3);
    XT_CHECK_EQ(fault_rip, reinterpret_cast<uint64_t>(user_write_insn));
    XT_CHECK_EQ(fault_cr2, mmu::va_of(target));
    XT_CHECK_EQ(*target, before);
    a[0] = 0xaa;
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t*>(a), 0xaa); // still a's frame
    xt::report_success();
}
