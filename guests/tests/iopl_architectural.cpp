// The virtual IOPL of a 64-bit PV guest, in kernel and in user mode, as Xen 4.17 keeps it
// (the hardware's EFLAGS.IOPL stays 0: pushf shows 0, popf cannot raise it, and cli, sti,
// in and out fault into Xen, which judges them by the virtual IOPL; allowed, port I/O is
// done and cli/sti do nothing, refused, the guest gets #GP(0)).
//
// Plain (PHYSDEVOP_set_iopl only): the kernel counts as ring 1, user space as ring 3; an
// iret's rflags leave the IOPL alone and frames pushed for the guest show IOPL 0.
// VMASST_TYPE_architectural_iopl: the kernel counts as ring 0 (it never faults), each
// HYPERVISOR_iret takes the IOPL from the rflags it returns with (to user mode or to the
// kernel itself), and exception and syscall frames report it, so that a handler's iret
// keeps it. Only `syscall` enters the kernel from user mode here: an `int $N` there would
// meet QEMU 7.2's wrong #GP error code on Xen.
#include "public/physdev.h"
#include "runtime.h"
#include "user.h"

namespace {

constexpr uint64_t kIopl = 3 << 12;
constexpr unsigned kArchIopl = xen::VMASST_TYPE_architectural_iopl;

// The instructions the virtual IOPL governs. Port 0x80 (POST codes) is dom0's.
enum Probe { kCli, kSti, kInImm, kOutImm, kInDx, kOutDx, kPopfCli, kProbes };
const char* const kProbeName[kProbes] = {
    "cli", "sti", "inb $0x80", "outb $0x80", "inb (%dx)", "outb (%dx)", "popf(IOPL 3); cli"};

// Runs one probe; a #GP on it is recovered by whoever catches it (try_fault in the
// kernel, user_gp below in user mode), which resumes after the faulting instruction.
void run_probe(unsigned p) {
    switch (p) {
    case kCli:
        asm volatile("cli");
        break;
    case kSti:
        asm volatile("sti");
        break;
    case kInImm:
        asm volatile("inb $0x80, %%al" ::: "rax");
        break;
    case kOutImm:
        asm volatile("outb %%al, $0x80" ::"a"(0));
        break;
    case kInDx:
        asm volatile("inb %%dx, %%al" ::"d"(0x80) : "rax");
        break;
    case kOutDx:
        asm volatile("outb %%al, %%dx" ::"a"(0), "d"(0x80));
        break;
    case kPopfCli:
        // popf in ring 3 silently keeps the real IOPL: it does not reach Xen either.
        asm volatile("pushf\n\torq %0, (%%rsp)\n\tpopf\n\tcli" ::"i"(kIopl) : "cc");
        break;
    }
}

long set_iopl(uint32_t iopl) {
    xen::physdev_set_iopl p{iopl};
    return xt::physdev_op(xen::PHYSDEVOP_set_iopl, &p);
}

uint64_t pushf() {
    uint64_t f;
    asm volatile("pushf\n\tpop %0" : "=r"(f));
    return f;
}

// ---- kernel mode: try_fault catches the #GP (its frame is the bounce frame).

unsigned probe_now;
bool kernel_faults(unsigned p) {
    probe_now = p;
    bool faulted = xt::try_fault([] { run_probe(probe_now); });
    if (faulted && (xt::last_fault.vector != xt::VEC_GP || xt::last_fault.error_code != 0))
        xt::report_failure("kernel %s: %s error %#lx", kProbeName[p],
                           xt::vector_name(xt::last_fault.vector), xt::last_fault.error_code);
    return faulted;
}

void check_kernel(bool want_fault, unsigned why) {
    for (unsigned p = 0; p < kProbes; p++)
        if (kernel_faults(p) != want_fault)
            xt::report_failure("kernel %s (case %u): %s", kProbeName[p], why,
                               want_fault ? "no #GP" : "#GP");
    XT_CHECK_EQ(pushf() & kIopl, 0);
}

// ---- user mode: a #GP hook for faults from ring 3 with a user CS (RPL 3).

volatile unsigned user_gps;
volatile uint64_t user_gp_error, user_gp_rflags;
volatile bool user_faulted[kProbes];
volatile uint64_t user_pushf;

bool user_gp(xt::trap_frame* f) {
    if ((f->cs & 3) != 3)
        return false; // the kernel's own: try_fault
    uint8_t op = *reinterpret_cast<const volatile uint8_t*>(f->rip);
    unsigned len;
    if (op == 0xfa || op == 0xfb || (op >= 0xec && op <= 0xef))
        len = 1;
    else if (op >= 0xe4 && op <= 0xe7)
        len = 2;
    else
        return false;
    user_gps = user_gps + 1;
    user_gp_error = f->error_code;
    user_gp_rflags = f->rflags;
    f->rip += len; // the hook's iret returns to user mode (the frame's CS has RPL 3)
    return true;
}

void user_main() {
    for (unsigned p = 0; p < kProbes; p++) {
        unsigned before = user_gps;
        run_probe(p);
        user_faulted[p] = user_gps != before;
    }
    user_pushf = pushf();
    xt::user_syscall(1); // records the syscall frame's rflags
    xt::user_exit(0);
}

// Enters user mode with `rflags` and checks which probes faulted there.
void check_user(uint64_t rflags, bool want_fault, uint64_t frame_iopl, unsigned why) {
    user_gp_rflags = ~0ull;
    XT_CHECK_EQ(xt::run_in_user_mode(user_main, rflags), 0);
    for (unsigned p = 0; p < kProbes; p++)
        if (user_faulted[p] != want_fault)
            xt::report_failure("user %s (case %u): %s", kProbeName[p], why,
                               want_fault ? "no #GP" : "#GP");
    if (want_fault) {
        XT_CHECK_EQ(user_gp_error, 0);
        XT_CHECK_EQ(user_gp_rflags & kIopl, frame_iopl);
    }
    XT_CHECK_EQ(user_pushf & kIopl, 0);
    XT_CHECK_EQ(xt_syscall_last_rflags & kIopl, frame_iopl);
}

// A kernel ud2 whose handler returns with rflags.IOPL 0: under the assist that iret sets
// the virtual IOPL to 0.
bool ud_clear_iopl(xt::trap_frame* f) {
    f->rflags &= ~kIopl;
    f->rip += 2;
    return true;
}

} // namespace

