// A single-stepping guest kernel (RFLAGS.TF) whose write to one of its L1 entries is
// carried out by writable-page-table emulation still sees the #DB the instruction raises:
// after the write (rip past it, the entry changed). Xen 4.17 injects that #DB without
// touching the guest's DR6 (BS stays clear, unlike a hardware single step: see
// trap_db_single_step), and so does xenon.
#include "ptwr.h"

alignas(4096) static uint8_t a[4096], b[4096];

static volatile uint64_t db_count, db_rip, db_dr6;
static volatile uint64_t* entry;
static volatile uint64_t new_entry;
extern "C" char ptwr_step_end[];

static bool on_debug(xt::trap_frame* f) {
    db_count = db_count + 1;
    db_rip = f->rip;
    db_dr6 = static_cast<uint64_t>(xt::hypercall(xen::HYPERVISOR_get_debugreg, 6));
    f->rflags &= ~uint64_t(0x100); // stop stepping
    return true;
}

void test_main() {
    ptwr::enable();
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_set_debugreg, 6, 0xffff0ff0), 0);
    entry = ptwr::entry_ptr(mmu::va_of(a));
    uint64_t old = *entry;
    new_entry = ptwr::rw_pte(b);
    xt::set_trap_hook(xt::VEC_DB, on_debug);
    asm volatile("mov %0, %%rcx\n\t"
                 "mov %1, %%rdx\n\t"
                 "pushfq\n\t"
                 "orq $0x100, (%%rsp)\n\t"
                 "popfq\n\t"
                 "movq %%rdx, (%%rcx)\n"
                 ".globl ptwr_step_end\n"
                 "ptwr_step_end:\n\t"
                 "nop"
                 :
                 : "m"(entry), "m"(new_entry)
                 : "rcx", "rdx", "memory", "cc");
    xt::set_trap_hook(xt::VEC_DB, nullptr);
    XT_CHECK_EQ(db_count, 1);
    XT_CHECK_EQ(db_rip, reinterpret_cast<uint64_t>(ptwr_step_end));
    XT_CHECK_EQ(db_dr6 & (1u << 14), 0);
    XT_CHECK_EQ(*entry & mmu::ADDR, xt::mfn_of(b) << 12);
    asm volatile("movq %1, %0" : "=m"(*entry) : "r"(old) : "memory");
    ptwr::invlpg(a);
    XT_CHECK_EQ(*entry, old);
    xt::report_success();
}
