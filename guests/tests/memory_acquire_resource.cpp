// XENMEM_acquire_resource as libxc's domain builder uses it (xc_dom_gnttab_seed: the
// control domain writes a new domain's first grant entries through a mapping of its
// grant table), with Xen 4.17's answers:
//   - a size query (no frame list, nr_frames 0) reads the resource's size: the domain's
//     max_grant_frames shared frames, the status frames those need; an unknown resource
//     type reads -EOPNOTSUPP as an unsigned size, as in Xen;
//   - acquiring shared frames returns their machine frames (those GNTTABOP_setup_table
//     reports) and grows the table to hold the last one asked for; the frame maps with
//     mmu_update naming the domain, and what is written there is the domain's grant entry;
//   - status frames of a version 2 table, not of a version 1 table;
//   - errors: -EINVAL (past the limit, frame beyond 32 bits, pad, a count with no list,
//     ioreq server or trace buffer of a PV domain), -EOPNOTSUPP (unknown type),
//     -EPERM (oneself), -ESRCH (DOMID_SELF, no such domain), -EFAULT (bad pointers).
#include "memop_util.h"
#include "public/domctl.h"
#include "public/grant_table.h"

namespace {

using namespace xen;

xen_domctl dc;
uint64_t mfns[8];

long domctl(uint32_t cmd, domid_t dom) {
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return xt::hypercall(HYPERVISOR_domctl, xt::arg(&dc));
}

// A PV domain with 4 grant frames at most, of grant version `version` at most.
domid_t create(unsigned version) {
    dc = {};
    xen_domctl_createdomain& c = dc.u.createdomain;
    c.max_vcpus = 1;
    c.max_evtchn_port = 1023;
    c.max_grant_frames = 4;
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(version);
    XT_CHECK_RC(domctl(XEN_DOMCTL_createdomain, DOMID_INVALID), 0);
    return dc.domain;
}

void destroy(domid_t d) {
    dc = {};
    XT_CHECK_RC(domctl(XEN_DOMCTL_destroydomain, d), 0);
}

xen_mem_acquire_resource request(domid_t d, uint16_t type, uint32_t id, uint64_t frame,
                                 uint32_t nr) {
    xen_mem_acquire_resource r{};
    r.domid = d;
    r.type = type;
    r.id = id;
    r.frame = frame;
    r.nr_frames = nr;
    r.frame_list.p = nr ? reinterpret_cast<uint64_t>(mfns) : 0;
    return r;
}

long acquire(xen_mem_acquire_resource& r) {
    return xt::memory_op(XENMEM_acquire_resource, &r);
}
long acquire(domid_t d, uint16_t type, uint32_t id, uint64_t frame, uint32_t nr) {
    xen_mem_acquire_resource r = request(d, type, id, frame, nr);
    return acquire(r);
}

// The size a query reports, or the error.
long size_of(domid_t d, uint16_t type, uint32_t id) {
    xen_mem_acquire_resource r = request(d, type, id, 0, 0);
    long rc = acquire(r);
    return rc ? rc : long(r.nr_frames);
}

uint32_t table_frames(domid_t d) {
    gnttab_query_size qs{};
    qs.dom = d;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_query_size, xt::arg(&qs), 1), 0);
    XT_CHECK_EQ(qs.status, 0);
    return qs.nr_frames;
}

