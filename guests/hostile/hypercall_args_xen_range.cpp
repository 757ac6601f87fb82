// Hypercalls whose argument structure lies in the hypervisor's range (its direct map at
// 0xffff830000000000; then a non-canonical address): each one that reads a structure
// returns -EFAULT before doing anything (the memory reservation sub-ops answer 0: no
// extent done). Among them SCHEDOP_shutdown and
// SCHEDOP_remote_shutdown (the domain must not go down on a pointer it cannot read),
// set_trap_table, callback registration, event-channel, grant-table, memory, vCPU and
// timer operations, set_gdt's frame list and multicall lists. The domain goes on: its
// trap table and callbacks still work afterwards.
#include "hostile.h"
#include "public/callback.h"

void test_main() {
    using namespace xen;
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::XEN_DIRECTMAP, hostile::XEN_M2P_RO,
                                                        hostile::NONCANON_LOW}) {
        struct call {
            const char *what;
            unsigned long nr, a1, a2, a3;
        } calls[] = {
            {"set_trap_table", HYPERVISOR_set_trap_table, bad, 0, 0},
            {"mmu_update", HYPERVISOR_mmu_update, bad, 1, 0},
            {"set_gdt", HYPERVISOR_set_gdt, bad, 16, 0},
            {"multicall", HYPERVISOR_multicall, bad, 1, 0},
            {"sched_op shutdown", HYPERVISOR_sched_op, SCHEDOP_shutdown, bad, 0},
            {"sched_op shutdown_code", HYPERVISOR_sched_op, SCHEDOP_shutdown_code, bad, 0},
            {"sched_op poll", HYPERVISOR_sched_op, SCHEDOP_poll, bad, 0},
            {"sched_op remote_shutdown", HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, bad, 0},
            {"callback_op register", HYPERVISOR_callback_op, CALLBACKOP_register, bad, 0},
            {"callback_op unregister", HYPERVISOR_callback_op, CALLBACKOP_unregister, bad, 0},
            {"evtchn alloc_unbound", HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, bad, 0},
            {"evtchn bind_virq", HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, bad, 0},
            {"evtchn send", HYPERVISOR_event_channel_op, EVTCHNOP_send, bad, 0},
            {"evtchn status", HYPERVISOR_event_channel_op, EVTCHNOP_status, bad, 0},
            {"evtchn close", HYPERVISOR_event_channel_op, EVTCHNOP_close, bad, 0},
            {"gnttab setup_table", HYPERVISOR_grant_table_op, GNTTABOP_setup_table, bad, 1},
            {"gnttab map", HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, bad, 1},
            {"gnttab copy", HYPERVISOR_grant_table_op, GNTTABOP_copy, bad, 1},
            {"memory_op memory_map", HYPERVISOR_memory_op, XENMEM_memory_map, bad, 0},
            {"memory_op current_reservation", HYPERVISOR_memory_op, XENMEM_current_reservation, bad, 0},
            {"vcpu_op singleshot", HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, bad},
            {"vcpu_op periodic", HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, bad},
            {"vcpu_op register_vcpu_info", HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, bad},
            {"vcpu_op register_runstate", HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, bad},
            {"vcpu_op get_runstate_info", HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, bad},
        };
        for (const call &c : calls) {
            long rc = xt::hypercall(c.nr, c.a1, c.a2, c.a3);
            if (rc != -XEN_EFAULT)
                xt::report_failure("%s with %#lx = %ld, expected -EFAULT", c.what, bad, rc);
        }
        // The reservation sub-ops answer with the number of extents done: 0.
        for (unsigned cmd : {XENMEM_increase_reservation, XENMEM_decrease_reservation,
                             XENMEM_populate_physmap})
            XT_CHECK_RC(xt::hypercall(HYPERVISOR_memory_op, cmd, bad), 0);
    }
    // Still alive, with the runtime's trap table and event callback in place.
    xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    evtchn_alloc_unbound au{DOMID_SELF, DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    evtchn_bind_interdomain bi{DOMID_SELF, au.port, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    xt::unmask_port(au.port);
    xt::unmask_port(bi.local_port);
    xt::unmask_events();
    evtchn_send s{bi.local_port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK(xt::event_count[au.port] >= 1);
    hostile::pass();
}
