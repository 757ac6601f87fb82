// Xen 4.17's vMCE as an AMD CPU shows it to a PV guest: MCG_CAP = 2 banks, no MCG_CTL, no
// local MCE. A bank's CTL reads all ones and ignores writes; STATUS, ADDR and MISC read
// what was written, and only 0 may be written (the guest clears a bank; anything else is
// #GP). MCG_STATUS keeps what is written, MCG_CAP and MCG_CTL ignore writes. Registers of
// banks past the count, and the Intel-only CTL2 ones, read 0 and ignore writes.
// MCG_EXT_CTL is #GP without local MCE. (Intel hosts would differ; xenon's CI is AMD.)
#include "vmce.h"

#include "common/domain.h"

namespace arch {
namespace {

constexpr uint32_t kMcgCap = 0x179, kMcgStatus = 0x17a, kMcgCtl = 0x17b, kMcgExtCtl = 0x4d0;
constexpr uint32_t kMc0Ctl = 0x400, kMcLast = 0x47f, kMcCtl2First = 0x280, kMcCtl2Last = 0x29f;
constexpr uint64_t kGuestMcgCap = kVmceBanks;

enum class BankReg { ctl = 0, status = 1, addr = 2, misc = 3 };

} // namespace

VmceAccess pv_vmce_rdmsr(const Vcpu& v, uint32_t msr, uint64_t* value) {
    *value = 0;
    switch (msr) {
    case kMcgCap:
        *value = kGuestMcgCap;
        return VmceAccess::done;
    case kMcgStatus:
        *value = v.arch.vmce.mcg_status;
        return VmceAccess::done;
    case kMcgCtl:
        return VmceAccess::done; // no MCG_CTL_P: reads 0
    case kMcgExtCtl:
        return VmceAccess::fault;
    default:
        break;
    }
    if (msr >= kMcCtl2First && msr <= kMcCtl2Last)
        return VmceAccess::done;
    if (msr < kMc0Ctl || msr > kMcLast)
        return VmceAccess::not_mce;
    unsigned bank = (msr - kMc0Ctl) / 4;
    if (bank >= kVmceBanks)
        return VmceAccess::done;
    const VmceBank& b = v.arch.vmce.bank[bank];
    switch (static_cast<BankReg>((msr - kMc0Ctl) % 4)) {
    case BankReg::ctl:
        *value = ~0ull;
        break;
    case BankReg::status:
        *value = b.status;
        break;
    case BankReg::addr:
        *value = b.addr;
        break;
    case BankReg::misc:
        *value = b.misc;
        break;
    }
    return VmceAccess::done;
}

VmceAccess pv_vmce_wrmsr(Vcpu& v, uint32_t msr, uint64_t value) {
    switch (msr) {
    case kMcgCap:
    case kMcgCtl:
        return VmceAccess::done;
    case kMcgStatus:
        v.arch.vmce.mcg_status = value;
        return VmceAccess::done;
    case kMcgExtCtl:
        return VmceAccess::fault;
    default:
        break;
    }
    if (msr >= kMcCtl2First && msr <= kMcCtl2Last)
        return VmceAccess::done;
    if (msr < kMc0Ctl || msr > kMcLast)
        return VmceAccess::not_mce;
    unsigned bank = (msr - kMc0Ctl) / 4;
    if (bank >= kVmceBanks)
        return VmceAccess::done;
    auto reg = static_cast<BankReg>((msr - kMc0Ctl) % 4);
    if (reg == BankReg::ctl)
        return VmceAccess::done;
    if (value)
        return VmceAccess::fault;
    VmceBank& b = v.arch.vmce.bank[bank];
    (reg == BankReg::status ? b.status : reg == BankReg::addr ? b.addr : b.misc) = 0;
    return VmceAccess::done;
}

} // namespace arch
