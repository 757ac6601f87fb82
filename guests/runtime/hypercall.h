// Hypercalls from a 64-bit PV guest kernel.
//
// Two ways in, both part of the ABI:
//   - hypercall(nr, ...): SYSCALL directly, number in rax, arguments in rdi, rsi, rdx,
//     r10, r8, result in rax (this is what a 64-bit PV kernel executes);
//   - page_hypercall(nr, ...): a call to the stub at hypercall_page + nr * 32 that the
//     domain builder wrote into the image.
// Every argument register is declared as clobbered: a hypervisor may change them (Xen's
// debug builds poison the unused ones, continuations rewrite the used ones).
#pragma once
#include <stdint.h>

#include "public/xen.h"

extern "C" uint8_t hypercall_page[4096];

namespace xt {

inline long page_hypercall(unsigned long nr, unsigned long a1 = 0, unsigned long a2 = 0,
                           unsigned long a3 = 0, unsigned long a4 = 0, unsigned long a5 = 0) {
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    unsigned long stub = reinterpret_cast<unsigned long>(hypercall_page) + nr * 32;
    long ret;
    asm volatile("call *%[stub]"
                 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8),
                   [stub] "+b"(stub)
                 :
                 : "rcx", "r11", "r9", "memory");
    return ret;
}

inline long hypercall(unsigned long nr, unsigned long a1 = 0, unsigned long a2 = 0,
                      unsigned long a3 = 0, unsigned long a4 = 0, unsigned long a5 = 0) {
#ifdef XT_PVH
    // A PVH guest (guests/pvh) has no SYSCALL way in: the page's VMMCALL stubs.
    return page_hypercall(nr, a1, a2, a3, a4, a5);
#else
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long ret;
    asm volatile("syscall"
                 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                 : "0"(nr)
                 : "rcx", "r11", "r9", "memory");
    return ret;
#endif
}

template <typename T> inline unsigned long arg(T *p) {
    return reinterpret_cast<unsigned long>(p);
}

// Typed wrappers for the hypercalls the tests use most. Each returns Xen's result.
inline long xen_version(unsigned cmd, void *a = nullptr) {
    return hypercall(xen::HYPERVISOR_xen_version, cmd, arg(a));
}
inline long console_io(unsigned cmd, unsigned long count, const void *buf) {
    return hypercall(xen::HYPERVISOR_console_io, cmd, count, arg(buf));
}
inline long sched_op(unsigned cmd, void *a = nullptr) {
    return hypercall(xen::HYPERVISOR_sched_op, cmd, arg(a));
}
inline long memory_op(unsigned cmd, void *a) {
    return hypercall(xen::HYPERVISOR_memory_op, cmd, arg(a));
}
inline long vcpu_op(unsigned cmd, unsigned vcpu, void *a = nullptr) {
    return hypercall(xen::HYPERVISOR_vcpu_op, cmd, vcpu, arg(a));
}
inline long event_channel_op(unsigned cmd, void *a) {
    return hypercall(xen::HYPERVISOR_event_channel_op, cmd, arg(a));
}
inline long physdev_op(unsigned cmd, void *a) {
    return hypercall(xen::HYPERVISOR_physdev_op, cmd, arg(a));
}
inline long callback_op(unsigned cmd, void *a) {
    return hypercall(xen::HYPERVISOR_callback_op, cmd, arg(a));
}
inline long vm_assist(unsigned cmd, unsigned type) {
    return hypercall(xen::HYPERVISOR_vm_assist, cmd, type);
}
inline long set_trap_table(const void *table) {
    return hypercall(xen::HYPERVISOR_set_trap_table, arg(table));
}
inline long update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags) {
    return hypercall(xen::HYPERVISOR_update_va_mapping, va, pte, flags);
}
inline long multicall(xen::multicall_entry *calls, unsigned count) {
    return hypercall(xen::HYPERVISOR_multicall, arg(calls), count);
}

} // namespace xt
