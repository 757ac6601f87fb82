// VCPUOP_register_runstate_memory_area in the hypervisor's range or at a non-canonical
// address is -EFAULT. An unmapped guest address (0x1000) is accepted (0): the hypervisor
// then fails to write it at every context switch and must carry on quietly, which the
// test lets happen many times (sleeps and yields). An unaligned area is accepted and
// kept up to date. VCPUOP_register_vcpu_time_memory_area behaves the same for the bad
// addresses. vCPU 1000 is -ENOENT.
#include "hostile.h"

alignas(4096) static uint8_t page[4096];

void test_main() {
    using namespace xen;
    vcpu_register_runstate_memory_area ra{};
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::XEN_DIRECTMAP, hostile::XEN_M2P_RO,
                                                        hostile::NONCANON_LOW, hostile::NONCANON_MID}) {
        ra.addr.p = bad;
        if (long rc = xt::vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra); rc != -XEN_EFAULT)
            xt::report_failure("runstate area at %#lx: %ld, expected -EFAULT", bad, rc);
        uint64_t p = bad;
        if (long rc = xt::vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &p); rc != -XEN_EFAULT)
            xt::report_failure("time area at %#lx: %ld, expected -EFAULT", bad, rc);
    }
    ra.addr.p = 0x1000;
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra), 0);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_runstate_memory_area, 1000, &ra), -XEN_ENOENT);
    for (int i = 0; i < 20; i++) {
        xt::sched_op(SCHEDOP_yield);
        xt::sleep_ns(1'000'000);
    }
    ra.addr.p = reinterpret_cast<uint64_t>(page + 3);
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra), 0);
    xt::sleep_ns(1'000'000);
    const auto *rs = reinterpret_cast<const volatile vcpu_runstate_info *>(page + 3);
    XT_CHECK_EQ(rs->state, RUNSTATE_running);
    XT_CHECK(rs->state_entry_time != 0);
    ra.addr.p = 0;
    XT_CHECK_RC(xt::vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra), 0);
    hostile::pass();
}
