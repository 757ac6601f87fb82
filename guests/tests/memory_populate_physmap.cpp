// XENMEM_populate_physmap for a PV guest: each extent's gpfn is read from the list and
// replaced by the machine frame allocated for it (the guest fills its own P2M); the M2P
// says gpfn for every frame of the extent; the reservation grows by the frames given, and
// each frame is memory the guest can map, write and read back. An order-2 extent is 4
// machine-contiguous, aligned frames.
#include "memop_util.h"

static uint64_t list[3];

void test_main() {
    const uint64_t base = xt::start_info->nr_pages + 0x100; // gpfns past the initial ones
    long before = memop::current_pages();
    for (int i = 0; i < 3; i++)
        list[i] = base + i;
    XT_CHECK_RC(memop::populate(list, 3), 3);
    XT_CHECK_EQ(memop::current_pages(), before + 3);
    for (int i = 0; i < 3; i++) {
        xt::printf("gpfn %#lx -> mfn %#lx\n", base + i, list[i]);
        XT_CHECK_EQ(mmu::m2p(list[i]), base + i);
        memop::check_usable(list[i], i + 1);
    }
    XT_CHECK(list[0] != list[1] && list[1] != list[2] && list[0] != list[2]);

    list[0] = base + 8;
    XT_CHECK_RC(memop::populate(list, 1, 2), 1);
    XT_CHECK_EQ(memop::current_pages(), before + 7);
    XT_CHECK_EQ(list[0] % 4, 0);
    for (unsigned j = 0; j < 4; j++) {
        XT_CHECK_EQ(mmu::m2p(list[0] + j), base + 8 + j);
        memop::check_usable(list[0] + j, 10 + j);
    }

    // No extents: nothing done.
    XT_CHECK_RC(memop::populate(list, 0), 0);
    XT_CHECK_EQ(memop::current_pages(), before + 7);
    xt::report_success();
}
