// HYPERVISOR_set_debugreg / get_debugreg: the guest's debug registers, with Xen 4.17's
// checks: breakpoint addresses must be guest addresses (-EPERM), DR6/DR7 take no upper
// bits (-EINVAL) and get their reserved bits forced, DR7.GD is refused (-EPERM), as are
// I/O breakpoints (the guest's CR4.DE is clear); DR4/DR5 alias DR6/DR7; other numbers
// are -ENODEV. Valid values go into the hardware at once; the context switch moves them
// with the vCPU (pv_debugreg_switch_in/out).
//
// The guest's DR6 is kept in the vCPU, never in the hardware: every #DB the guest takes
// merges the hardware's status bits into it (Xen's merge: B0-B3 replaced, BD/BS/BT
// accumulated) and leaves the hardware DR6 clean for the next one.
#include "arch/cpu.h"
#include "arch/pv.h"
#include "arch/pv_hypercalls.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

constexpr uint64_t kDr6KeepMask = 0xffffefff;    // bit 12 and the upper half read as zero
constexpr uint64_t kDr6ReservedOne = 0xffff0ff0; // also the reset value
constexpr uint64_t kDr7KeepMask = 0xffff27ff;    // bits 11, 12, 14, 15 read as zero
constexpr uint64_t kDr7ReservedOne = 0x400;      // also the reset value
constexpr uint64_t kDr7GeneralDetect = 1 << 13;
constexpr uint64_t kDr7Enables = 0xff;    // L0-L3, G0-G3
constexpr unsigned kDrIo = 2;             // R/W field: I/O breakpoint
constexpr uint64_t kDr6Breakpoints = 0xf; // B0-B3: which breakpoint this #DB is for
constexpr uint64_t kDr6Status = 0xe00f;   // B0-B3, BD, BS, BT

bool breakpoint_address_ok(uint64_t a) {
    return a < (uint64_t(1) << 47) || a >= xen::HYPERVISOR_VIRT_END;
}

// clang-format off
void write_dr(unsigned n, uint64_t v) {
    switch (n) {
    case 0: asm volatile("mov %0, %%dr0" ::"r"(v)); break;
    case 1: asm volatile("mov %0, %%dr1" ::"r"(v)); break;
    case 2: asm volatile("mov %0, %%dr2" ::"r"(v)); break;
    case 3: asm volatile("mov %0, %%dr3" ::"r"(v)); break;
    case 6: asm volatile("mov %0, %%dr6" ::"r"(v)); break;
    case 7: asm volatile("mov %0, %%dr7" ::"r"(v)); break;
    default: break;
    }
}
// clang-format on

uint64_t read_dr6() {
    uint64_t v;
    asm volatile("mov %%dr6, %0" : "=r"(v));
    return v;
}

// The stored values always carry their reserved-one bits (a fresh vCPU's zeroes read as
// the reset values).
uint64_t dr6_of(const ArchVcpu& a) {
    return a.debugreg[6] | kDr6ReservedOne;
}
uint64_t dr7_of(const ArchVcpu& a) {
    return a.debugreg[7] | kDr7ReservedOne;
}

} // namespace

namespace arch {

void pv_debugreg_switch_in(Vcpu& v) {
    const ArchVcpu& a = v.arch;
    if (!(dr7_of(a) & kDr7Enables))
        return; // nothing armed: the hardware keeps DR7 disabled
    for (unsigned i = 0; i < 4; i++)
        write_dr(i, a.debugreg[i]);
    write_dr(6, kDr6ReservedOne);
    write_dr(7, dr7_of(a));
}

void pv_debugreg_switch_out(Vcpu& v) {
    ArchVcpu& a = v.arch;
    if (!(dr7_of(a) & kDr7Enables))
        return;
    write_dr(7, kDr7ReservedOne);
}

void pv_debug_trap_from_guest(Vcpu& v) {
    uint64_t hw = read_dr6();
    write_dr(6, kDr6ReservedOne);
    ArchVcpu& a = v.arch;
    a.debugreg[6] = (dr6_of(a) & ~kDr6Breakpoints) | (hw & kDr6Status);
}

bool pv_debug_trap_in_hypervisor(TrapFrame& frame) {
    (void)frame;
    uint64_t dr6 = read_dr6();
    write_dr(6, kDr6ReservedOne); // what the next #DB reports starts clean, as in Xen
    uint64_t dr7;
    asm volatile("mov %%dr7, %0" : "=r"(dr7));
    for (unsigned bp = 0; bp < 4; bp++) {
        bool hit = dr6 & (1u << bp);
        bool enabled = dr7 & (3u << (bp * 2));
        bool instruction = ((dr7 >> (16 + bp * 4)) & 3) == 0;
        if (hit && enabled && instruction) {
            write_dr(7, kDr7ReservedOne); // cannot happen: guest addresses only
            break;
        }
    }
    return true;
}

} // namespace arch

long do_set_debugreg(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const unsigned reg = static_cast<unsigned>(static_cast<int>(a1));
    uint64_t value = a2;
    ArchVcpu& a = current_vcpu()->arch;
    switch (reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        if (!breakpoint_address_ok(value))
            return -xen::XEN_EPERM;
        a.debugreg[reg] = value;
        write_dr(reg, value);
        return 0;
    case 4:
    case 6:
        if (value != static_cast<uint32_t>(value))
            return -xen::XEN_EINVAL;
        a.debugreg[6] = (value & kDr6KeepMask) | kDr6ReservedOne;
        return 0;
    case 5:
    case 7: {
        if (value != static_cast<uint32_t>(value))
            return -xen::XEN_EINVAL;
        value = (value & kDr7KeepMask) | kDr7ReservedOne;
        if (value & kDr7GeneralDetect)
            return -xen::XEN_EPERM;
        if (value & kDr7Enables) {
            for (unsigned shift = 16; shift < 32; shift += 4)
                if (((value >> shift) & 3) == kDrIo)
                    return -xen::XEN_EPERM;   // needs CR4.DE, which a PV guest has clear
            if (!(dr7_of(a) & kDr7Enables)) { // arming: the address registers go in first
                for (unsigned i = 0; i < 4; i++)
                    write_dr(i, a.debugreg[i]);
                write_dr(6, kDr6ReservedOne);
            }
        }
        a.debugreg[7] = value;
        write_dr(7, value);
        return 0;
    }
    default:
        return -xen::XEN_ENODEV;
    }
}

long do_get_debugreg(uint64_t a1, uint64_t, uint64_t, uint64_t, uint64_t) {
    const unsigned reg = static_cast<unsigned>(static_cast<int>(a1));
    ArchVcpu& a = current_vcpu()->arch;
    switch (reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        return static_cast<long>(a.debugreg[reg]);
    case 4:
    case 6:
        return static_cast<long>(dr6_of(a));
    case 5:
    case 7:
        return static_cast<long>(dr7_of(a));
    default:
        return -xen::XEN_ENODEV;
    }
}
