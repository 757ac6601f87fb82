// Privileged instructions from a PV guest kernel (ring 3, so they fault with #GP) and the
// forced-emulation CPUID prefix.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/pv_emulate.h"
#include "common/domain.h"
#include "lib/string.h"

namespace arch {
namespace {

constexpr uint32_t kXenLeafBase = 0x40000000;
constexpr uint64_t kCr0Ts = 1 << 3;

uint64_t& gpr(TrapFrame& f, unsigned reg) {
    uint64_t* regs[16] = {&f.rax, &f.rcx, &f.rdx, &f.rbx, &f.rsp, &f.rbp, &f.rsi, &f.rdi,
                          &f.r8,  &f.r9,  &f.r10, &f.r11, &f.r12, &f.r13, &f.r14, &f.r15};
    return *regs[reg & 15];
}

bool emulate_rdmsr(TrapFrame& f, Vcpu& v) {
    uint32_t msr = static_cast<uint32_t>(f.rcx);
    uint64_t value;
    switch (msr) {
    case msr::kFsBase: value = v.arch.fs_base; break;
    case msr::kGsBase: value = v.arch.in_kernel ? v.arch.gs_base_kernel : v.arch.gs_base_user; break;
    case msr::kKernelGsBase: value = v.arch.in_kernel ? v.arch.gs_base_user : v.arch.gs_base_kernel; break;
    case msr::kEfer: value = rdmsr(msr::kEfer); break;
    case msr::kPat: value = rdmsr(msr::kPat); break;
    default: return false; // anything else: #GP, as Xen does for a PV guest
    }
    f.rax = static_cast<uint32_t>(value);
    f.rdx = value >> 32;
    return true;
}

bool emulate_wrmsr(TrapFrame& f, Vcpu& v) {
    uint32_t msr = static_cast<uint32_t>(f.rcx);
    uint64_t value = (f.rdx << 32) | static_cast<uint32_t>(f.rax);
    auto canonical = [](uint64_t a) { return uint64_t(int64_t(a << 16) >> 16) == a; };
    switch (msr) {
    case msr::kFsBase:
        if (!canonical(value))
            return false;
        v.arch.fs_base = value;
        wrmsr(msr::kFsBase, value);
        return true;
    case msr::kGsBase:
        if (!canonical(value))
            return false;
        (v.arch.in_kernel ? v.arch.gs_base_kernel : v.arch.gs_base_user) = value;
        wrmsr(msr::kGsBase, value);
        return true;
    case msr::kKernelGsBase:
        if (!canonical(value))
            return false;
        (v.arch.in_kernel ? v.arch.gs_base_user : v.arch.gs_base_kernel) = value;
        return true;
    default:
        return false;
    }
}

} // namespace

void pv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    if (leaf >= kXenLeafBase && leaf < kXenLeafBase + 0x100) {
        memset(out, 0, 16);
        switch (leaf - kXenLeafBase) {
        case 0: // signature and the highest Xen leaf
            out[0] = kXenLeafBase + 5;
            memcpy(&out[1], "XenV", 4);
            memcpy(&out[2], "MMXe", 4);
            memcpy(&out[3], "nVMM", 4);
            break;
        case 1: // version: major << 16 | minor, as Xen 4.17
            out[0] = (4 << 16) | 17;
            break;
        case 2: // hypercall pages: one, written through MSR 0x40000000
            out[0] = 1;
            out[1] = 0x40000000;
            break;
        default:
            break;
        }
        return;
    }
    CpuidResult r = cpuid(leaf, subleaf);
    out[0] = r.eax, out[1] = r.ebx, out[2] = r.ecx, out[3] = r.edx;
    if (leaf == 1)
        out[2] |= 1u << 31; // "running under a hypervisor"
}

bool pv_emulate_forced_invalid_op(TrapFrame& f, Vcpu&) {
    static constexpr uint8_t kPrefix[7] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};
    uint8_t insn[7];
    if (copy_from_guest(insn, f.rip, sizeof(insn)) || memcmp(insn, kPrefix, sizeof(insn)))
        return false;
    uint32_t out[4];
    pv_cpuid(static_cast<uint32_t>(f.rax), static_cast<uint32_t>(f.rcx), out);
    f.rax = out[0], f.rbx = out[1], f.rcx = out[2], f.rdx = out[3];
    f.rip += sizeof(kPrefix);
    return true;
}

bool pv_emulate_privileged(TrapFrame& f, Vcpu& v) {
    uint8_t insn[3];
    if (copy_from_guest(insn, f.rip, sizeof(insn)))
        return false;
    if (insn[0] == 0x0f && insn[1] == 0x32) { // rdmsr
        if (!emulate_rdmsr(f, v))
            return false;
        f.rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x30) { // wrmsr
        if (!emulate_wrmsr(f, v))
            return false;
        f.rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x20 && (insn[2] & 0xc0) == 0xc0) { // mov %crN, %reg
        unsigned cr = (insn[2] >> 3) & 7, reg = insn[2] & 7;
        uint64_t value;
        switch (cr) {
        case 0: value = (read_cr0() & ~kCr0Ts) | (v.arch.fpu_ts ? kCr0Ts : 0); break;
        case 2: value = v.vcpu_info->arch.cr2; break;
        case 3: value = v.arch.in_kernel ? v.arch.cr3_kernel : v.arch.cr3_user; break;
        case 4: value = read_cr4(); break;
        default: return false;
        }
        gpr(f, reg) = value;
        f.rip += 3;
        return true;
    }
    return false;
}

} // namespace arch
