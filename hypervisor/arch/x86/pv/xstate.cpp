#include "xstate.h"

#include "arch/cpu.h"
#include "common/domain.h"

namespace arch {
namespace {

constexpr uint64_t kX87 = 1, kSse = 2, kYmm = 4, kBndRegs = 8, kBndCsr = 16;
constexpr uint64_t kAvx512 = 0xe0; // opmask, ZMM_Hi256, Hi16_ZMM
constexpr uint64_t kOffered = kX87 | kSse | kYmm | kAvx512;
constexpr uint64_t kLegacyAndHeader = 512 + 64;

uint64_t hardware_xcr0_max() {
    CpuidResult r = cpuid(0xd, 0);
    return uint64_t(r.edx) << 32 | r.eax;
}

// The architecture's rules for XCR0 (Intel SDM, XSETBV).
bool xcr0_valid(uint64_t xcr0) {
    if (!(xcr0 & kX87))
        return false;
    if ((xcr0 & kYmm) && !(xcr0 & kSse))
        return false;
    if ((xcr0 & kAvx512) && (!(xcr0 & kYmm) || (xcr0 & kAvx512) != kAvx512))
        return false;
    return !(xcr0 & kBndRegs) == !(xcr0 & kBndCsr);
}

void load_xcr0(uint64_t xcr0) {
    asm volatile("xsetbv" ::"c"(0), "a"(uint32_t(xcr0)), "d"(uint32_t(xcr0 >> 32)));
}

} // namespace

uint64_t pv_xcr0_max() {
    if (!cpu_features().xsave)
        return 0;
    uint64_t max = hardware_xcr0_max() & kOffered;
    if ((max & kAvx512) != kAvx512)
        max &= ~kAvx512;
    return max;
}

uint64_t pv_vcpu_xcr0(const Vcpu& v) {
    return v.arch.xcr0 ? v.arch.xcr0 : kX87 | kSse;
}

bool pv_xsetbv(Vcpu& v, uint32_t index, uint64_t value) {
    if (index != 0 || !cpu_features().xsave || (value & ~pv_xcr0_max()) || !xcr0_valid(value))
        return false;
    v.arch.xcr0 = value;
    load_xcr0(value);
    return true;
}

void pv_xstate_cpuid(uint32_t subleaf, uint32_t regs[4]) {
    uint64_t max = pv_xcr0_max();
    if (subleaf == 0) {
        // ebx (the size for the current XCR0) stays the hardware's: the guest's XCR0 is loaded.
        uint32_t size = kLegacyAndHeader;
        for (unsigned i = 2; i < 64; i++) {
            if (!(max & (1ull << i)))
                continue;
            CpuidResult c = cpuid(0xd, i);
            if (c.eax + c.ebx > size)
                size = c.eax + c.ebx;
        }
        regs[0] = uint32_t(max);
        regs[3] = uint32_t(max >> 32);
        regs[2] = size;
    } else if (subleaf == 1) {
        regs[2] = regs[3] = 0; // no supervisor states (XSS)
    } else if (subleaf < 64 && !(max & (1ull << subleaf))) {
        regs[0] = regs[1] = regs[2] = regs[3] = 0;
    }
}

} // namespace arch
