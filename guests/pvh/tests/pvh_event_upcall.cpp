// Event upcalls of a PVH guest through HVM_PARAM_CALLBACK_IRQ's vector type: shared_info
// mapped with XENMEM_add_to_physmap (its time info filled), an IPI event channel sent to
// itself raises the vector once interrupts are on, and not while they are off; the
// handler sees evtchn_upcall_pending and the port pending.
#include "public/event_channel.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"
#include "pvh.h"
#include "runtime.h"

namespace {
alignas(4096) uint8_t shared_page[4096];
constexpr uint8_t kVector = 0xf3;

// Interrupts on until the upcall count reaches n (bounded: a lost upcall fails, not hangs).
void wait_upcalls(unsigned n) {
    asm volatile("sti" ::: "memory");
    for (unsigned long i = 0; i < 200000000ul && xt::pvh::upcall_count < n; i++)
        asm volatile("pause" ::: "memory");
    asm volatile("cli" ::: "memory");
}
} // namespace

void test_main() {
    using namespace xt::pvh;
    XT_CHECK_RC(map_shared_info(shared_page), 0);
    XT_CHECK(shared->vcpu_info[0].time.tsc_to_system_mul != 0);

    xen::xen_hvm_param p{xen::DOMID_SELF, 0, xen::HVM_PARAM_CALLBACK_IRQ, 0};
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_hvm_op, xen::HVMOP_get_param, xt::arg(&p)), 0);
    XT_CHECK_EQ(p.value, 0ull);
    XT_CHECK_RC(set_upcall_vector(kVector), 0);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_hvm_op, xen::HVMOP_get_param, xt::arg(&p)), 0);
    XT_CHECK_EQ(p.value, (2ull << 56) | kVector);
    p.index = xen::HVM_NR_PARAMS;
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_hvm_op, xen::HVMOP_get_param, xt::arg(&p)),
                -xen::XEN_EINVAL);

    xen::evtchn_bind_ipi ipi{0, 0};
    XT_CHECK_RC(xt::event_channel_op(xen::EVTCHNOP_bind_ipi, &ipi), 0);
    unsigned port = ipi.port;
    __atomic_and_fetch(&shared->evtchn_mask[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
    shared->vcpu_info[0].evtchn_upcall_mask = 0;

    xen::evtchn_send send{port};
    XT_CHECK_RC(xt::event_channel_op(xen::EVTCHNOP_send, &send), 0);
    // Interrupts are still off: nothing delivered, the event waits.
    for (int i = 0; i < 100000; i++)
        asm volatile("pause" ::: "memory");
    XT_CHECK_EQ(upcall_count, 0u);
    XT_CHECK(shared->vcpu_info[0].evtchn_upcall_pending);
    wait_upcalls(1);
    XT_CHECK_EQ(upcall_count, 1u);
    XT_CHECK(!(shared->evtchn_pending[port / 64] & (1ull << (port % 64))));

    // A second one, sent with interrupts on.
    asm volatile("sti" ::: "memory");
    long rc = xt::event_channel_op(xen::EVTCHNOP_send, &send);
    wait_upcalls(2);
    XT_CHECK_EQ(rc, 0);
    XT_CHECK_EQ(upcall_count, 2u);
    xt::report_success();
}
