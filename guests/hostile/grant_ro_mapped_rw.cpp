// A read-only grant (GTF_readonly) mapped writable is refused (GNTST_general_error) and
// leaves the entry as it was. Mapped read-only it works: the PTE has no write bit, a
// write through it faults (#PF, error code present|write), and the entry shows
// GTF_reading while mapped. Unmapping twice: the second is GNTST_bad_handle, as are made-up
// handles. In the end the entry is back to its granted flags and the page unchanged.
#include "hostile.h"

alignas(4096) static uint8_t table_va[4096];
alignas(4096) static uint8_t target[4096];
alignas(4096) static uint8_t granted[4096];

static volatile uint8_t *window;

void test_main() {
    using namespace xen;
    auto *g = hostile::map_own_grant_table(table_va);
    uint64_t va = reinterpret_cast<uint64_t>(target);
    uint64_t old = hostile::pte_of(target);
    granted[0] = 0x5a;
    g[12].domid = 0;
    g[12].frame = uint32_t(xt::mfn_of(granted));
    g[12].flags = GTF_permit_access | GTF_readonly;

    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map, 12, 0), GNTST_general_error);
    XT_CHECK_EQ(g[12].flags, GTF_permit_access | GTF_readonly);
    XT_CHECK_EQ(hostile::pte_of(target), old);

    uint32_t handle = 0;
    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map | GNTMAP_readonly, 12, 0, &handle),
                GNTST_okay);
    uint64_t p = hostile::pte_of(target);
    XT_CHECK_EQ(hostile::mfn_of_pte(p), xt::mfn_of(granted));
    XT_CHECK_EQ(p & xt::PTE_RW, 0);
    XT_CHECK_EQ(g[12].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    // The mapping call does not flush the caller's TLB: that is the guest's job.
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_INVLPG_LOCAL, va), 0);
    window = target;
    XT_CHECK_EQ(window[0], 0x5a);
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, [] { window[0] = 1; });
    XT_CHECK_EQ(fi.cr2, va);
    XT_CHECK_EQ(fi.error_code & 3, 3);
    XT_CHECK_EQ(granted[0], 0x5a);

    XT_CHECK_EQ(hostile::unmap_grant(va, handle), GNTST_okay);
    XT_CHECK_EQ(hostile::unmap_grant(va, handle), GNTST_bad_handle);
    for (uint32_t h : {0x1234u, 0xffffffffu, handle + 1})
        XT_CHECK_EQ(hostile::unmap_grant(va, h), GNTST_bad_handle);
    XT_CHECK_EQ(g[12].flags, GTF_permit_access | GTF_readonly);
    XT_CHECK_RC(hostile::remap(target, old), 0);
    target[0] = 1;
    XT_CHECK_EQ(granted[0], 0x5a);
    hostile::pass();
}
