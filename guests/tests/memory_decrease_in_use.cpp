// XENMEM_decrease_reservation of frames still in use succeeds (Xen drops only the
// allocation's reference): a frame still mapped stays readable through the mapping and
// counted in the reservation until the mapping goes, then it is gone (-EBUSY to map
// again). Giving it back twice changes nothing. A frame pinned as a page table stays
// until it is unpinned.
#include "memop_util.h"

static uint64_t list[2];

void test_main() {
    const uint64_t base = xt::start_info->nr_pages + 0x300;
    list[0] = base;
    list[1] = base + 1;
    XT_CHECK_RC(memop::populate(list, 2), 2);
    long before = memop::current_pages();

    // Mapped.
    uint64_t mapped = list[0];
    XT_CHECK_RC(memop::map_scratch(mapped), 0);
    memop::scratch[5] = 0x77;
    XT_CHECK_RC(memop::decrease(&mapped, 1), 1);
    XT_CHECK_EQ(memop::current_pages(), before);
    XT_CHECK_EQ(memop::scratch[5], 0x77);
    XT_CHECK_RC(memop::decrease(&mapped, 1), 1);
    XT_CHECK_EQ(memop::current_pages(), before);
    memop::unmap_scratch();
    XT_CHECK_EQ(memop::current_pages(), before - 1);
    XT_CHECK_RC(memop::map_scratch(mapped), -xen::XEN_EBUSY);
    XT_CHECK_RC(memop::decrease(&mapped, 1), 0);

    // Pinned as an L1 table (a fresh frame is all zeroes: a valid, empty table).
    uint64_t pinned = list[1];
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, pinned), 0);
    XT_CHECK_RC(memop::decrease(&pinned, 1), 1);
    XT_CHECK_EQ(memop::current_pages(), before - 1);
    XT_CHECK_RC(memop::map_scratch(pinned), -xen::XEN_EBUSY); // a page table
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_UNPIN_TABLE, pinned), 0);
    XT_CHECK_EQ(memop::current_pages(), before - 2);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_PIN_L1_TABLE, pinned), -xen::XEN_EINVAL);
    xt::report_success();
}
