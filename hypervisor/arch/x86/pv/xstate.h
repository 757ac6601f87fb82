// A PV guest's XCR0 (the extended states XSAVE manages), as Xen 4.17 keeps it: the guest
// kernel sets it with XSETBV (emulated), within the states its CPUID policy offers; until
// it does, the vCPU runs with x87 and SSE only. xenon loads it with the vCPU's FPU state.
#pragma once
#include <stdint.h>

struct Vcpu;

namespace arch {

// The states a PV guest may enable: x87, SSE, AVX and AVX-512 as the CPU has them (not
// MPX, PKRU, or the supervisor states).
uint64_t pv_xcr0_max();
// The XCR0 `v` runs with.
uint64_t pv_vcpu_xcr0(const Vcpu& v);
// XSETBV from the guest kernel: false (#GP) for another XCR or a value the policy or the
// architecture refuses; else the value is the vCPU's, loaded now.
bool pv_xsetbv(Vcpu& v, uint32_t index, uint64_t value);
// CPUID leaf 0xd as the policy has it: the offered states and their sizes only.
void pv_xstate_cpuid(uint32_t subleaf, uint32_t regs[4]);
// A vCPU's FPU/SSE/AVX state off and onto this CPU (pv/context.cpp; HVM vCPUs too).
void fpu_save(Vcpu& v);
void fpu_load(Vcpu& v);

} // namespace arch
