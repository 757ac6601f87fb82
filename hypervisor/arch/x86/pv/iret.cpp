// HYPERVISOR_iret: the guest kernel's way back to an interrupted context (its own or its
// user space's), through an iret_context it pushed on its stack.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "common/domain.h"
#include "common/hypercall.h"

using namespace arch;

long do_iret(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    TrapFrame& f = *guest_frame();
    Vcpu& v = *current_vcpu();
    xen::iret_context ctx;
    // Everything is checked before anything changes; a crashed domain's vCPU leaves its
    // CPU on the way out, so the handler just returns.
    if (copy_from_guest(&ctx, f.rsp, sizeof(ctx))) {
        domain_crash(*v.domain, "iret: context not readable on the guest stack");
        return 0;
    }
    bool to_user = (ctx.cs & 3) == 3;
    if (to_user && !v.arch.cr3_user) {
        domain_crash(*v.domain, "iret to user mode without user page tables");
        return 0;
    }
    // IRETQ with a selector the GDT lacks or a non-canonical address would fault in
    // xenon itself: refuse such contexts here.
    auto canonical = [](uint64_t a) { return uint64_t(int64_t(a << 16) >> 16) == a; };
    // Only the selector (low 16 bits) counts; Xen keeps the event mask above it.
    uint64_t cs = (ctx.cs & 0xffff) | 3, ss = (ctx.ss & 0xffff) | 3;
    if ((cs != SEL_RING3_CS64 && cs != SEL_RING3_CS32) || ss != SEL_RING3_DS ||
        !canonical(ctx.rip) || !canonical(ctx.rsp)) {
        domain_crash(*v.domain, "iret: bad selector or address in the iret context");
        return 0;
    }
    if (to_user && v.arch.in_kernel)
        pv_toggle_guest_mode(v);
    constexpr uint64_t kIf = 1 << 9, kIopl = 3 << 12, kVm = 1 << 17, kNt = 1 << 14;
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
