// XENMEM_add_to_physmap, add_to_physmap_batch and remove_from_physmap edit a translated
// guest's physical map; a PV guest has none, and Xen 4.17 refuses them with -EACCES once
// the request is read and the domain found: shared_info, grant-table frames (also the
// status frames, XENMAPIDX_grant_table_status), gmfn. Before that: -EFAULT for an
// unreadable argument, -ESRCH for a domain that does not exist, -ENOSYS for foreign
// frames outside the batch, -EOPNOTSUPP for a range in the batch, -EDOM for a start
// extent that does not fit the size field (remove_from_physmap: -EINVAL for any).
#include "memop_util.h"

static xen::xen_ulong_t idxs[1];
static xen::xen_pfn_t gpfns[1];
static int errs[1] = {77};

void test_main() {
    using namespace xen;
    const uint64_t gpfn = xt::start_info->nr_pages + 0x600;
    for (uint64_t idx : {0ull, 0ull | XENMAPIDX_grant_table_status}) {
        xen_add_to_physmap a{DOMID_SELF, 0, XENMAPSPACE_grant_table, idx, gpfn};
        XT_CHECK_RC(xt::memory_op(XENMEM_add_to_physmap, &a), -XEN_EACCES);
    }
    for (unsigned space :
         {XENMAPSPACE_shared_info, XENMAPSPACE_gmfn, XENMAPSPACE_gmfn_range, 99u}) {
        xen_add_to_physmap a{DOMID_SELF, 1, space, 0, gpfn};
        if (long rc = xt::memory_op(XENMEM_add_to_physmap, &a); rc != -XEN_EACCES)
            xt::report_failure("add_to_physmap space %u = %ld, expected -EACCES", space, rc);
    }
    xen_add_to_physmap a{DOMID_SELF, 0, XENMAPSPACE_gmfn_foreign, 0, gpfn};
    XT_CHECK_RC(xt::memory_op(XENMEM_add_to_physmap, &a), -XEN_ENOSYS);
    a = {12345, 0, XENMAPSPACE_shared_info, 0, gpfn};
    XT_CHECK_RC(xt::memory_op(XENMEM_add_to_physmap, &a), -XEN_ESRCH);
    a = {0, 0, XENMAPSPACE_shared_info, 0, gpfn};
    XT_CHECK_RC(xt::memory_op(XENMEM_add_to_physmap, &a), -XEN_EACCES);
    XT_CHECK_RC(xt::memory_op(XENMEM_add_to_physmap, reinterpret_cast<void*>(0x1000)), -XEN_EFAULT);
    XT_CHECK_RC(
        xt::hypercall(HYPERVISOR_memory_op, XENMEM_add_to_physmap | (0x10000ul << 6), xt::arg(&a)),
        -XEN_EDOM);

    idxs[0] = 0;
    gpfns[0] = gpfn;
    xen_add_to_physmap_batch b{};
    b.domid = DOMID_SELF;
    b.size = 1;
    b.idxs.p = reinterpret_cast<uint64_t>(idxs);
    b.gpfns.p = reinterpret_cast<uint64_t>(gpfns);
    b.errs.p = reinterpret_cast<uint64_t>(errs);
    for (unsigned space :
         {XENMAPSPACE_shared_info, XENMAPSPACE_grant_table, XENMAPSPACE_gmfn_foreign}) {
        b.space = static_cast<uint16_t>(space);
        if (long rc = xt::memory_op(XENMEM_add_to_physmap_batch, &b); rc != -XEN_EACCES)
            xt::report_failure("add_to_physmap_batch space %u = %ld, expected -EACCES", space, rc);
    }
    XT_CHECK_EQ(errs[0], 77);
    b.space = XENMAPSPACE_gmfn_range;
    XT_CHECK_RC(xt::memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EOPNOTSUPP);
    b.space = XENMAPSPACE_shared_info;
    b.domid = 12345;
    XT_CHECK_RC(xt::memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_ESRCH);
    XT_CHECK_RC(xt::memory_op(XENMEM_add_to_physmap_batch, reinterpret_cast<void*>(0x1000)),
                -XEN_EFAULT);

    xen_remove_from_physmap r{DOMID_SELF, gpfn};
    XT_CHECK_RC(xt::memory_op(XENMEM_remove_from_physmap, &r), -XEN_EACCES);
    r.domid = 12345;
    XT_CHECK_RC(xt::memory_op(XENMEM_remove_from_physmap, &r), -XEN_ESRCH);
    XT_CHECK_RC(
        xt::hypercall(HYPERVISOR_memory_op, XENMEM_remove_from_physmap | (1ul << 6), xt::arg(&r)),
        -XEN_EINVAL);
    xt::report_success();
}