// Maps machine frame mfn of domain d at memop::scratch as Linux's privcmd does.
long map_foreign(uint64_t mfn, domid_t d) {
    mmu_update u{mmu::entry_maddr(mmu::va_of(memop::scratch), 1) | MMU_NORMAL_PT_UPDATE,
                 (mfn << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D};
    return mmu::mmu_update(&u, 1, nullptr, d);
}

void check_v1_domain() {
    const domid_t d = create(1);
    xt::printf("d%u: version 1, 4 grant frames at most\n", d);
    XT_CHECK_EQ(size_of(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared), 4);
    // 4 frames of 256 version 2 entries need one frame of 2048 status words.
    XT_CHECK_EQ(size_of(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_status), 1);
    XT_CHECK_RC(size_of(d, XENMEM_resource_grant_table, 2), -XEN_EINVAL);
    XT_CHECK_EQ(size_of(d, 7, 0), long(uint32_t(-XEN_EOPNOTSUPP)));
    XT_CHECK_RC(size_of(d, XENMEM_resource_ioreq_server, 0), -XEN_EINVAL);
    XT_CHECK_RC(size_of(d, XENMEM_resource_vmtrace_buf, 0), -XEN_EINVAL);

    // Frame 0: the one setup_table reports, mapped and written as libxc seeds it.
    XT_CHECK_RC(
        acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared, 0, 1), 0);
    const uint64_t frame0 = mfns[0];
    static uint64_t setup_mfn;
    gnttab_setup_table st{};
    st.dom = d;
    st.nr_frames = 1;
    st.frame_list.p = reinterpret_cast<uint64_t>(&setup_mfn);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_setup_table, xt::arg(&st), 1), 0);
    XT_CHECK_EQ(st.status, 0);
    XT_CHECK_EQ(frame0, setup_mfn);
    XT_CHECK_EQ(table_frames(d), 1);
    XT_CHECK_RC(memop::map_scratch(frame0), -XEN_EBUSY); // not ours: only as d's frame
    XT_CHECK_RC(map_foreign(frame0, d), 0);
    auto* entries = reinterpret_cast<volatile grant_entry_v1*>(memop::scratch);
    entries[GNTTAB_RESERVED_XENSTORE].domid = 0;
    entries[GNTTAB_RESERVED_XENSTORE].frame = 0x1234;
    entries[GNTTAB_RESERVED_XENSTORE].flags = GTF_permit_access;
    memop::unmap_scratch();
    XT_CHECK_RC(memop::map_scratch(frame0), -XEN_EBUSY);

    // Frames 2 and 3 grow the table to 4; frame 4 is past its limit.
    XT_CHECK_RC(
        acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared, 2, 2), 0);
    XT_CHECK_EQ(table_frames(d), 4);
    XT_CHECK(mfns[0] != frame0 && mfns[1] != frame0 && mfns[0] != mfns[1]);
    XT_CHECK_RC(
        acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared, 3, 2),
        -XEN_EINVAL);
    XT_CHECK_RC(
        acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared, 4, 1),
        -XEN_EINVAL);
    // A version 1 table has no status frames.
    XT_CHECK_RC(
        acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_status, 0, 1),
        -XEN_EINVAL);

    // Bad requests.
    XT_CHECK_RC(acquire(d, XENMEM_resource_grant_table, 0, 1ull << 32, 1), -XEN_EINVAL);
    XT_CHECK_RC(acquire(d, XENMEM_resource_grant_table, 0, 0xffffffffull, 1), -XEN_EINVAL);
    XT_CHECK_RC(acquire(d, 7, 0, 0, 1), -XEN_EOPNOTSUPP);
    XT_CHECK_RC(acquire(d, XENMEM_resource_ioreq_server, 0, 0, 1), -XEN_EINVAL);
    xen_mem_acquire_resource r = request(d, XENMEM_resource_grant_table, 0, 0, 1);
    r.pad = 1;
    XT_CHECK_RC(acquire(r), -XEN_EINVAL);
    r = request(d, XENMEM_resource_grant_table, 0, 0, 0);
    r.nr_frames = 1; // a count without a list
    XT_CHECK_RC(acquire(r), -XEN_EINVAL);
    r = request(d, XENMEM_resource_grant_table, 0, 0, 1);
    r.frame_list.p = 0x1000;
    XT_CHECK_RC(acquire(r), -XEN_EFAULT);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_memory_op, XENMEM_acquire_resource, 0x1000), -XEN_EFAULT);
    XT_CHECK_RC(acquire(0, XENMEM_resource_grant_table, 0, 0, 1), -XEN_EPERM);
    XT_CHECK_RC(acquire(DOMID_SELF, XENMEM_resource_grant_table, 0, 0, 1), -XEN_ESRCH);
    XT_CHECK_RC(acquire(4321, XENMEM_resource_grant_table, 0, 0, 1), -XEN_ESRCH);
    destroy(d);
    XT_CHECK_RC(acquire(d, XENMEM_resource_grant_table, 0, 0, 1), -XEN_ESRCH);
}

void check_v2_domain() {
    const domid_t d = create(2);
    // The domain itself switches to version 2; the control domain cannot do it for it,
    // so its status frames stay out of reach while it is version 1.
    XT_CHECK_RC(
        acquire(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_status, 0, 1),
        -XEN_EINVAL);
    XT_CHECK_EQ(size_of(d, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_status), 1);
    destroy(d);
}

} // namespace

void test_main() {
    check_v1_domain();
    check_v2_domain();
    xt::report_success();
}
