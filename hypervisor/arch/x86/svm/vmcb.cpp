// A new vCPU's VMCB: what xenon intercepts, and the I/O and MSR permission maps every
// VMCB shares (built once). Every port is intercepted; MSRs whose guest values live in
// the VMCB and are switched by VMLOAD/VMSAVE pass through, the rest exit to the MSR
// policy (hvm/msr.cpp).
#include "arch/x86/svm/vmcb.h"
#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/x86/svm/svm.h"
#include "common/memory/buddy.h"
#include "common/panic.h"
#include "lib/string.h"

namespace svm {
namespace {

constexpr unsigned kIopmOrder = 2;  // 12 KiB used
constexpr unsigned kMsrpmOrder = 1; // 8 KiB
constinit uint64_t iopm_pa = 0, msrpm_pa = 0;

// The MSR permission map: two bits per MSR (read, write) in three 2 KiB ranges.
void msr_pass_through(uint8_t* map, uint32_t msr) {
    uint32_t base;
    if (msr < 0x2000)
        base = 0;
    else if (msr >= 0xc0000000 && msr < 0xc0002000)
        base = 0x800, msr -= 0xc0000000;
    else if (msr >= 0xc0010000 && msr < 0xc0012000)
        base = 0x1000, msr -= 0xc0010000;
    else
        return;
    map[base + msr / 4] &= ~(3u << ((msr % 4) * 2));
}

void build_maps() {
    auto* io = static_cast<uint8_t*>(memory::alloc_pages(kIopmOrder));
    auto* msr = static_cast<uint8_t*>(memory::alloc_pages(kMsrpmOrder));
    if (!io || !msr)
        panic("svm: no memory for the permission maps");
    memset(io, 0xff, PAGE_SIZE << kIopmOrder);
    memset(msr, 0xff, PAGE_SIZE << kMsrpmOrder);
    static constexpr uint32_t kPassThrough[] = {arch::msr::kFsBase,
                                                arch::msr::kGsBase,
                                                arch::msr::kKernelGsBase,
                                                arch::msr::kStar,
                                                arch::msr::kLstar,
                                                arch::msr::kCstar,
                                                arch::msr::kFmask,
                                                0x174,
                                                0x175,
                                                0x176}; // SYSENTER_CS/ESP/EIP
    for (uint32_t m : kPassThrough)
        msr_pass_through(msr, m);
    iopm_pa = arch::virt_to_phys(io);
    msrpm_pa = arch::virt_to_phys(msr);
}

} // namespace

void vmcb_init(Vmcb& v, uint64_t ncr3) {
    if (!iopm_pa)
        build_maps(); // the first HVM vCPU is built on the boot CPU, before any other
    memset(&v, 0, sizeof(v));
    v.intercepts1 = kInterceptIntr | kInterceptNmi | kInterceptSmi | kInterceptInit |
                    kInterceptRdpmc | kInterceptCpuid | kInterceptRsm | kInterceptInvd |
                    kInterceptHlt | kInterceptInvlpga | kInterceptIoio | kInterceptMsr |
                    kInterceptTaskSwitch | kInterceptFerrFreeze | kInterceptShutdown;
    v.intercepts2 = kInterceptVmrun | kInterceptVmmcall | kInterceptVmload | kInterceptVmsave |
                    kInterceptStgi | kInterceptClgi | kInterceptSkinit | kInterceptMonitor |
                    kInterceptMwait | kInterceptMwaitCond | kInterceptXsetbv;
    v.iopm_base_pa = iopm_pa;
    v.msrpm_base_pa = msrpm_pa;
    v.vintr = kVIntrMasking;
    v.np_control = 1;
    v.n_cr3 = ncr3;
    v.g_pat = 0x0007040600070406ull; // the architectural reset value
    v.dr6 = 0xffff0ff0;
    v.dr7 = 0x400;
    v.efer = 1 << 12; // SVME: VMRUN requires it in the guest's EFER
    v.asid = 1;
}

} // namespace svm
