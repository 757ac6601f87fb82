// HYPERVISOR_fpu_taskswitch: the guest kernel's CR0.TS. Set: the next FPU/SSE instruction
// raises #NM for the guest. Clear: it runs. Xen keeps the value as the vCPU's virtual
// CR0.TS; so does xenon (ArchVcpu::fpu_ts, which the context switch re-applies).
#include "arch/cpu.h"
#include "common/domain.h"
#include "common/hypercall.h"

namespace {
constexpr uint64_t kCr0Ts = 1 << 3;
}

long do_fpu_taskswitch(uint64_t a1, uint64_t, uint64_t, uint64_t, uint64_t) {
    const int set = static_cast<int>(a1);
    Vcpu& v = *current_vcpu();
    uint64_t flags = arch::irq_save(); // the flag and CR0 change together
    v.arch.fpu_ts = set != 0;
    uint64_t cr0 = arch::read_cr0();
    arch::write_cr0(set ? cr0 | kCr0Ts : cr0 & ~kCr0Ts);
    arch::irq_restore(flags);
    return 0;
}
