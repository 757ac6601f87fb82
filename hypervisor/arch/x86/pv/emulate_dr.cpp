// mov to and from debug registers by a PV guest kernel (0f 21 / 0f 23), as Xen 4.17
// emulates them: the same values and checks as HYPERVISOR_get/set_debugreg; a refused
// write is #GP(0); DR4/DR5 alias DR6/DR7 unless the guest's CR4.DE is set (then #UD, as
// is any register above 7).
#include "emulate_cr.h"

#include "arch/pv.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "public/errno.h"

namespace arch {
namespace {

constexpr uint64_t kCr4De = 1 << 3;
constexpr unsigned kVecInvalidOpcode = 6;

uint64_t& gpr(TrapFrame& f, unsigned reg) {
    uint64_t* regs[16] = {&f.rax, &f.rcx, &f.rdx, &f.rbx, &f.rsp, &f.rbp, &f.rsi, &f.rdi,
                          &f.r8,  &f.r9,  &f.r10, &f.r11, &f.r12, &f.r13, &f.r14, &f.r15};
    return *regs[reg & 15];
}

} // namespace

bool pv_emulate_mov_dr(TrapFrame& f, Vcpu& v, const uint8_t* insn, size_t avail) {
    size_t at = (insn[0] & 0xf0) == 0x40 ? 1 : 0;
    uint8_t rex = at ? insn[0] : 0;
    if (avail < at + 3 || insn[at] != 0x0f || (insn[at + 1] != 0x21 && insn[at + 1] != 0x23) ||
        (insn[at + 2] & 0xc0) != 0xc0)
        return false;
    unsigned dr = ((insn[at + 2] >> 3) & 7) | (rex & 4 ? 8 : 0);
    unsigned reg = (insn[at + 2] & 7) | (rex & 1 ? 8 : 0);
    if (dr > 7 || ((dr == 4 || dr == 5) && (v.arch.cr4_guest & kCr4De)))
        return pv_bounce_exception(f, kVecInvalidOpcode, false, 0);
    if (insn[at + 1] == 0x21) {
        gpr(f, reg) = static_cast<uint64_t>(do_get_debugreg(dr, 0, 0, 0, 0));
    } else {
        long rc = do_set_debugreg(dr, gpr(f, reg), 0, 0, 0);
        if (rc == -xen::XEN_ENODEV)
            return pv_bounce_exception(f, kVecInvalidOpcode, false, 0);
        if (rc)
            return false;
    }
    f.rip += at + 3;
    return true;
}

} // namespace arch
