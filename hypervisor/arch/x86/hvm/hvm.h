// What an HVM vCPU and domain hold beyond the PV model, shared by the HVM files and the
// vendor code (arch/x86/svm).
#pragma once
#include <stdint.h>

#include "arch/x86/hvm/p2m.h"
#include "public/hvm/params.h"

struct Vcpu;
struct Domain;

namespace svm {
struct Vmcb;
}

namespace hvm {

struct HvmVcpu {
    svm::Vmcb* vmcb;
    uint64_t vmcb_pa;
    // ASIDs (svm/asid.cpp): the one this vCPU holds on `asid_cpu`, valid while that
    // CPU's generation is `asid_generation`.
    uint32_t asid;
    uint32_t asid_cpu;
    uint64_t asid_generation;
    uint64_t p2m_generation; // the domain's when this vCPU's TLB was last flushed
    uint64_t guest_efer;     // EFER as the guest sees it (the VMCB's also has SVME)
    uint64_t debugreg[4];    // DR0-3 while off its CPU (DR6/DR7 are in the VMCB)
    bool down_by_hlt;        // HLT with interrupts off took it down
};

struct HvmDomain {
    P2m p2m;
    uint64_t p2m_generation; // bumped when a mapping goes: vCPUs flush their TLBs
    uint64_t params[xen::HVM_NR_PARAMS];
    uint8_t callback_vector;  // HVM_PARAM_CALLBACK_IRQ of the vector type; 0: none
    uint64_t shared_info_gfn; // where XENMAPSPACE_shared_info put it, ~0: nowhere
    bool pvh;
};

HvmVcpu& vcpu_of(Vcpu& v);
HvmDomain& domain_of(Domain& d);

// Makes d an HVM domain (its p2m, every vCPU's VMCB): 0 or -ENOMEM.
int hvm_domain_init(Domain& d, bool pvh);
// Every vCPU of d stops using translations of frames the p2m no longer maps before this
// returns (interrupts on, no lock held).
void hvm_flush_guest_tlbs(Domain& d);
// Maps [gfn, gfn + n) of d to frames the caller got for d (RAM): 0 or -ENOMEM.
int hvm_map_ram(Domain& d, uint64_t gfn, uint64_t mfn, uint64_t n);

// The HVM hypercall table (Xen's hvm64 column): nr from rax, arguments rdi..r8.
long hvm_hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
// Writes the VMMCALL hypercall page (Xen's: mov $nr,%eax; vmmcall; ret per 32 bytes;
// ud2 for iret) into `page`.
void write_hypercall_page(uint8_t* page);

// CPUID as Xen 4.17 answers a PVH/HVM guest (hvm/cpuid.cpp).
void guest_cpuid(Vcpu& v, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
// MSRs (hvm/msr.cpp): true when the access is allowed (value read/written), false for #GP.
bool guest_rdmsr(Vcpu& v, uint32_t msr, uint64_t* value);
bool guest_wrmsr(Vcpu& v, uint32_t msr, uint64_t value);

} // namespace hvm
