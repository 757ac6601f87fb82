// What `xl vcpu-list` and `xl vcpu-pin` use, on dom0's own vCPUs (2 CPUs, dom0 with vCPU 0
// online): XEN_DOMCTL_getvcpuinfo of vCPU 0 is online and running on a CPU with a running
// time that grows; a vCPU past max_vcpu_id -EINVAL. getvcpuaffinity: both masks hold
// every CPU (bits past Xen's CPUs zeroed in the caller's buffer). setvcpuaffinity: hard
// {1} comes back {1} and is read back so; soft {0} with hard {1} comes back empty (the
// effective mask) but reads back {0}; a hard mask without an online CPU (empty, or only
// CPUs past the machine's) -EINVAL; no flags or a null map -EINVAL; an unreadable map
// -EFAULT; no such domain -ESRCH. XEN_DOMCTL_getnodeaffinity: node 0 (the nodes of the
// domain's CPUs); set {0,2} reads back {0,2}, a mask without the online node -EINVAL,
// every node (64) automatic again: {0}.
#include "toolstack_util.h"

static uint8_t hard[8], soft[8];

static long affinity(uint32_t cmd, uint32_t vcpu, uint32_t flags) {
    auto& a = ts::domctl_init(cmd, 0).u.vcpuaffinity;
    a.vcpu = vcpu;
    a.flags = flags;
    a.cpumap_hard = ts::bitmap(hard, 64);
    a.cpumap_soft = ts::bitmap(soft, 64);
    return ts::domctl();
}

static long get_affinity() {
    memset(hard, 0xee, sizeof hard);
    memset(soft, 0xee, sizeof soft);
    return affinity(xen::XEN_DOMCTL_getvcpuaffinity, 0,
                    xen::XEN_VCPUAFFINITY_HARD | xen::XEN_VCPUAFFINITY_SOFT);
}

// Reads vCPU 0's hard and soft maps and checks their first byte (a macro: failures name
// the caller's line).
#define CHECK_AFFINITY(want_hard, want_soft)                                                       \
    do {                                                                                           \
        XT_CHECK_RC(get_affinity(), 0);                                                            \
        XT_CHECK_EQ(hard[0], want_hard);                                                           \
        XT_CHECK_EQ(soft[0], want_soft);                                                           \
    } while (0)

static void set_map(uint8_t* m, uint8_t first) {
    memset(m, 0, 8);
    m[0] = first;
}

