// Privileged instructions from a PV guest kernel (ring 3, so they fault with #GP) and the
// forced-emulation CPUID prefix.
#include "arch/cpu.h"
#include "arch/cpu_policy.h"
#include "arch/guest_access.h"
#include "arch/io.h"
#include "arch/pv.h"
#include "arch/pv_emulate.h"
#include "common/domain.h"
#include "emulate_cr.h"
#include "lib/string.h"
#include "public/sysctl.h"
#include "vmce.h"
#include "xstate.h"

namespace arch {
namespace {

constexpr uint32_t kXenLeafBase = 0x40000000;
constexpr uint64_t kCr4Osxsave = 1 << 18;
constexpr unsigned kVecInvalidOpcode = 6;

bool emulate_rdmsr(TrapFrame& f, Vcpu& v) {
    uint32_t msr = static_cast<uint32_t>(f.rcx);
    uint64_t value;
    switch (msr) {
    case msr::kFsBase:
        value = v.arch.fs_base;
        break;
    case msr::kGsBase:
        value = v.arch.in_kernel ? v.arch.gs_base_kernel : v.arch.gs_base_user;
        break;
    case msr::kKernelGsBase:
        value = v.arch.in_kernel ? v.arch.gs_base_user : v.arch.gs_base_kernel;
        break;
    case msr::kEfer:
        value = rdmsr(msr::kEfer);
        break;
    case msr::kPat:
        value = rdmsr(msr::kPat);
        break;
    default:
        // The machine-check MSRs, else #GP, as Xen does for a PV guest.
        if (pv_vmce_rdmsr(v, msr, &value) != VmceAccess::done)
            return false;
        break;
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
        return pv_vmce_wrmsr(v, msr, value) == VmceAccess::done;
    }
}

// Ports xenon drives itself; no guest may touch them: the PICs, the PIT, the keyboard
// controller's reset line, the COM1 UART, the ACPI PM timer QEMU has (as Xen: dom0's ACPI
// reads and acknowledges the PM1 status, enable and control registers), the debug-exit port,
// and the reset control register (a byte at 0xcf9; the dword PCI configuration address
// at 0xcf8 stays dom0's, as on Xen).
bool port_reserved_for_xenon(uint32_t port, unsigned size) {
    struct Range {
        uint16_t first, last;
    };
    static constexpr Range kReserved[] = {
        {0x20, 0x21},   {0x40, 0x43},   {0x61, 0x61}, {0xa0, 0xa1},
        {0x3f8, 0x3ff}, {0x608, 0x60b}, {0xf4, 0xf7}, {0x4d0, 0x4d1},
    };
    for (const Range& r : kReserved)
        if (port <= r.last && port + size - 1 >= r.first)
            return true;
    return port == 0xcf9 && size == 1;
}

// Port I/O from a PV guest: allowed by its virtual IOPL (pv/iopl.cpp), else #GP(0), as
// on Xen. Which ports then reach the hardware is a separate question (direct_port below).
bool iopl_allows(const Vcpu& v, uint32_t port, unsigned size) {
    return port + size <= 0x10000 && pv_iopl_allows(v);
}

// Only the initial domain holds I/O port rights (others none, until I/O permissions
// exist), and not to xenon's own ports.
bool direct_port(const Vcpu& v, uint32_t port, unsigned size) {
    return v.domain->privileged && !port_reserved_for_xenon(port, size);
}

// As Xen's hardware domain, dom0 drives PIT channel 2 and the speaker gate itself (Linux
// calibrates its TSC with them); xenon uses them only while it boots. Returns false for
// what dom0 may not do there: reads of the mode port, commands for channels 0 and 1.
bool pit_channel2_read(uint16_t port, uint32_t* value) {
    if (port != 0x42 && port != 0x61)
        return false;
    *value = inb(port);
    return true;
}

bool pit_channel2_write(uint16_t port, uint8_t value) {
    switch (port) {
    case 0x42:
        outb(0x42, value);
        return true;
    case 0x43:
        if ((value & 0xc0) == 0x80) { // a command for counter 2
            outb(0x43, value);
        } else if ((value & 0xc0) == 0xc0 && (value & 0x08)) {
            outb(0x43, value & 0xf8); // read-back, of counter 2 only
        }
        return true; // channels 0 and 1 are xenon's: ignored
    case 0x61:
        outb(0x61, (inb(0x61) & ~3) | (value & 3)); // the gate and speaker bits only
        return true;
    default:
        return false;
    }
}

uint32_t port_read(uint16_t port, unsigned size) {
    if (size == 1)
        return inb(port);
    if (size == 2)
        return inw(port);
    return inl(port);
}

void port_write(uint16_t port, unsigned size, uint32_t value) {
    if (size == 1)
        outb(port, static_cast<uint8_t>(value));
    else if (size == 2)
        outw(port, static_cast<uint16_t>(value));
    else
        outl(port, value);
}

// A port the guest has no rights to: reads give all ones and writes vanish, as on Xen,
// except for the PIT's channel 2, which the initial domain shares.
uint32_t denied_port_read(const Vcpu& v, uint16_t port, unsigned size) {
    uint32_t value = 0;
    for (unsigned i = 0; i < size; i++) {
        uint32_t byte = 0xff;
        if (v.domain->privileged)
            pit_channel2_read(static_cast<uint16_t>(port + i), &byte);
        value |= byte << (8 * i);
    }
    return value;
}

void denied_port_write(const Vcpu& v, uint16_t port, unsigned size, uint32_t value) {
    if (!v.domain->privileged)
        return;
    for (unsigned i = 0; i < size; i++)
        pit_channel2_write(static_cast<uint16_t>(port + i), static_cast<uint8_t>(value >> (8 * i)));
}

// in/out in their immediate-port and %dx forms, with an optional operand-size prefix.
bool emulate_port_io(TrapFrame& f, Vcpu& v, const uint8_t* insn, size_t avail) {
    size_t len = 0;
    bool opsize16 = false;
    if (avail > 0 && insn[0] == 0x66) {
        opsize16 = true;
        len = 1;
    }
    if (len >= avail)
        return false;
    uint8_t op = insn[len++];
    uint32_t port;
    bool in, byte;
    switch (op) {
    case 0xe4:
    case 0xe5:
    case 0xe6:
    case 0xe7: // in/out with imm8 port
        if (len >= avail)
            return false;
        port = insn[len++];
        in = op <= 0xe5;
        byte = !(op & 1);
        break;
    case 0xec:
    case 0xed:
    case 0xee:
    case 0xef: // in/out with the port in %dx
        port = f.rdx & 0xffff;
        in = op <= 0xed;
        byte = !(op & 1);
        break;
    default:
        return false;
    }
    unsigned size = byte ? 1 : opsize16 ? 2 : 4;
    if (!iopl_allows(v, port, size))
        return false;
    bool direct = direct_port(v, port, size);
    if (in) {
        uint32_t value = direct ? port_read(static_cast<uint16_t>(port), size)
                                : denied_port_read(v, static_cast<uint16_t>(port), size);
        if (size == 4)
            f.rax = value; // 32-bit results zero-extend
        else
            f.rax = (f.rax & ~((1ull << (size * 8)) - 1)) | value;
    } else if (direct) {
        port_write(static_cast<uint16_t>(port), size, static_cast<uint32_t>(f.rax));
    } else {
        denied_port_write(v, static_cast<uint16_t>(port), size, static_cast<uint32_t>(f.rax));
    }
    f.rip += len;
    return true;
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
    // The domain's CPU policy, then what depends on the vCPU (Xen's guest_cpuid).
    const Vcpu* v = current_vcpu();
    const CpuPolicy& p = v ? cpu_policy_of(*v->domain)
                           : *cpu_policy_system(xen::XEN_SYSCTL_cpu_policy_pv_default);
    cpu_policy_cpuid(p, leaf, subleaf, out);
    if ((leaf == 1 || leaf == 0x80000001) && v && v->domain->privileged && v->arch.in_kernel) {
        // As on Xen, the initial domain's kernel still sees MTRR when the hardware has it
        // (XenoLinux took it for the XENPF_*_memtype hypercalls).
        if (out[0] || out[3])
            out[3] |= cpuid(leaf).edx & (1u << 12);
    }
    if (leaf == 1) {
        // OSXSAVE, as Xen computes it for PV: the guest enabled XSAVE in its CR4, or its
        // kernel asks while the policy offers XSAVE and the hardware's CR4 has it.
        if (v && ((v->arch.in_kernel && (out[2] & (1u << 26)) && (read_cr4() & kCr4Osxsave)) ||
                  (v->arch.cr4_guest & kCr4Osxsave)))
            out[2] |= 1u << 27;
    }
    if (leaf == 0xd && subleaf <= 1 && (out[0] | out[1] | out[2] | out[3]))
        out[1] = cpuid(0xd, subleaf).ebx; // the size for the XCR0 (and XSS) loaded now
}

[[gnu::hot]] bool pv_emulate_forced_invalid_op(TrapFrame& f, Vcpu&) {
    static constexpr uint8_t kPrefix[7] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};
    // Every #UD comes here first, so the common case is one 8-byte read (the byte past the
    // 7 compared is on the same page, so it is mapped if they are).
    if ((f.rip & (PAGE_SIZE - 1)) <= PAGE_SIZE - 8) {
        constexpr uint64_t prefix = [] {
            uint64_t v = 0;
            for (unsigned i = 0; i < sizeof(kPrefix); i++)
                v |= uint64_t(kPrefix[i]) << (8 * i);
            return v;
        }();
        uint64_t word[1];
        if (copy_words_from_guest(word, f.rip) || (word[0] & 0x00ffffffffffffff) != prefix)
            return false;
    } else {
        uint8_t insn[7];
        if (copy_from_guest(insn, f.rip, sizeof(insn)) || memcmp(insn, kPrefix, sizeof(insn)))
            return false;
    }
    uint32_t out[4];
    pv_cpuid(static_cast<uint32_t>(f.rax), static_cast<uint32_t>(f.rcx), out);
    f.rax = out[0], f.rbx = out[1], f.rcx = out[2], f.rdx = out[3];
    f.rip += sizeof(kPrefix);
    return true;
}

bool pv_emulate_privileged(TrapFrame& f, Vcpu& v) {
    uint8_t insn[4] = {};
    // An instruction at the end of a mapped page may be shorter than the buffer.
    size_t avail = sizeof(insn);
    while (avail && copy_from_guest(insn, f.rip, avail))
        avail--;
    if (!avail)
        return false;
    if (emulate_port_io(f, v, insn, avail))
        return true;
    // The rest is for the guest kernel only; from guest user space it stays a #GP.
    if (avail < 2 || !v.arch.in_kernel)
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
    if (avail >= 3 && insn[0] == 0x0f && insn[1] == 0x01 && insn[2] == 0xd1) { // xsetbv
        // Without CR4.OSXSAVE in the guest's own view, XSETBV is #UD (as the hardware does).
        if (!(v.arch.cr4_guest & kCr4Osxsave))
            return pv_bounce_exception(f, kVecInvalidOpcode, false, 0);
        if (!pv_xsetbv(v, static_cast<uint32_t>(f.rcx), (f.rdx << 32) | uint32_t(f.rax)))
            return false;
        f.rip += 3;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x06) { // clts: the guest's virtual TS
        v.arch.fpu_ts = false;
        asm volatile("clts");
        f.rip += 2;
        return true;
    }
    return pv_emulate_mov_cr(f, v, insn, avail) || pv_emulate_mov_dr(f, v, insn, avail);
}

} // namespace arch
