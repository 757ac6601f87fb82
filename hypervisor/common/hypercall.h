// Hypercall dispatch: one table from hypercall number to handler. Every handler takes the
// five argument registers as raw values, validates them itself, and returns Xen's answer
// (0 or a positive value on success, a negative XEN_E* on failure).
#pragma once
#include <stdint.h>

using HypercallFn = long (*)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

constexpr unsigned kHypercallCount = 64;

// Calls hypercall `nr` for the current vCPU; unknown and unimplemented numbers give
// -ENOSYS.
long hypercall_dispatch(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5);
// Whether `nr` has a handler (for the hypercall page and multicall).
bool hypercall_implemented(uint64_t nr);

// The handlers, each defined next to the state it acts on.
long do_set_trap_table(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_stack_switch(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_callbacks(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_fpu_taskswitch(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_debugreg(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_get_debugreg(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_update_descriptor(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_gdt(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_memory_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_multicall(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_timer_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_xen_version(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_console_io(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_vm_assist(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_iret(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_vcpu_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_segment_base(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_sched_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_sched_op_compat(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_callback_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_event_channel_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_physdev_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_platform_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_mca(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
// Grant tables (common/hypercalls/grant_table_op.cpp).
long do_grant_table_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
// The PV MMU (arch/x86/pv/mm_update.cpp, mm_ext.cpp).
long do_mmu_update(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_update_va_mapping(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_update_va_mapping_otherdomain(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_mmuext_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
// Domain and machine control for the privileged toolstack (common/hypercalls/).
long do_domctl(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_sysctl(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
