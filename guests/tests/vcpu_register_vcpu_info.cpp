// VCPUOP_register_vcpu_info moves vCPU 0's vcpu_info into a guest page: a slot crossing
// the page end is -ENXIO (Xen 4.17), a vCPU that does not exist -ENOENT; the first good
// call returns 0 and the new slot starts with the old contents (mask 1, a valid time
// version); a second registration is -EINVAL. Afterwards event state is written to the
// new slot: a masked IPI sets its upcall_pending, not the old slot's.
#include "public/event_channel.h"
#include "public/vcpu.h"
#include "runtime.h"

alignas(4096) static uint8_t page[4096];

void test_main() {
    using namespace xen;
    uint64_t mfn = xt::mfn_of(page);
    vcpu_register_vcpu_info r{mfn, 4096 - 32, 0};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_ENXIO);
    r = {mfn, 128, 0};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_vcpu_info, 1000, &r), -XEN_ENOENT);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_vcpu_info, 0, &r), 0);
    auto *nv = reinterpret_cast<vcpu_info *>(page + 128);
    XT_CHECK_EQ(nv->evtchn_upcall_mask, 1);
    XT_CHECK(nv->time.version != 0 && (nv->time.version & 1) == 0);
    XT_CHECK_EQ(nv->time.tsc_to_system_mul, xt::shared->vcpu_info[0].time.tsc_to_system_mul);
    r.offset = 256;
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL);
    xt::vcpu = nv;

    evtchn_bind_ipi ipi{0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
    xt::unmask_port(ipi.port);
    xt::shared->vcpu_info[0].evtchn_upcall_pending = 0;
    evtchn_send s{ipi.port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK_EQ(nv->evtchn_upcall_pending, 1);
    XT_CHECK_EQ(xt::shared->vcpu_info[0].evtchn_upcall_pending, 0);
    XT_CHECK(nv->evtchn_pending_sel & (1ull << (ipi.port / 64)));
    xt::unmask_events(); // delivered through the new slot
    XT_CHECK_EQ(xt::event_count[ipi.port], 1);
    xt::report_success();
}
