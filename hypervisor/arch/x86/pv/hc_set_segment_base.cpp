// HYPERVISOR_set_segment_base: FS and the two GS bases of a 64-bit PV guest, which it
// cannot write itself (WRMSR and SWAPGS are privileged). Non-canonical bases: -EINVAL.
// While the guest kernel runs (always, in a hypercall) its own GS base is the live one;
// the user GS base waits in the vCPU for the switch to user mode.
#include "arch/cpu.h"
#include "arch/extable.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

// Loads %gs with a selector from the guest's point of view (RPL 3) and returns the base
// the CPU took from its descriptor. A selector the CPU refuses becomes the null selector,
// as in Xen (the hypercall still succeeds: Linux cannot handle an error here).
uint64_t load_user_gs(uint16_t sel) {
    if (sel > 3)
        sel |= 3;
    uint64_t kernel_base = arch::rdmsr(arch::msr::kGsBase);
    bool faulted = true;
    asm volatile("1: movw %w[sel], %%gs\n\t"
                 "movb $0, %[faulted]\n"
                 "2:\n\t" EXTABLE_ENTRY(1b, 2b)
                 : [faulted] "+m"(faulted)
                 : [sel] "r"(sel)
                 : "memory");
    if (faulted)
        asm volatile("movw %w0, %%gs" ::"r"(0) : "memory");
    uint64_t user_base = arch::rdmsr(arch::msr::kGsBase);
    arch::wrmsr(arch::msr::kGsBase, kernel_base);
    return user_base;
}

} // namespace

long do_set_segment_base(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const unsigned which = static_cast<unsigned>(a1);
    const uint64_t base = a2;
    ArchVcpu& a = current_vcpu()->arch;
    switch (which) {
    case xen::SEGBASE_FS:
        if (!hc::is_canonical(base))
            return -xen::XEN_EINVAL;
        a.fs_base = base;
        arch::wrmsr(arch::msr::kFsBase, base);
        return 0;
    case xen::SEGBASE_GS_USER:
        if (!hc::is_canonical(base))
            return -xen::XEN_EINVAL;
        a.gs_base_user = base;
        return 0;
    case xen::SEGBASE_GS_KERNEL:
        if (!hc::is_canonical(base))
            return -xen::XEN_EINVAL;
        a.gs_base_kernel = base;
        arch::wrmsr(arch::msr::kGsBase, base);
        return 0;
    case xen::SEGBASE_GS_USER_SEL: {
        uint64_t flags = arch::irq_save(); // the kernel GS base is briefly not loaded
        a.gs_base_user = load_user_gs(static_cast<uint16_t>(base));
        arch::irq_restore(flags);
        return 0;
    }
    default:
        return -xen::XEN_EINVAL;
    }
}
