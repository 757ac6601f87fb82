// #VMEXIT handling: what each intercept does for the guest. Without NRIPS the length of
// an instruction that exited is decoded from the guest's own bytes (svm/insn_len.h) and
// checked to be that instruction; one that cannot be read or decoded crashes the guest,
// as on Xen, never xenon.
#include "arch/cpu.h"
#include "arch/hvm.h"
#include "arch/x86/hvm/hvm.h"
#include "arch/x86/pv/xstate.h"
#include "arch/x86/svm/insn_len.h"
#include "arch/x86/svm/svm.h"
#include "arch/x86/svm/vmcb.h"
#include "common/console.h"
#include "common/domain.h"
#include "common/sched/sched.h"
#include "public/errno.h"
#include "public/sched.h"

namespace svm {
namespace {

using arch::TrapFrame;

constexpr uint64_t kRflagsIf = 1 << 9;
constexpr uint64_t kEferLma = 1 << 10;
constexpr unsigned kVecUd = 6, kVecGp = 13;

CpuMode mode_of(const Vmcb& vmcb) {
    if ((vmcb.efer & kEferLma) && (vmcb.cs.attr & (1 << 9)))
        return CpuMode::k64;
    return (vmcb.cs.attr & (1 << 10)) ? CpuMode::k32 : CpuMode::k16;
}

// Steps over the instruction at rip, which must be `which`; false (the guest crashed)
// when its bytes cannot be read or are not that instruction.
bool skip_insn(Vcpu& v, Vmcb& vmcb, ExitInsn which) {
    CpuMode mode = mode_of(vmcb);
    uint64_t linear = mode == CpuMode::k64 ? vmcb.rip : (vmcb.cs.base + vmcb.rip) & 0xffffffff;
    uint8_t bytes[kMaxInsnLength];
    size_t avail = kMaxInsnLength;
    // The bytes up to the end of the page first: the next page may not be mapped.
    if (uint64_t to_end = 4096 - (linear & 4095);
        to_end < avail && arch::hvm_copy_from_guest(bytes, linear, avail))
        avail = to_end;
    InsnInfo info;
    if (arch::hvm_copy_from_guest(bytes, linear, avail) ||
        !decode_length(bytes, avail, mode, &info) || !insn_is(info, which)) {
        log_warn("d%uv%u: cannot decode the instruction at %#lx (exit %#lx)", v.domain->domid, v.id,
                 vmcb.rip, vmcb.exit_code);
        domain_crash(*v.domain, "instruction length decoding failed");
        return false;
    }
    uint64_t rip = vmcb.rip + info.length;
    vmcb.rip = mode == CpuMode::k64 ? rip : rip & 0xffffffff;
    vmcb.int_state &= ~1ull; // the instruction completed: no interrupt shadow after it
    return true;
}

void exit_cpuid(Vcpu& v, Vmcb& vmcb, TrapFrame& r) {
    uint32_t regs[4];
    hvm::guest_cpuid(v, uint32_t(r.rax), uint32_t(r.rcx), regs);
    if (!skip_insn(v, vmcb, ExitInsn::cpuid))
        return;
    r.rax = regs[0], r.rbx = regs[1], r.rcx = regs[2], r.rdx = regs[3];
}

void exit_msr(Vcpu& v, Vmcb& vmcb, TrapFrame& r) {
    uint32_t msr = uint32_t(r.rcx);
    if (vmcb.exit_info1 == 0) {
        uint64_t value;
        if (!hvm::guest_rdmsr(v, msr, &value))
            return inject_exception(vmcb, kVecGp, true, 0);
        if (!skip_insn(v, vmcb, ExitInsn::rdmsr))
            return;
        r.rax = uint32_t(value), r.rdx = value >> 32;
    } else {
        uint64_t value = (r.rdx << 32) | uint32_t(r.rax);
        if (!hvm::guest_wrmsr(v, msr, value))
            return inject_exception(vmcb, kVecGp, true, 0);
        skip_insn(v, vmcb, ExitInsn::wrmsr);
    }
}

// No device model and no emulated devices yet: reads see all ones, writes are dropped,
// as for ports nobody claims on Xen. String forms end as if their count ran out.
void exit_ioio(Vcpu& v, Vmcb& vmcb, TrapFrame& r) {
    uint64_t info = vmcb.exit_info1;
    unsigned size = (info >> 4) & 7; // one-hot: 1, 2, 4 bytes
    if (info & kIoioStr) {
        if (info & kIoioRep)
            r.rcx = 0;
    } else if (info & kIoioIn) {
        uint64_t mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
        vmcb.rax = r.rax = (size == 4 ? 0 : r.rax & ~mask) | mask;
    }
    vmcb.rip = vmcb.exit_info2; // IOIO exits always give the next rip
    vmcb.int_state &= ~1ull;
}

bool upcall_pending(Vcpu& v) {
    return hvm::domain_of(*v.domain).callback_vector &&
           __atomic_load_n(&v.vcpu_info->evtchn_upcall_pending, __ATOMIC_ACQUIRE);
}

// HLT: sleeps until an event; with interrupts off the vCPU is down for good, and a domain
// whose vCPUs are all down is powered off (Xen's hvm_hlt and hvm_vcpu_down).
void exit_hlt(Vcpu& v, Vmcb& vmcb) {
    if (!skip_insn(v, vmcb, ExitInsn::hlt))
        return;
    if (upcall_pending(v))
        return;
    if (!(vmcb.rflags & kRflagsIf)) {
        log_info("d%uv%u: HLT with interrupts off: vCPU down", v.domain->domid, v.id);
        v.sched.down = true;
        sched_yield_current(); // off its CPU on the way back, as VCPUOP_down
        Domain& d = *v.domain;
        bool all_down = true;
        for (unsigned i = 0; i < d.vcpu_count; i++)
            all_down &= d.vcpus[i]->sched.down;
        if (all_down)
            domain_shutdown(d, xen::SHUTDOWN_poweroff);
        return;
    }
    sched_block_current();
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (upcall_pending(v))
        vcpu_wake(&v);
}

void exit_vmmcall(Vcpu& v, Vmcb& vmcb, TrapFrame& r) {
    if (!skip_insn(v, vmcb, ExitInsn::vmmcall))
        return;
    if (vmcb.cpl != 0) {
        r.rax = uint64_t(-xen::XEN_EPERM);
        return;
    }
    if (mode_of(vmcb) != CpuMode::k64) {
        r.rax = uint64_t(-xen::XEN_ENOSYS); // 32-bit hypercalls are not there yet
        return;
    }
    r.rax = uint64_t(hvm::hvm_hypercall(r.rax, r.rdi, r.rsi, r.rdx, r.r10, r.r8));
}

void exit_xsetbv(Vcpu& v, Vmcb& vmcb, TrapFrame& r) {
    if (vmcb.cpl != 0 || !arch::pv_xsetbv(v, uint32_t(r.rcx), (r.rdx << 32) | uint32_t(r.rax)))
        return inject_exception(vmcb, kVecGp, true, 0);
    skip_insn(v, vmcb, ExitInsn::xsetbv);
}

uint64_t* gpr(Vmcb& vmcb, TrapFrame& r, unsigned n) {
    uint64_t* regs[16] = {&r.rax, &r.rcx, &r.rdx, &r.rbx, &vmcb.rsp, &r.rbp, &r.rsi, &r.rdi,
                          &r.r8,  &r.r9,  &r.r10, &r.r11, &r.r12,    &r.r13, &r.r14, &r.r15};
    return regs[n & 15];
}

// Nested-paging fault on a guest-physical address the p2m does not map (outside its RAM,
// no device there). As Xen completes an access no emulator claims, a MOV load reads all
// ones and a MOV store is dropped; any other instruction there crashes the domain.
void exit_npf(Vcpu& v, Vmcb& vmcb, TrapFrame& r) {
    CpuMode mode = mode_of(vmcb);
    uint64_t linear = mode == CpuMode::k64 ? vmcb.rip : (vmcb.cs.base + vmcb.rip) & 0xffffffff;
    uint8_t bytes[kMaxInsnLength];
    size_t avail = kMaxInsnLength;
    if (uint64_t to_end = 4096 - (linear & 4095); to_end < avail)
        avail = to_end; // enough for the MOV forms below unless they straddle a page
    InsnInfo info;
    bool decoded = !arch::hvm_copy_from_guest(bytes, linear, avail) &&
                   decode_length(bytes, avail, mode, &info) && info.map == 0 && info.has_modrm &&
                   (info.modrm >> 6) != 3;
    if (decoded && (info.opcode == 0x8a || info.opcode == 0x8b)) {
        unsigned reg = ((info.modrm >> 3) & 7) | ((info.rex & 4) ? 8 : 0);
        uint64_t* dst = gpr(vmcb, r, reg);
        if (info.opcode == 0x8a) {
            if (!info.rex && reg >= 4) // AH, CH, DH, BH
                *gpr(vmcb, r, reg - 4) |= 0xff00;
            else
                *dst |= 0xff;
        } else if (info.operand_size == 2) {
            *dst |= 0xffff;
        } else {
            *dst = info.operand_size == 8 ? ~0ull : 0xffffffffull;
        }
    } else if (!(decoded && (info.opcode == 0x88 || info.opcode == 0x89 || info.opcode == 0xc6 ||
                             info.opcode == 0xc7))) {
        log_warn("d%uv%u: nested page fault at gpa %#lx (error %#lx, rip %#lx)", v.domain->domid,
                 v.id, vmcb.exit_info2, vmcb.exit_info1, vmcb.rip);
        domain_crash(*v.domain, "access to unmapped guest-physical memory");
        return;
    }
    uint64_t rip = vmcb.rip + info.length;
    vmcb.rip = mode == CpuMode::k64 ? rip : rip & 0xffffffff;
    vmcb.int_state &= ~1ull;
}

} // namespace

void inject_exception(Vmcb& vmcb, unsigned vector, bool has_error, uint32_t error) {
    vmcb.event_inj = vector | kEventTypeException | kEventValid |
                     (has_error ? kEventErrorValid | (uint64_t(error) << 32) : 0);
}

void inject_events(Vcpu& v, Vmcb& vmcb) {
    if (vmcb.event_inj & kEventValid)
        return; // an exception, or a re-delivery, goes first
    if (!upcall_pending(v))
        return;
    if ((vmcb.rflags & kRflagsIf) && !(vmcb.int_state & 1)) {
        vmcb.event_inj = hvm::domain_of(*v.domain).callback_vector | kEventTypeIntr | kEventValid;
        vmcb.vintr &= ~kVIrq;
        vmcb.intercepts1 &= ~kInterceptVintr;
    } else {
        // Exit as soon as the guest can take an interrupt (a virtual one pending).
        vmcb.vintr |= kVIrq | (0xfull << kVIntrPrioShift) | kVIgnTpr;
        vmcb.intercepts1 |= kInterceptVintr;
    }
}

void handle_exit(Vcpu& v, Vmcb& vmcb, TrapFrame& r) {
    vmcb.event_inj = 0;
    // An event whose delivery the exit interrupted (an NPF on the IDT, an interrupt
    // during an exception's delivery) is delivered again.
    if (vmcb.exit_int_info & kEventValid)
        vmcb.event_inj = vmcb.exit_int_info;
    arch::irq_enable();
    switch (vmcb.exit_code) {
    case kExitIntr:
    case kExitNmi:
    case kExitSmi:
    case kExitInit:
        break; // the host takes it now that interrupts are on
    case kExitVintr:
        vmcb.vintr &= ~kVIrq;
        vmcb.intercepts1 &= ~kInterceptVintr;
        break;
    case kExitCpuid:
        exit_cpuid(v, vmcb, r);
        break;
    case kExitMsr:
        exit_msr(v, vmcb, r);
        break;
    case kExitIoio:
        exit_ioio(v, vmcb, r);
        break;
    case kExitHlt:
        exit_hlt(v, vmcb);
        break;
    case kExitVmmcall:
        exit_vmmcall(v, vmcb, r);
        break;
    case kExitXsetbv:
        exit_xsetbv(v, vmcb, r);
        break;
    case kExitInvd:
        skip_insn(v, vmcb, ExitInsn::invd); // as WBINVD: nothing to write back here
        break;
    case kExitRdpmc:
        inject_exception(vmcb, kVecGp, true, 0);
        break;
    // SVM itself, MONITOR/MWAIT: not offered (CPUID says so), so #UD as on Xen.
    case kExitVmrun:
    case kExitVmload:
    case kExitVmsave:
    case kExitStgi:
    case kExitClgi:
    case kExitSkinit:
    case kExitInvlpga:
    case kExitMonitor:
    case kExitMwait:
    case kExitMwaitCond:
        inject_exception(vmcb, kVecUd, false);
        break;
    case kExitShutdown: {
        // A triple fault: the domain's HVM_PARAM_TRIPLE_FAULT_REASON, as Xen's.
        Domain& d = *v.domain;
        unsigned reason = unsigned(hvm::domain_of(d).params[xen::HVM_PARAM_TRIPLE_FAULT_REASON]);
        log_warn("d%uv%u: triple fault at rip %#lx: shutdown reason %u", d.domid, v.id, vmcb.rip,
                 reason);
        domain_shutdown(d, reason);
        break;
    }
    case kExitNpf:
        exit_npf(v, vmcb, r);
        break;
    case kExitTaskSwitch:
        domain_crash(*v.domain, "hardware task switch");
        break;
    case kExitInvalid:
        log_warn("d%uv%u: VMRUN refused the guest state (cr0 %#lx cr4 %#lx efer %#lx)",
                 v.domain->domid, v.id, vmcb.cr0, vmcb.cr4, vmcb.efer);
        domain_crash(*v.domain, "invalid guest state");
        break;
    default:
        log_warn("d%uv%u: unexpected exit %#lx (info %#lx %#lx) at rip %#lx", v.domain->domid, v.id,
                 vmcb.exit_code, vmcb.exit_info1, vmcb.exit_info2, vmcb.rip);
        domain_crash(*v.domain, "unexpected SVM exit");
        break;
    }
    arch::irq_disable();
}

} // namespace svm
