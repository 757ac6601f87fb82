// Control registers as a PV guest kernel sees them, as on Xen 4.17. CR0: the real one but
// for TS, which is the guest's (fpu_taskswitch); writes may change TS only. CR2: the fault
// address in vcpu_info. CR3: the machine address of the current L4 (writes go through
// MMUEXT_NEW_BASEPTR, not here). CR4: the bits the guest chooses (TSD, DE, FSGSBASE,
// OSXSAVE, when its CPUID offers them) plus a few of xenon's own (PAE, MCE, OSFXSR,
// OSXMMEXCPT); a write is accepted and filtered; of the guest's bits only FSGSBASE
// reaches the hardware (the guest then reads and writes its FS/GS bases itself).
#include "emulate_cr.h"

#include "arch/cpu.h"
#include "arch/pv_emulate.h"
#include "common/domain.h"
#include "common/hypercall.h"

namespace arch {
namespace {

constexpr uint64_t kCr0Ts = 1 << 3;
constexpr uint64_t kCr4Tsd = 1 << 2, kCr4De = 1 << 3, kCr4Pae = 1 << 5, kCr4Mce = 1 << 6;
constexpr uint64_t kCr4Osfxsr = 1 << 9, kCr4Osxmmexcpt = 1 << 10;
constexpr uint64_t kCr4Fsgsbase = 1 << 16, kCr4Osxsave = 1 << 18;
constexpr uint64_t kCr4Visible = kCr4Pae | kCr4Mce | kCr4Osfxsr | kCr4Osxmmexcpt;

uint64_t& gpr(TrapFrame& f, unsigned reg) {
    uint64_t* regs[16] = {&f.rax, &f.rcx, &f.rdx, &f.rbx, &f.rsp, &f.rbp, &f.rsi, &f.rdi,
                          &f.r8,  &f.r9,  &f.r10, &f.r11, &f.r12, &f.r13, &f.r14, &f.r15};
    return *regs[reg & 15];
}

} // namespace

uint64_t pv_guest_cr4_bits(uint64_t value) {
    uint32_t basic[4], ext7[4];
    pv_cpuid(1, 0, basic);
    pv_cpuid(7, 0, ext7);
    uint64_t allowed = 0;
    if (basic[3] & (1u << 4))
        allowed |= kCr4Tsd;
    if (basic[3] & (1u << 2))
        allowed |= kCr4De;
    if (ext7[1] & 1u)
        allowed |= kCr4Fsgsbase;
    if (basic[2] & (1u << 26))
        allowed |= kCr4Osxsave;
    return value & allowed;
}

namespace {

uint64_t guest_cr0(const Vcpu& v) {
    return (read_cr0() & ~kCr0Ts) | (v.arch.fpu_ts ? kCr0Ts : 0);
}

bool read_cr(const Vcpu& v, unsigned cr, uint64_t* value) {
    switch (cr) {
    case 0:
        *value = guest_cr0(v);
        return true;
    case 2:
        *value = v.vcpu_info->arch.cr2;
        return true;
    case 3:
        *value = v.arch.in_kernel ? v.arch.cr3_kernel : v.arch.cr3_user;
        return true;
    case 4:
        *value = v.arch.cr4_guest | (read_cr4() & kCr4Visible);
        return true;
    default:
        return false; // cr8 and the rest: #GP, as on Xen
    }
}

bool write_cr(Vcpu& v, unsigned cr, uint64_t value) {
    switch (cr) {
    case 0:
        if ((value ^ guest_cr0(v)) & ~kCr0Ts)
            return false; // only TS may change
        do_fpu_taskswitch(value & kCr0Ts ? 1 : 0, 0, 0, 0, 0);
        return true;
    case 2:
        v.vcpu_info->arch.cr2 = value;
        return true;
    case 4:
        v.arch.cr4_guest = pv_guest_cr4_bits(value);
        pv_apply_guest_cr4(v);
        return true;
    default:
        return false; // cr3 (Xen: only a frame the guest owns; Linux uses the hypercall) and cr8+
    }
}

} // namespace

void pv_apply_guest_cr4(const Vcpu& v) {
    if (!cpu_features().fsgsbase)
        return;
    uint64_t cr4 = read_cr4();
    uint64_t want = (cr4 & ~kCr4Fsgsbase) | (v.arch.cr4_guest & kCr4Fsgsbase);
    if (want != cr4)
        write_cr4(want);
}

bool pv_emulate_mov_cr(TrapFrame& f, Vcpu& v, const uint8_t* insn, size_t avail) {
    // An optional REX prefix: REX.B selects r8-r15, REX.R cr8 and up.
    size_t at = (insn[0] & 0xf0) == 0x40 ? 1 : 0;
    uint8_t rex = at ? insn[0] : 0;
    if (avail < at + 3 || insn[at] != 0x0f || (insn[at + 1] != 0x20 && insn[at + 1] != 0x22) ||
        (insn[at + 2] & 0xc0) != 0xc0)
        return false;
    unsigned cr = ((insn[at + 2] >> 3) & 7) | (rex & 4 ? 8 : 0);
    unsigned reg = (insn[at + 2] & 7) | (rex & 1 ? 8 : 0);
    if (insn[at + 1] == 0x20) {
        uint64_t value;
        if (!read_cr(v, cr, &value))
            return false;
        gpr(f, reg) = value;
    } else if (!write_cr(v, cr, gpr(f, reg))) {
        return false;
    }
    f.rip += at + 3;
    return true;
}

} // namespace arch