void test_main() {
    XT_CHECK_RC(xt::user_mode_init(), 0);
    xt::set_trap_hook(xt::VEC_GP, user_gp);

    // Plain: kernel ring 1, user ring 3; rflags.IOPL in an iret changes nothing.
    for (uint32_t iopl = 0; iopl <= 3; iopl++) {
        XT_CHECK_RC(set_iopl(iopl), 0);
        check_kernel(iopl < 1, 10 + iopl);
        check_user(0x202, iopl < 3, 0, 20 + iopl);
        check_user(0x202 | kIopl, iopl < 3, 0, 30 + iopl);
        check_kernel(iopl < 1, 40 + iopl);
    }
    // Kernel exception frames show IOPL 0 without the assist.
    XT_CHECK_RC(set_iopl(3), 0);
    xt::expect_fault(xt::VEC_UD, [] { asm volatile("ud2"); });
    XT_CHECK_EQ(xt::last_fault.frame.rflags & kIopl, 0);

    // The assist: the kernel never faults; user mode has the IOPL of the iret entering it.
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_enable, kArchIopl), 0);
    XT_CHECK_RC(set_iopl(0), 0);
    check_kernel(false, 50);
    for (uint64_t iopl = 0; iopl <= 3; iopl++) {
        check_user(0x202 | (iopl << 12), iopl < 3, iopl << 12, 60 + unsigned(iopl));
        check_kernel(false, 70 + unsigned(iopl));
    }
    // The iret into user mode with IOPL 0 left 0 behind: without the assist the kernel
    // (ring 1 again) faults, though set_iopl had said 3.
    XT_CHECK_RC(set_iopl(3), 0);
    check_user(0x202, true, 0, 80);
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_disable, kArchIopl), 0);
    check_kernel(true, 81);
    // And an iret with IOPL 1 left 1: the plain kernel may do I/O.
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_enable, kArchIopl), 0);
    check_user(0x202 | (1 << 12), true, 1 << 12, 82);
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_disable, kArchIopl), 0);
    check_kernel(false, 83);

    // Kernel exception frames carry the virtual IOPL under the assist, so the handler's
    // iret keeps it; a handler returning with IOPL 0 sets 0.
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_enable, kArchIopl), 0);
    XT_CHECK_RC(set_iopl(3), 0);
    xt::expect_fault(xt::VEC_UD, [] { asm volatile("ud2"); });
    XT_CHECK_EQ(xt::last_fault.frame.rflags & kIopl, kIopl);
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_disable, kArchIopl), 0);
    check_kernel(false, 90); // still 3 after the handler's iret
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_enable, kArchIopl), 0);
    xt::set_trap_hook(xt::VEC_UD, ud_clear_iopl);
    asm volatile("ud2");
    xt::set_trap_hook(xt::VEC_UD, nullptr);
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_disable, kArchIopl), 0);
    check_kernel(true, 91);
    xt::report_success();
}
