#include "common/hypercall.h"
#include "common/memory/domain_frames.h"

#include "public/errno.h"
#include "public/xen.h"

namespace {

struct Table {
    HypercallFn fn[kHypercallCount];
};

// Numbers without a line here are not implemented (yet) and answer -ENOSYS.
constexpr Table make_table() {
    Table t{};
    t.fn[xen::HYPERVISOR_set_trap_table] = do_set_trap_table;
    t.fn[xen::HYPERVISOR_set_gdt] = do_set_gdt;
    t.fn[xen::HYPERVISOR_stack_switch] = do_stack_switch;
    t.fn[xen::HYPERVISOR_set_callbacks] = do_set_callbacks;
    t.fn[xen::HYPERVISOR_fpu_taskswitch] = do_fpu_taskswitch;
    t.fn[xen::HYPERVISOR_sched_op_compat] = do_sched_op_compat;
    t.fn[xen::HYPERVISOR_set_debugreg] = do_set_debugreg;
    t.fn[xen::HYPERVISOR_get_debugreg] = do_get_debugreg;
    t.fn[xen::HYPERVISOR_update_descriptor] = do_update_descriptor;
    t.fn[xen::HYPERVISOR_memory_op] = do_memory_op;
    t.fn[xen::HYPERVISOR_multicall] = do_multicall;
    t.fn[xen::HYPERVISOR_set_timer_op] = do_set_timer_op;
    t.fn[xen::HYPERVISOR_xen_version] = do_xen_version;
    t.fn[xen::HYPERVISOR_console_io] = do_console_io;
    t.fn[xen::HYPERVISOR_vm_assist] = do_vm_assist;
    t.fn[xen::HYPERVISOR_iret] = do_iret;
    t.fn[xen::HYPERVISOR_vcpu_op] = do_vcpu_op;
    t.fn[xen::HYPERVISOR_set_segment_base] = do_set_segment_base;
    t.fn[xen::HYPERVISOR_sched_op] = do_sched_op;
    t.fn[xen::HYPERVISOR_callback_op] = do_callback_op;
    t.fn[xen::HYPERVISOR_event_channel_op] = do_event_channel_op;
    t.fn[xen::HYPERVISOR_physdev_op] = do_physdev_op;
    t.fn[xen::HYPERVISOR_platform_op] = do_platform_op;
    t.fn[xen::HYPERVISOR_grant_table_op] = do_grant_table_op;
    t.fn[xen::HYPERVISOR_mmu_update] = do_mmu_update;
    t.fn[xen::HYPERVISOR_update_va_mapping] = do_update_va_mapping;
    t.fn[xen::HYPERVISOR_update_va_mapping_otherdomain] = do_update_va_mapping_otherdomain;
    t.fn[xen::HYPERVISOR_mmuext_op] = do_mmuext_op;
    t.fn[xen::HYPERVISOR_sysctl] = do_sysctl;
    t.fn[xen::HYPERVISOR_domctl] = do_domctl;
    t.fn[xen::HYPERVISOR_mca] = do_mca;
    return t;
}

constinit const Table kTable = make_table();

} // namespace

[[gnu::hot]] long hypercall_dispatch(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
                                     uint64_t a4, uint64_t a5) {
    if (nr >= kHypercallCount || !kTable.fn[nr])
        return -xen::XEN_ENOSYS;
    long rc = kTable.fn[nr](a1, a2, a3, a4, a5);
    // Frames whose last reference this call dropped (an unmapping, an unpin, ...).
    if (__builtin_expect(memory::released_frames_pending(), 0))
        memory::drain_released_frames();
    return rc;
}

bool hypercall_implemented(uint64_t nr) {
    return nr < kHypercallCount && kTable.fn[nr];
}
