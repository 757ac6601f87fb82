// update_descriptor(maddr, desc) writes a checked segment descriptor into any writable
// page of the domain: a DPL 3 data segment is written as is; a 64-bit code segment asking
// for DPL 0 is written with DPL 3 (a PV kernel runs in ring 3). A null descriptor is
// fine; a task gate, a misaligned address, a page-table frame or a frame the domain does
// not own are -EINVAL.
#include "runtime.h"

alignas(4096) static uint64_t page[512];

static long update(uint64_t maddr, uint64_t desc) {
    return xt::hypercall(xen::HYPERVISOR_update_descriptor, maddr, desc);
}

void test_main() {
    uint64_t ma = xt::mfn_of(page) << 12;
    const uint64_t data3 = 0x00cff2000000ffff, code0 = 0x00af9a000000ffff,
                   code3 = 0x00affa000000ffff;
    XT_CHECK_RC(update(ma, data3), 0);
    XT_CHECK_EQ(page[0], data3);
    XT_CHECK_RC(update(ma + 8, code0), 0);
    XT_CHECK_EQ(page[1], code3);
    XT_CHECK_RC(update(ma + 16, 0), 0);
    XT_CHECK_EQ(page[2], 0);
    XT_CHECK_RC(update(ma + 24, 0x0000850000000000), -xen::XEN_EINVAL); // task gate
    XT_CHECK_EQ(page[3], 0);
    XT_CHECK_RC(update(ma + 4, data3), -xen::XEN_EINVAL);
    uint64_t pt = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base)) << 12;
    XT_CHECK_RC(update(pt, data3), -xen::XEN_EINVAL);
    XT_CHECK_RC(update(0xfffffffff000, data3), -xen::XEN_EINVAL);
    xt::report_success();
}
