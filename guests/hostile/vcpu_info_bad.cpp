// VCPUOP_register_vcpu_info with frames the domain may not write: a hypervisor frame
// (behind an L4 slot 256..271), frame numbers beyond RAM (1 << 40, ~0), frame 0, and one
// of the domain's own page tables (its L4) are -EINVAL; an offset leaving no room for a
// 64-byte vcpu_info (4033, ~0) is -ENXIO; vCPUs that do not exist (7, 1000) -ENOENT; the
// argument in the hypervisor's range -EFAULT. The runtime's vcpu_info stays in use: events
// are still delivered through it.
#include "hostile.h"

alignas(4096) static uint8_t page[4096];

void test_main() {
    using namespace xen;
    const uint64_t *l4 = hostile::l4_table();
    uint64_t xen_frame = 0;
    for (int s = 256; s < 272 && !xen_frame; s++)
        if ((l4[s] & xt::PTE_P) && hostile::mfn_of_pte(l4[s]) != hostile::l4_mfn())
            xen_frame = hostile::mfn_of_pte(l4[s]);
    XT_CHECK(xen_frame != 0);
    for (uint64_t mfn : std::initializer_list<uint64_t>{xen_frame, 1ull << 40, ~0ull, 0,
                                                        hostile::l4_mfn()}) {
        vcpu_register_vcpu_info vi{mfn, 0, 0};
        if (long rc = xt::vcpu_op(VCPUOP_register_vcpu_info, 0, &vi); rc != -XEN_EINVAL)
            xt::report_failure("vcpu_info at mfn %#lx: %ld, expected -EINVAL", mfn, rc);
    }
    for (uint32_t off : {4033u, 4095u, 0xffffffffu}) {
        vcpu_register_vcpu_info vi{xt::mfn_of(page), off, 0};
        if (long rc = xt::vcpu_op(VCPUOP_register_vcpu_info, 0, &vi); rc != -XEN_ENXIO)
            xt::report_failure("vcpu_info at offset %u: %ld, expected -ENXIO", off, rc);
    }
    vcpu_register_vcpu_info vi{xt::mfn_of(page), 0, 0};
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_vcpu_info, 7, &vi), -XEN_ENOENT);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_vcpu_info, 1000, &vi), -XEN_ENOENT);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_vcpu_info, 0,
                            reinterpret_cast<void *>(hostile::XEN_DIRECTMAP)),
                -XEN_EFAULT);

    evtchn_alloc_unbound au{DOMID_SELF, DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    evtchn_bind_interdomain bi{DOMID_SELF, au.port, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    xt::unmask_port(au.port);
    xt::unmask_events();
    evtchn_send s{bi.local_port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_send, &s), 0);
    XT_CHECK_EQ(xt::event_count[au.port], 1);
    for (unsigned i = 0; i < sizeof page; i++)
        XT_CHECK_EQ(page[i], 0);
    hostile::pass();
}
