// Single-stepping in the guest kernel: with RFLAGS.TF set (popf), the instruction after the
// popf completes and then raises #DB (vector 1, a trap: rip past that instruction), and
// the guest's DR6 as get_debugreg(6) reads it has BS (bit 14) set.
#include "runtime.h"

static volatile uint64_t db_count, db_rip, db_dr6;
extern "C" char step_insn_end[];

static bool on_debug(xt::trap_frame* f) {
    db_count = db_count + 1;
    db_rip = f->rip;
    db_dr6 = static_cast<uint64_t>(xt::hypercall(xen::HYPERVISOR_get_debugreg, 6));
    f->rflags &= ~uint64_t(0x100); // stop stepping
    return true;
}

void test_main() {
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_set_debugreg, 6, 0xffff0ff0), 0);
    xt::set_trap_hook(xt::VEC_DB, on_debug);
    asm volatile("pushfq\n\t"
                 "orq $0x100, (%%rsp)\n\t"
                 "popfq\n\t"
                 "movl $1, %%eax\n"
                 ".globl step_insn_end\n"
                 "step_insn_end:\n\t"
                 "nop"
                 :
                 :
                 : "rax", "memory", "cc");
    xt::set_trap_hook(xt::VEC_DB, nullptr);
    XT_CHECK_EQ(db_count, 1);
    XT_CHECK_EQ(db_rip, reinterpret_cast<uint64_t>(step_insn_end));
    XT_CHECK_EQ(db_dr6 & (1u << 14), 1u << 14);
    xt::report_success();
}
