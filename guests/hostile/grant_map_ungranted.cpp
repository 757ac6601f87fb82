// Mapping grants that were never given (dom0 maps from its own grant table, domain 0):
//   a free entry (flags 0)                          -> GNTST_general_error
//   refs beyond the table (100000, 0xffffffff)      -> GNTST_bad_gntref
//   an entry granted to another domain (12345)      -> GNTST_general_error
//   DOMID_SELF as the granting domain               -> GNTST_bad_domain (not accepted here)
//   a domain that does not exist (12345)            -> GNTST_bad_domain
//   a valid grant mapped at a hypervisor or non-canonical address, or through a PTE
//   address that is not one                         -> GNTST_general_error
// The hypercall itself answers 0 each time. The target address keeps its mapping, and
// no grant entry is left marked in use.
#include "hostile.h"

alignas(4096) static uint8_t table_va[4096];
alignas(4096) static uint8_t target[4096];
alignas(4096) static uint8_t granted[4096];

void test_main() {
    using namespace xen;
    auto *g = hostile::map_own_grant_table(table_va);
    uint64_t va = reinterpret_cast<uint64_t>(target);
    uint64_t old = hostile::pte_of(target);
    target[0] = 0x11;
    granted[0] = 0x22;
    g[10].domid = 12345;
    g[10].frame = uint32_t(xt::mfn_of(granted));
    g[10].flags = GTF_permit_access;
    g[11].domid = 0;
    g[11].frame = uint32_t(xt::mfn_of(granted));
    g[11].flags = GTF_permit_access;

    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map, 20, 0), GNTST_general_error);
    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map | GNTMAP_readonly, 20, 0),
                GNTST_general_error);
    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map, 100000, 0), GNTST_bad_gntref);
    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map, 0xffffffff, 0), GNTST_bad_gntref);
    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map, 10, 0), GNTST_general_error);
    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map, 11, DOMID_SELF), GNTST_bad_domain);
    XT_CHECK_EQ(hostile::map_grant(va, GNTMAP_host_map, 11, 12345), GNTST_bad_domain);
    XT_CHECK_EQ(hostile::map_grant(hostile::XEN_DIRECTMAP, GNTMAP_host_map, 11, 0),
                GNTST_general_error);
    XT_CHECK_EQ(hostile::map_grant(hostile::NONCANON_LOW, GNTMAP_host_map, 11, 0),
                GNTST_general_error);
    XT_CHECK_EQ(hostile::map_grant(0x1234, GNTMAP_host_map | GNTMAP_contains_pte, 11, 0),
                GNTST_general_error);
    XT_CHECK_EQ(hostile::map_grant(hostile::l4_mfn() << 12, GNTMAP_host_map | GNTMAP_contains_pte,
                                   11, 0),
                GNTST_general_error);

    XT_CHECK_EQ(hostile::pte_of(target), old);
    XT_CHECK_EQ(target[0], 0x11);
    XT_CHECK_EQ(g[10].flags, GTF_permit_access);
    XT_CHECK_EQ(g[11].flags, GTF_permit_access);
    XT_CHECK_EQ(g[20].flags, 0);
    hostile::pass();
}
