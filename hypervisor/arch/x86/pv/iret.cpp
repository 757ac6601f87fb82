// HYPERVISOR_iret: the guest kernel's way back to an interrupted context (its own or its
// user space's), through an iret_context it pushed on its stack.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "lib/string.h"

extern "C" [[noreturn]] void enter_guest_frame(arch::TrapFrame* frame);

using namespace arch;

[[gnu::hot]] long do_iret(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    TrapFrame& f = *guest_frame();
    Vcpu& v = *current_vcpu();
    xen::iret_context ctx;
    // Everything is checked before anything changes; a crashed domain's vCPU leaves its
    // CPU on the way out, so the handler just returns.
    static_assert(sizeof(ctx) == 9 * sizeof(uint64_t));
    if (copy_words_from_guest(reinterpret_cast<uint64_t(&)[9]>(ctx), f.rsp)) {
        domain_crash(*v.domain, "iret: context not readable on the guest stack");
        return 0;
    }
    bool to_user = (ctx.cs & 3) == 3;
    if (to_user && !v.arch.cr3_user) {
        domain_crash(*v.domain, "iret to user mode without user page tables");
        return 0;
    }
    // Only the selector (low 16 bits) counts; Xen keeps the event mask above it. RPL 3
    // keeps the guest in ring 3 whatever the selector; a selector its descriptor tables
    // refuse, or a non-canonical rip, makes the IRETQ fault, and pv_iret_fault hands
    // that fault to the guest.
    uint64_t cs = (ctx.cs & 0xffff) | 3, ss = (ctx.ss & 0xffff) | 3;
    if (to_user && v.arch.in_kernel)
        pv_toggle_guest_mode(v);
    constexpr uint64_t kIf = 1 << 9, kIopl = 3 << 12, kVm = 1 << 17, kNt = 1 << 14;
    pv_iret_iopl(v, ctx.rflags); // the hardware's IOPL stays 0
    f.rip = ctx.rip;
    f.cs = cs; // guests never run below ring 3
    f.rflags = (ctx.rflags & ~(kIopl | kVm | kNt)) | kIf | 2;
    f.rsp = ctx.rsp;
    f.ss = ss;
    if (!(ctx.flags & xen::VGCF_in_syscall)) {
        f.r11 = ctx.r11;
        f.rcx = ctx.rcx;
    } else {
        f.vector |= FRAME_SYSRET_OK; // back from a system call: rcx and r11 are the guest's to lose
    }
    // The guest's virtual IF comes back as its event mask.
    v.vcpu_info->evtchn_upcall_mask = !(ctx.rflags & kIf);
    f.rax = ctx.rax;
    return static_cast<long>(ctx.rax);
}

extern "C" char frame_iretq[];

namespace arch {

bool pv_iret_fault(TrapFrame& nested) {
    TrapFrame& g = *guest_frame();
    Vcpu* v = current_vcpu();
    // Only the IRETQ that returns through this CPU's guest frame counts.
    if (nested.rip != reinterpret_cast<uint64_t>(frame_iretq) ||
        nested.rsp != reinterpret_cast<uint64_t>(&g.rip) || (g.cs & 3) != 3 || !v)
        return false;
    // The general registers already held the guest's values when IRETQ faulted, so the
    // nested frame saved them; it overlaps the guest frame's lower part (the CPU pushed
    // it just below the guest's rip), so move them up. rip..ss above are untouched.
    unsigned vector = nested.vector;
    uint32_t error_code = nested.error_code;
    memmove(&g, &nested, __builtin_offsetof(TrapFrame, error_code));
    g.vector = vector;
    g.error_code = error_code;
    if (!pv_bounce_exception(g, vector, true, error_code))
        domain_crash(*v->domain, "iret to a context that faults, with no guest handler");
    pv_exit_to_guest(g);
    enter_guest_frame(&g);
}

} // namespace arch
