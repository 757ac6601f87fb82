// HYPERVISOR_iret with a readable frame whose contents are wrong: the hypervisor does not
// crash the domain but delivers the fault the return raises, at the frame's rip:
//   a code selector 0xdead (bad RPL and index) -> #GP, error code 0xdeac (the selector)
//   a stack selector 0xbeef                    -> #GP, error code 0xbeec
//   a non-canonical rip (kernel mode)          -> #GP, error code 0, rip = that address
//   a rip inside the hypervisor's range        -> #PF there: instruction fetch from a
//                                                 supervisor (or absent) page, cr2 = rip
// After each the domain goes on (the runtime's handler recovers), and a normal iret-based
// return from a #UD still works.
#include "hostile.h"

static volatile uint64_t frame[9];
static uint64_t f_rip, f_cs, f_ss;

extern "C" void hostile_iret_target();
asm(".text\nhostile_iret_target:\n\tud2\n\tjmp hostile_iret_target\n");

static void do_iret() {
    uint64_t sp;
    asm volatile("mov %%rsp, %0" : "=r"(sp));
    frame[0] = 0;             // rax
    frame[1] = 0;             // r11
    frame[2] = 0;             // rcx
    frame[3] = 0;             // flags: not VGCF_in_syscall
    frame[4] = f_rip;
    frame[5] = f_cs;
    frame[6] = 0x202;         // rflags
    frame[7] = (sp - 512) & ~15ull;
    frame[8] = f_ss;
    asm volatile("mov %0, %%rsp\n\tmov %1, %%eax\n\tsyscall\n\tud2"
                 :
                 : "r"(&frame[0]), "i"(xen::HYPERVISOR_iret)
                 : "memory");
}

// The faulting context is the frame being returned to, bad selectors included: the
// runtime's recovery must not return to them again.
static bool fix_selectors(xt::trap_frame *f) {
    f->cs = xen::FLAT_KERNEL_CS & ~3ull;
    f->ss = xen::FLAT_KERNEL_SS & ~3ull;
    return false; // and let the runtime record the fault and recover
}

static xt::fault_info iret_with(uint64_t rip, uint64_t cs, uint64_t ss) {
    f_rip = rip;
    f_cs = cs;
    f_ss = ss;
    xt::fault_info fi;
    if (!xt::try_fault(do_iret, &fi))
        xt::report_failure("iret to rip %#lx cs %#lx ss %#lx returned", rip, cs, ss);
    return fi;
}

void test_main() {
    using namespace xen;
    const uint64_t kcs = FLAT_KERNEL_CS & ~3ull, kss = FLAT_KERNEL_SS & ~3ull;
    const uint64_t target = reinterpret_cast<uint64_t>(hostile_iret_target);
    xt::set_trap_hook(xt::VEC_GP, fix_selectors);
    xt::set_trap_hook(xt::VEC_PF, fix_selectors);
    xt::fault_info fi = iret_with(target, 0xdead, kss);
    XT_CHECK_EQ(fi.vector, xt::VEC_GP);
    XT_CHECK_EQ(fi.error_code, 0xdeac);
    XT_CHECK_EQ(fi.rip, target);
    fi = iret_with(target, kcs, 0xbeef);
    XT_CHECK_EQ(fi.vector, xt::VEC_GP);
    XT_CHECK_EQ(fi.error_code, 0xbeec);
    XT_CHECK_EQ(fi.rip, target);
    fi = iret_with(hostile::NONCANON_LOW, kcs, kss);
    XT_CHECK_EQ(fi.vector, xt::VEC_GP);
    XT_CHECK_EQ(fi.error_code, 0);
    XT_CHECK_EQ(fi.rip, hostile::NONCANON_LOW);
    fi = iret_with(hostile::XEN_DIRECTMAP, kcs, kss);
    XT_CHECK_EQ(fi.vector, xt::VEC_PF);
    XT_CHECK_EQ(fi.error_code & ~1ull, 0x10);
    XT_CHECK_EQ(fi.rip, hostile::XEN_DIRECTMAP);
    XT_CHECK_EQ(fi.cr2, hostile::XEN_DIRECTMAP);
    // The good case: the target's ud2 is reached and reported.
    fi = iret_with(target, kcs, kss);
    XT_CHECK_EQ(fi.vector, xt::VEC_UD);
    XT_CHECK_EQ(fi.rip, target);
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    hostile::pass();
}
