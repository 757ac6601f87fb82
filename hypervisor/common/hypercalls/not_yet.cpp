// Hypercalls declared in common/hypercall.h whose handlers are not written yet: each
// answers -ENOSYS, exactly as an unknown hypercall does. A handler moves out of this file
// into the file that owns its state when it is implemented.
#include "common/hypercall.h"
#include "public/errno.h"

#define NOT_YET(name)                                                                       \
    long do_##name(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) { return -xen::XEN_ENOSYS; }

NOT_YET(set_trap_table)
NOT_YET(stack_switch)
NOT_YET(set_callbacks)
NOT_YET(fpu_taskswitch)
NOT_YET(set_debugreg)
NOT_YET(get_debugreg)
NOT_YET(update_descriptor)
NOT_YET(set_gdt)
NOT_YET(memory_op)
NOT_YET(multicall)
NOT_YET(set_timer_op)
NOT_YET(xen_version)
NOT_YET(console_io)
NOT_YET(vm_assist)
NOT_YET(vcpu_op)
NOT_YET(set_segment_base)
NOT_YET(sched_op)
NOT_YET(sched_op_compat)
NOT_YET(callback_op)
NOT_YET(event_channel_op)
NOT_YET(physdev_op)
