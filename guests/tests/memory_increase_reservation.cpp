// XENMEM_increase_reservation for a PV guest: the machine frames allocated are written to
// the list (none is written with a null list, and the frames are given all the same);
// the reservation grows; the frames carry no M2P entry yet (INVALID_M2P_ENTRY) and are
// memory the guest can map, write and read back.
#include "memop_util.h"

static uint64_t list[2];

void test_main() {
    long before = memop::current_pages();
    list[0] = list[1] = 0x1234;
    XT_CHECK_RC(memop::reservation(xen::XENMEM_increase_reservation, list, 2), 2);
    XT_CHECK_EQ(memop::current_pages(), before + 2);
    for (int i = 0; i < 2; i++) {
        xt::printf("mfn %#lx m2p %#lx\n", list[i], mmu::m2p(list[i]));
        XT_CHECK(list[i] != 0x1234);
        XT_CHECK_EQ(mmu::m2p(list[i]), ~0ull);
        memop::check_usable(list[i], 7 + i);
    }
    XT_CHECK_RC(memop::reservation(xen::XENMEM_increase_reservation, nullptr, 1), 1);
    XT_CHECK_EQ(memop::current_pages(), before + 3);
    xt::report_success();
}
