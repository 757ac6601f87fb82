// The MSRs an HVM guest reaches by RDMSR/WRMSR that exit (the ones whose state is in the
// VMCB pass through): EFER with SVME hidden, the APIC base, PAT, the TSC, and Xen's
// hypercall-page MSR at 0x40000000 (the base CPUID leaf 0x40000002 names). Everything
// else is #GP, as Xen 4.17 answers MSRs it does not know.
#include "arch/cpu.h"
#include "arch/hvm.h"
#include "arch/layout.h"
#include "arch/x86/hvm/hvm.h"
#include "arch/x86/svm/vmcb.h"
#include "common/console.h"
#include "common/domain.h"

namespace hvm {
namespace {

constexpr uint64_t kEferSce = 1, kEferLme = 1 << 8, kEferLma = 1 << 10, kEferNxe = 1 << 11,
                   kEferSvme = 1 << 12;
constexpr uint64_t kCr0Pg = 1ull << 31;
constexpr uint32_t kMsrTsc = 0x10, kMsrXenHypercallPage = 0x40000000;

bool pat_valid(uint64_t pat) {
    for (unsigned i = 0; i < 8; i++) {
        uint8_t t = (pat >> (8 * i)) & 0xff;
        if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
            return false;
    }
    return true;
}

// Xen's hypercall page MSR: the value is the page's guest-physical address, its low 12
// bits the page index (Xen has one page). The page must be the domain's RAM.
bool write_hypercall_page_msr(Vcpu& v, uint64_t value) {
    if (value & 0xfff)
        return false;
    P2mType t;
    uint64_t mfn = p2m_lookup(domain_of(*v.domain).p2m, value >> PAGE_SHIFT, &t);
    if (mfn == kInvalidMfn || t != P2mType::ram)
        return false;
    write_hypercall_page(static_cast<uint8_t*>(arch::phys_to_virt(mfn << PAGE_SHIFT)));
    return true;
}

} // namespace

bool guest_rdmsr(Vcpu& v, uint32_t msr, uint64_t* value) {
    svm::Vmcb& vmcb = *vcpu_of(v).vmcb;
    switch (msr) {
    case arch::msr::kEfer:
        *value = vmcb.efer & ~kEferSvme;
        return true;
    case arch::msr::kApicBase:
        *value = 0xfee00000 | (1 << 11) | (v.id == 0 ? 1 << 8 : 0); // enabled, xAPIC
        return true;
    case arch::msr::kPat:
        *value = vmcb.g_pat;
        return true;
    case kMsrTsc:
        *value = arch::rdtsc() + vmcb.tsc_offset;
        return true;
    default:
        return false;
    }
}

bool guest_wrmsr(Vcpu& v, uint32_t msr, uint64_t value) {
    svm::Vmcb& vmcb = *vcpu_of(v).vmcb;
    switch (msr) {
    case arch::msr::kEfer: {
        if (value & ~(kEferSce | kEferLme | kEferLma | kEferNxe))
            return false;
        // LME may not change while paging is on; LMA is the CPU's to set.
        if ((vmcb.cr0 & kCr0Pg) && ((value ^ vmcb.efer) & kEferLme))
            return false;
        vmcb.efer = (value & ~kEferLma) | (vmcb.efer & kEferLma) | kEferSvme;
        return true;
    }
    case arch::msr::kPat:
        if (!pat_valid(value))
            return false;
        vmcb.g_pat = value;
        return true;
    case kMsrTsc:
        vmcb.tsc_offset = value - arch::rdtsc();
        return true;
    case kMsrXenHypercallPage:
        return write_hypercall_page_msr(v, value);
    default:
        return false;
    }
}

} // namespace hvm
