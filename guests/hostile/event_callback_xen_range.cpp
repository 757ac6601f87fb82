// An event callback inside the hypervisor's range is a canonical address, so
// CALLBACKOP_register accepts it (0). When an event then arrives, the upcall jumps there
// and the guest takes a #PF at that address (instruction fetch, cr2 = rip = the callback),
// delivered through its trap table like any fault: the hypervisor runs nothing of its own
// on the guest's behalf and the domain goes on. With the runtime's callback put back, the
// pending event is delivered normally.
#include "hostile.h"
#include "public/callback.h"

extern "C" void xt_event_entry();

static unsigned port_a, port_b;

void test_main() {
    using namespace xen;
    evtchn_alloc_unbound au{DOMID_SELF, DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    evtchn_bind_interdomain bi{DOMID_SELF, au.port, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    port_a = au.port;
    port_b = bi.local_port;
    // bind_interdomain left port_b pending (and the vCPU's upcall flag set); drop that.
    __atomic_fetch_and(&xt::shared->evtchn_pending[port_b / 64], ~(1ull << (port_b % 64)),
                       __ATOMIC_SEQ_CST);
    xt::vcpu->evtchn_upcall_pending = 0;
    xt::vcpu->evtchn_pending_sel = 0;
    xt::unmask_port(port_a);

    callback_register cb{CALLBACKTYPE_event, CALLBACKF_mask_events, hostile::XEN_DIRECTMAP};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, &cb), 0);
    xt::fault_info fi;
    bool faulted = xt::try_fault([] {
        xt::unmask_events();
        evtchn_send s{port_b};
        xt::event_channel_op(EVTCHNOP_send, &s); // the upcall happens on the way out
        xt::sched_op(SCHEDOP_yield);
    }, &fi);
    XT_CHECK(faulted);
    XT_CHECK_EQ(fi.vector, xt::VEC_PF);
    XT_CHECK_EQ(fi.rip, hostile::XEN_DIRECTMAP);
    XT_CHECK_EQ(fi.cr2, hostile::XEN_DIRECTMAP);
    XT_CHECK_EQ(fi.error_code & ~1ull, 0x10);
    XT_CHECK_EQ(xt::event_count[port_a], 0);
    XT_CHECK_EQ((xt::shared->evtchn_pending[port_a / 64] >> (port_a % 64)) & 1, 1);

    xt::mask_events();
    cb = {CALLBACKTYPE_event, CALLBACKF_mask_events, reinterpret_cast<uint64_t>(xt_event_entry)};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, &cb), 0);
    xt::unmask_events();
    xt::sched_op(SCHEDOP_yield);
    XT_CHECK_EQ(xt::event_count[port_a], 1);
    evtchn_send s{port_b};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK_EQ(xt::event_count[port_a], 2);
    hostile::pass();
}
