// GNTTABOP_cache_flush on x86 (Xen 4.17's answers): for one of the caller's own frames
// (by machine address) GNTTAB_CACHE_CLEAN and CLEAN|INVAL are 0, INVAL alone is
// -EOPNOTSUPP; an offset, length or op outside the page or the two flags (SOURCE_GREF
// included) is -EINVAL, a zero length or op does nothing (0; -EILSEQ when the command
// carries a continuation's ref), a frame that does not exist -EINVAL, a hypervisor frame
// -EPERM. Elements are processed in order up to the first error, which is the result.
#include "grant_util.h"

alignas(4096) static uint8_t table_window[4096];
alignas(4096) static uint8_t page[4096];

static long flush(uint64_t maddr, uint16_t offset, uint16_t length, uint32_t op,
                  unsigned cmd_extra = 0) {
    xen::gnttab_cache_flush f{};
    f.a.dev_bus_addr = maddr;
    f.offset = offset;
    f.length = length;
    f.op = op;
    return xt::hypercall(xen::HYPERVISOR_grant_table_op, xen::GNTTABOP_cache_flush | cmd_extra,
                         xt::arg(&f), 1);
}

void test_main() {
    using namespace xen;
    gnt::map_table(table_window);
    page[0] = 1;
    const uint64_t ma = xt::mfn_of(page) << 12;
    const uint64_t gt = gnt::pte(table_window) & gnt::ADDR;
    const uint64_t *l4 = reinterpret_cast<const uint64_t *>(xt::start_info->pt_base);
    uint64_t xen_frame = 0;
    for (int s = 256; s < 272 && !xen_frame; s++)
        if ((l4[s] & xt::PTE_P) && (l4[s] & gnt::ADDR) != (xt::mfn_of(l4) << 12))
            xen_frame = l4[s] & gnt::ADDR;
    XT_CHECK(xen_frame != 0);

    XT_CHECK_RC(flush(ma, 0, 4096, GNTTAB_CACHE_CLEAN), 0);
    XT_CHECK_RC(flush(ma + 0x123, 64, 100, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL), 0);
    XT_CHECK_RC(flush(ma, 0, 64, GNTTAB_CACHE_INVAL), -XEN_EOPNOTSUPP);
    XT_CHECK_RC(flush(gt, 0, 8, GNTTAB_CACHE_CLEAN), 0); // its grant table is its frame too
    XT_CHECK_RC(flush(ma, 4096, 0, GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
    XT_CHECK_RC(flush(ma, 0, 4097, GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
    XT_CHECK_RC(flush(ma, 4000, 97, GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
    XT_CHECK_RC(flush(ma, 0, 64, 4), -XEN_EINVAL);
    XT_CHECK_RC(flush(ma, 0, 64, GNTTAB_CACHE_SOURCE_GREF | GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
    XT_CHECK_RC(flush(ma, 0, 0, GNTTAB_CACHE_CLEAN), 0);
    XT_CHECK_RC(flush(ma, 0, 64, 0), 0);
    XT_CHECK_RC(flush(0x7fffffffull << 12, 0, 64, GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
    XT_CHECK_RC(flush(xen_frame, 0, 64, GNTTAB_CACHE_CLEAN), -XEN_EPERM);
    XT_CHECK_RC(flush(ma, 0, 0, GNTTAB_CACHE_CLEAN, 5u << 12), -XEN_EILSEQ);

    gnttab_cache_flush two[2] = {};
    two[0].a.dev_bus_addr = ma;
    two[0].length = 8;
    two[0].op = GNTTAB_CACHE_CLEAN;
    two[1] = two[0];
    two[1].op = GNTTAB_CACHE_INVAL;
    XT_CHECK_RC(gnt::op(GNTTABOP_cache_flush, two, 2), -XEN_EOPNOTSUPP);
    XT_CHECK_RC(gnt::op(GNTTABOP_cache_flush, two, 1), 0);
    XT_CHECK_RC(gnt::op(GNTTABOP_cache_flush, two, 0), 0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_cache_flush, 0x1000, 1),
                -XEN_EFAULT);
    XT_CHECK_EQ(page[0], 1);
    xt::report_success();
}
