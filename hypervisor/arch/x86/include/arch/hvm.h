// Hardware-virtualized guests (PVH now, HVM later) as the rest of xenon sees them: whether
// the CPU can run them, and the few places where a vCPU's kind changes what happens
// (context switch, the way back to the guest, guest memory, hypercalls). The vendor part
// (AMD SVM) is in arch/x86/svm, what every vendor shares in arch/x86/hvm.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arch/traps.h"

struct Vcpu;
struct Domain;

namespace arch {

// SVM with nested paging found on the boot CPU and enabled on it (svm_cpu_init).
bool hvm_available();
// Per-CPU set-up (every CPU, after pv_cpu_init): EFER.SVME, the host save area.
void hvm_cpu_init();

bool is_hvm_vcpu(const Vcpu& v);
bool is_hvm_domain(const Domain& d);

// The context switch's HVM halves (pv_context_save/load's counterparts).
void hvm_context_save(Vcpu& v, const TrapFrame& frame);
void hvm_context_load(Vcpu& v, TrapFrame& frame);
// Runs the current vCPU, an HVM one, from a fresh stack just below the guest frame: the
// exit path (pv_exit_to_guest) jumps here instead of returning to an iret.
extern "C" [[noreturn]] void hvm_resume();

// The current HVM vCPU's memory by guest virtual address (its page tables, then its p2m):
// 0, or -XEN_EFAULT.
int hvm_copy_from_guest(void* dst, uint64_t va, size_t len);
int hvm_copy_to_guest(uint64_t va, const void* src, size_t len);
// A domain's memory by guest physical address: 0, or -XEN_EFAULT.
int hvm_copy_to_guest_phys(Domain& d, uint64_t gpa, const void* src, size_t len);
int hvm_copy_from_guest_phys(Domain& d, void* dst, uint64_t gpa, size_t len);

} // namespace arch
