// XENMEM_decrease_reservation for a PV guest: the listed machine frames are given back
// and the reservation drops; a frame given back can no longer be mapped (-EBUSY, as any
// frame the guest does not own). A list stops at the first frame that is not the
// domain's (a hypervisor frame, one past RAM): the count says how far it got.
#include "memop_util.h"

static uint64_t list[4];

void test_main() {
    const uint64_t base = xt::start_info->nr_pages + 0x200;
    long before = memop::current_pages();
    for (int i = 0; i < 4; i++)
        list[i] = base + i;
    XT_CHECK_RC(memop::populate(list, 4), 4);
    XT_CHECK_EQ(memop::current_pages(), before + 4);
    uint64_t freed[2] = {list[0], list[1]};
    XT_CHECK_RC(memop::decrease(freed, 2), 2);
    XT_CHECK_EQ(memop::current_pages(), before + 2);
    XT_CHECK_RC(memop::map_scratch(freed[0]), -xen::XEN_EBUSY);
    XT_CHECK_RC(memop::map_scratch(freed[1]), -xen::XEN_EBUSY);
    XT_CHECK_RC(memop::decrease(freed, 1), 0); // no longer ours

    // Stops at a frame that is not the domain's.
    long max_page = xt::memory_op(xen::XENMEM_maximum_ram_page, nullptr);
    uint64_t mixed[3] = {list[2], uint64_t(max_page) + 0x100, list[3]};
    XT_CHECK_RC(memop::decrease(mixed, 3), 1);
    XT_CHECK_EQ(memop::current_pages(), before + 1);
    memop::check_usable(list[3], 3); // still ours
    uint64_t m2p_frame = 0;          // a hypervisor frame: where the read-only M2P lives
    xen::xen_machphys_mfn_list ml{1, {reinterpret_cast<uint64_t>(&m2p_frame)}, 0};
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_machphys_mfn_list, &ml), 0);
    uint64_t xen_frames[2] = {m2p_frame, list[3]};
    XT_CHECK_RC(memop::decrease(xen_frames, 2), 0);
    XT_CHECK_EQ(memop::current_pages(), before + 1);
    XT_CHECK_RC(memop::decrease(&list[3], 1), 1);
    XT_CHECK_EQ(memop::current_pages(), before);
    xt::report_success();
}
