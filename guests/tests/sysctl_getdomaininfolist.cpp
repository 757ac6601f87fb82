// XEN_SYSCTL_getdomaininfolist as libxl's `xl list` uses it, dom0 alone: from domain 0
// with room for 8, one record, the same as XEN_DOMCTL_getdomaininfo(0) gives; from
// domain 1 or with room for none, no record; DOMID_SELF is just a large first id (no
// record); an unwritable buffer -EFAULT. XEN_DOMCTL_getdomaininfo as Xen 4.17 walks the
// list: the first domain at or after the id asked for (so 1 has none: -ESRCH) and its id
// written back to the domain field; reserved ids -EINVAL.
#include "toolstack_util.h"

static xen::xen_domctl_getdomaininfo infos[8];

void test_main() {
    using namespace xen;
    auto& l = ts::sysctl_init(XEN_SYSCTL_getdomaininfolist).u.getdomaininfolist;
    l.first_domain = 0;
    l.max_domains = 8;
    l.buffer.p = reinterpret_cast<uint64_t>(infos);
    XT_CHECK_RC(ts::sysctl(), 0);
    XT_CHECK_EQ(ts::sc.u.getdomaininfolist.num_domains, 1);
    const xen_domctl_getdomaininfo& d0 = infos[0];
    xt::printf("d%u flags %#x tot %lu max %lu vcpus %u max id %u pool %u\n", d0.domain, d0.flags,
               d0.tot_pages, d0.max_pages, d0.nr_online_vcpus, d0.max_vcpu_id, d0.cpupool);
    XT_CHECK_EQ(d0.domain, 0);
    XT_CHECK(d0.flags & XEN_DOMINF_running);
    XT_CHECK_EQ(d0.tot_pages, xt::start_info->nr_pages);
    XT_CHECK_EQ(d0.nr_online_vcpus, 1);
    XT_CHECK_EQ(d0.cpupool, 0);
    XT_CHECK_EQ(d0.shared_info_frame, xt::start_info->shared_info >> 12);

    ts::domctl_init(XEN_DOMCTL_getdomaininfo, 0);
    XT_CHECK_RC(ts::domctl(), 0);
    const xen_domctl_getdomaininfo& g = ts::dc.u.getdomaininfo;
    XT_CHECK_EQ(g.domain, d0.domain);
    XT_CHECK_EQ(g.flags & ~XEN_DOMINF_blocked, d0.flags & ~XEN_DOMINF_blocked);
    XT_CHECK_EQ(g.tot_pages, d0.tot_pages);
    XT_CHECK_EQ(g.max_pages, d0.max_pages);
    XT_CHECK_EQ(g.max_vcpu_id, d0.max_vcpu_id);
    XT_CHECK(g.cpu_time >= d0.cpu_time);
    XT_CHECK_EQ(memcmp(g.handle, d0.handle, sizeof g.handle), 0);
    ts::domctl_init(XEN_DOMCTL_getdomaininfo, 1);
    XT_CHECK_RC(ts::domctl(), -XEN_ESRCH);
    ts::domctl_init(XEN_DOMCTL_getdomaininfo, DOMID_FIRST_RESERVED);
    XT_CHECK_RC(ts::domctl(), -XEN_EINVAL);

    for (domid_t first : {domid_t(1), domid_t(DOMID_SELF)}) {
        auto& m = ts::sysctl_init(XEN_SYSCTL_getdomaininfolist).u.getdomaininfolist;
        m.first_domain = first;
        m.max_domains = 8;
        m.buffer.p = reinterpret_cast<uint64_t>(infos);
        m.num_domains = 77;
        XT_CHECK_RC(ts::sysctl(), 0);
        XT_CHECK_EQ(ts::sc.u.getdomaininfolist.num_domains, 0);
    }
    auto& z = ts::sysctl_init(XEN_SYSCTL_getdomaininfolist).u.getdomaininfolist;
    z.max_domains = 0;
    z.buffer.p = ts::kBadVa; // never written
    XT_CHECK_RC(ts::sysctl(), 0);
    XT_CHECK_EQ(ts::sc.u.getdomaininfolist.num_domains, 0);
    auto& b = ts::sysctl_init(XEN_SYSCTL_getdomaininfolist).u.getdomaininfolist;
    b.max_domains = 1;
    b.buffer.p = ts::kBadVa;
    XT_CHECK_RC(ts::sysctl(), -XEN_EFAULT);
    xt::report_success();
}