void test_main() {
    using namespace xen;
    ts::domctl_init(XEN_DOMCTL_getdomaininfo, 0);
    XT_CHECK_RC(ts::domctl(), 0);
    const uint32_t max_id = ts::dc.u.getdomaininfo.max_vcpu_id;

    auto& vi = ts::domctl_init(XEN_DOMCTL_getvcpuinfo, 0).u.getvcpuinfo;
    vi.vcpu = 0;
    XT_CHECK_RC(ts::domctl(), 0);
    const xen_domctl_getvcpuinfo first = ts::dc.u.getvcpuinfo;
    xt::printf("vcpu0: online %u blocked %u running %u cpu %u time %lu (max id %u)\n", first.online,
               first.blocked, first.running, first.cpu, first.cpu_time, max_id);
    XT_CHECK_EQ(first.online, 1);
    XT_CHECK_EQ(first.blocked, 0);
    XT_CHECK_EQ(first.running, 1);
    XT_CHECK(first.cpu < 2);
    XT_CHECK(first.cpu_time > 0);
    for (int i = 0; i < 1000000; i++)
        asm volatile("" ::: "memory");
    ts::domctl_init(XEN_DOMCTL_getvcpuinfo, 0).u.getvcpuinfo.vcpu = 0;
    XT_CHECK_RC(ts::domctl(), 0);
    XT_CHECK(ts::dc.u.getvcpuinfo.cpu_time > first.cpu_time);
    ts::domctl_init(XEN_DOMCTL_getvcpuinfo, 0).u.getvcpuinfo.vcpu = max_id + 1;
    XT_CHECK_RC(ts::domctl(), -XEN_EINVAL);
    ts::domctl_init(XEN_DOMCTL_getvcpuinfo, 9).u.getvcpuinfo.vcpu = 0;
    XT_CHECK_RC(ts::domctl(), -XEN_ESRCH);

    CHECK_AFFINITY(0x03, 0x03);
    for (unsigned i = 1; i < 8; i++) {
        XT_CHECK_EQ(hard[i], 0);
        XT_CHECK_EQ(soft[i], 0);
    }

    set_map(hard, 0x02);
    XT_CHECK_RC(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD), 0);
    XT_CHECK_EQ(hard[0], 0x02);
    CHECK_AFFINITY(0x02, 0x03);
    set_map(soft, 0x01);
    XT_CHECK_RC(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_SOFT), 0);
    XT_CHECK_EQ(soft[0], 0x00);
    CHECK_AFFINITY(0x02, 0x01);

    set_map(hard, 0x00);
    XT_CHECK_RC(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD), -XEN_EINVAL);
    set_map(hard, 0x00);
    hard[1] = 0xff; // CPUs 8-15: none exists
    XT_CHECK_RC(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD), -XEN_EINVAL);
    XT_CHECK_RC(affinity(XEN_DOMCTL_setvcpuaffinity, 0, 0), -XEN_EINVAL);
    XT_CHECK_RC(affinity(XEN_DOMCTL_getvcpuaffinity, 0, 0), -XEN_EINVAL);
    XT_CHECK_RC(affinity(XEN_DOMCTL_getvcpuaffinity, max_id + 1, XEN_VCPUAFFINITY_HARD),
                -XEN_EINVAL);
    auto& nul = ts::domctl_init(XEN_DOMCTL_getvcpuaffinity, 0).u.vcpuaffinity;
    nul.flags = XEN_VCPUAFFINITY_SOFT;
    nul.cpumap_soft.nr_bits = 64;
    XT_CHECK_RC(ts::domctl(), -XEN_EINVAL);
    auto& bad = ts::domctl_init(XEN_DOMCTL_setvcpuaffinity, 0).u.vcpuaffinity;
    bad.flags = XEN_VCPUAFFINITY_HARD;
    bad.cpumap_hard = {{ts::kBadVa}, 64};
    XT_CHECK_RC(ts::domctl(), -XEN_EFAULT);
    ts::domctl_init(XEN_DOMCTL_getvcpuaffinity, 9).u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    XT_CHECK_RC(ts::domctl(), -XEN_ESRCH);

    set_map(hard, 0x03);
    set_map(soft, 0x03);
    XT_CHECK_RC(
        affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT), 0);
    CHECK_AFFINITY(0x03, 0x03);

    uint8_t nodes[8];
    auto node_op = [&](uint32_t cmd) {
        ts::domctl_init(cmd, 0).u.nodeaffinity.nodemap = ts::bitmap(nodes, 64);
        return ts::domctl();
    };
    memset(nodes, 0xee, sizeof nodes);
    XT_CHECK_RC(node_op(XEN_DOMCTL_getnodeaffinity), 0);
    XT_CHECK_EQ(nodes[0], 0x01);
    XT_CHECK_EQ(nodes[7], 0);
    set_map(nodes, 0x05);
    XT_CHECK_RC(node_op(XEN_DOMCTL_setnodeaffinity), 0);
    memset(nodes, 0, sizeof nodes);
    XT_CHECK_RC(node_op(XEN_DOMCTL_getnodeaffinity), 0);
    XT_CHECK_EQ(nodes[0], 0x05);
    set_map(nodes, 0x02);
    XT_CHECK_RC(node_op(XEN_DOMCTL_setnodeaffinity), -XEN_EINVAL);
    memset(nodes, 0xff, sizeof nodes);
    XT_CHECK_RC(node_op(XEN_DOMCTL_setnodeaffinity), 0);
    XT_CHECK_RC(node_op(XEN_DOMCTL_getnodeaffinity), 0);
    XT_CHECK_EQ(nodes[0], 0x01);
    xt::report_success();
}
