// Ways into and out of a PV guest: SYSCALL (hypercalls from the guest kernel, system calls
// from guest user space), exceptions and interrupts taken in the guest, and the common
// exit that delivers pending events.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/hvm.h"
#include "arch/paging.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/pv_shadow.h"
#include "common/console.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/sched/sched.h"
#include "public/xen.h"

extern "C" char syscall_stubs[];
extern "C" uint64_t syscall_stack_top[];
extern "C" [[noreturn]] void enter_guest_frame(arch::TrapFrame* frame);

namespace arch {
namespace {

constexpr unsigned kSyscallStubSize = 32;
constexpr uint64_t kEferSce = 1;
constexpr uint64_t kCr4Fsgsbase = 1 << 16;
// SYSCALL clears these in RFLAGS: interrupts, direction, trap, nested task, alignment.
constexpr uint64_t kSyscallFlagMask = 0x47700;

} // namespace

void pv_cpu_init() {
    unsigned id = this_cpu_id();
    syscall_stack_top[id] = reinterpret_cast<uint64_t>(cpu_info());
    uint64_t stub = reinterpret_cast<uint64_t>(syscall_stubs + id * kSyscallStubSize);
    wrmsr(msr::kEfer, rdmsr(msr::kEfer) | kEferSce);
    // Kernel CS/SS from 0xe008; SYSRET bases from 0xe023 (32-bit CS, then SS, 64-bit CS).
    wrmsr(msr::kStar, (uint64_t(SEL_RING3_CS32 & ~3) << 48) | (uint64_t(HYPERVISOR_CS) << 32));
    wrmsr(msr::kLstar, stub);
    wrmsr(msr::kCstar, stub); // 32-bit SYSCALL: treated as 64-bit; it cannot harm xenon
    wrmsr(msr::kFmask, kSyscallFlagMask);
}

[[gnu::hot]] void pv_exit_to_guest(TrapFrame& f) {
    for (;;) {
        Vcpu* current = current_vcpu();
        Vcpu* next = sched_pick(current);
        if (next == current && next)
            break;
        if (current) {
            (is_hvm_vcpu(*current) ? hvm_context_save : pv_context_save)(*current, f);
            sched_context_saved(current);
        }
        if (next) {
            (is_hvm_vcpu(*next) ? hvm_context_load : pv_context_load)(*next, f);
            break;
        }
        // Nothing to run: wait here, interrupts on, until there is. Not on the last
        // vCPU's page tables: their frames may be freed meanwhile (a dead domain's).
        set_current_vcpu(nullptr);
        write_cr3(paging_boot_root());
        sched_idle_enter();
        while (!sched_work_pending()) {
            safe_halt();
            irq_disable();
        }
        sched_idle_exit();
    }
    if (is_hvm_vcpu(*current_vcpu()))
        hvm_resume();
    pv_deliver_events(f, *current_vcpu());
}

} // namespace arch

// Entered (from pv_idle_loop in syscall_entry.S) on a stack below this CPU's guest frame.
extern "C" [[noreturn]] void pv_idle_body() {
    using namespace arch;
    irq_disable();
    TrapFrame* frame = guest_frame();
    pv_exit_to_guest(*frame); // returns with a vCPU loaded into the frame
    enter_guest_frame(frame);
}

namespace arch {

[[gnu::hot]] void pv_toggle_guest_mode(Vcpu& v) {
    ArchVcpu& a = v.arch;
    // Never load an empty root (a guest in user mode without user page tables would
    // take xenon down with it): that guest is crashed instead and stays where it is.
    if (!(a.in_kernel ? a.cr3_user : a.cr3_kernel)) {
        domain_crash(*v.domain, "switch to a guest mode that has no page tables");
        return;
    }
    if (a.cr4_guest & kCr4Fsgsbase) {
        // The guest may have changed its GS base itself (WRGSBASE): keep what it set.
        uint64_t gs;
        asm volatile("rdgsbase %0" : "=r"(gs));
        (a.in_kernel ? a.gs_base_kernel : a.gs_base_user) = gs;
    }
    a.in_kernel = !a.in_kernel;
    write_cr3(pv_root_for(v, a.in_kernel ? a.cr3_kernel : a.cr3_user));
    wrmsr(msr::kGsBase, a.in_kernel ? a.gs_base_kernel : a.gs_base_user);
}

} // namespace arch

using namespace arch;

extern "C" [[gnu::hot]] void pv_syscall(TrapFrame* frame) {
    Vcpu* v = current_vcpu();
    if (v->arch.in_kernel) {
        // A hypercall: arguments in rdi, rsi, rdx, r10, r8; the answer goes back in rax.
        irq_enable();
        long ret = hypercall_dispatch(frame->rax, frame->rdi, frame->rsi, frame->rdx, frame->r10,
                                      frame->r8);
        irq_disable();
        // do_iret sets rax itself and returns it too, so one store serves every call.
        frame->rax = static_cast<uint64_t>(ret);
    } else {
        // A system call in guest user space: the guest kernel's syscall callback runs it.
        if (!v->arch.syscall_callback) {
            pv_bounce_exception(*frame, kVecGeneralProtection, true, 0);
        } else {
            uint64_t rip = v->arch.syscall_callback;
            pv_toggle_guest_mode(*v);
            const uint64_t frame_words[7] = {
                frame->rcx, frame->r11, frame->rip, frame->cs, frame->rflags | pv_frame_iopl(*v),
                frame->rsp, frame->ss};
            uint64_t sp = (v->arch.kernel_sp & ~uint64_t(15)) - sizeof(frame_words);
            if (copy_words_to_guest(sp, frame_words))
                domain_crash(*v->domain, "cannot write the syscall frame to the kernel stack");
            frame->rsp = sp;
            frame->rip = rip;
            frame->cs = SEL_RING3_CS64;
            frame->ss = SEL_RING3_DS;
            frame->vector |= FRAME_SYSRET_OK; // rcx and r11 are in the frame just written
            if (v->arch.syscall_disables_events)
                v->vcpu_info->evtchn_upcall_mask = 1;
        }
    }
    pv_exit_to_guest(*frame);
}
