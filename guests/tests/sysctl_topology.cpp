// The machine as `xl info -n` shows it (QEMU -smp 2, no NUMA tables): physinfo's CPU
// counts agree with XEN_SYSCTL_cputopoinfo (2 CPUs, node 0, threads_per_core CPUs per
// core and cores_per_socket cores per socket on CPU 0's socket), 1 node of 64 possible;
// numainfo: one node spanning at least total_pages with free memory, its distance to
// itself 10; with null handles only the counts; a caller's smaller array is filled as
// far as it goes. XEN_SYSCTL_getcpuinfo: idle time for each of the 2 CPUs, growing on
// the one this vCPU is not on. Unwritable buffers -EFAULT.
#include "toolstack_util.h"

static xen::xen_sysctl_cputopo topo[4];
static xen::xen_sysctl_meminfo mem[2];
static uint32_t dist[4];
static xen::xen_sysctl_cpuinfo cpus[4];

static long cputopo(uint32_t n, uint64_t buf) {
    auto& t = ts::sysctl_init(xen::XEN_SYSCTL_cputopoinfo).u.cputopoinfo;
    t.num_cpus = n;
    t.cputopo.p = buf;
    return ts::sysctl();
}

static long cpuinfo(uint32_t n, uint64_t buf) {
    auto& g = ts::sysctl_init(xen::XEN_SYSCTL_getcpuinfo).u.getcpuinfo;
    g.max_cpus = n;
    g.info.p = buf;
    return ts::sysctl();
}

void test_main() {
    using namespace xen;
    ts::sysctl_init(XEN_SYSCTL_physinfo);
    XT_CHECK_RC(ts::sysctl(), 0);
    const xen_sysctl_physinfo p = ts::sc.u.physinfo;
    xt::printf("threads/core %u cores/socket %u cpus %u max id %u nodes %u max node %u caps %#x\n",
               p.threads_per_core, p.cores_per_socket, p.nr_cpus, p.max_cpu_id, p.nr_nodes,
               p.max_node_id, p.capabilities);
    XT_CHECK_EQ(p.nr_cpus, 2);
    XT_CHECK_EQ(p.max_cpu_id, 1);
    XT_CHECK_EQ(p.nr_nodes, 1);
    XT_CHECK_EQ(p.max_node_id, 63);
    XT_CHECK(p.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1);
    XT_CHECK(p.hw_cap[0] & (1u << 0));  // CPUID 1 edx: FPU
    XT_CHECK(p.hw_cap[2] & (1u << 29)); // 0x80000001 edx: long mode

    XT_CHECK_RC(cputopo(0, 0), 0);
    XT_CHECK_EQ(ts::sc.u.cputopoinfo.num_cpus, 2);
    memset(topo, 0xab, sizeof topo);
    XT_CHECK_RC(cputopo(4, reinterpret_cast<uint64_t>(topo)), 0);
    XT_CHECK_EQ(ts::sc.u.cputopoinfo.num_cpus, 2);
    unsigned same_socket = 0, same_core = 0;
    for (unsigned i = 0; i < 2; i++) {
        xt::printf("cpu%u: core %u socket %u node %u\n", i, topo[i].core, topo[i].socket,
                   topo[i].node);
        XT_CHECK_EQ(topo[i].node, 0);
        same_socket += topo[i].socket == topo[0].socket;
        same_core += topo[i].socket == topo[0].socket && topo[i].core == topo[0].core;
    }
    XT_CHECK_EQ(same_core, p.threads_per_core);
    XT_CHECK_EQ(same_socket, p.threads_per_core * p.cores_per_socket);
    XT_CHECK_EQ(topo[2].core, 0xabababab); // past the CPUs: untouched
    XT_CHECK_RC(cputopo(1, reinterpret_cast<uint64_t>(topo)), 0);
    XT_CHECK_EQ(ts::sc.u.cputopoinfo.num_cpus, 1);
    XT_CHECK_RC(cputopo(2, ts::kBadVa), -XEN_EFAULT);

    auto& n = ts::sysctl_init(XEN_SYSCTL_numainfo).u.numainfo;
    n.num_nodes = 0;
    XT_CHECK_RC(ts::sysctl(), 0);
    XT_CHECK_EQ(ts::sc.u.numainfo.num_nodes, 1);
    auto& m = ts::sysctl_init(XEN_SYSCTL_numainfo).u.numainfo;
    m.num_nodes = 2;
    m.meminfo.p = reinterpret_cast<uint64_t>(mem);
    m.distance.p = reinterpret_cast<uint64_t>(dist);
    XT_CHECK_RC(ts::sysctl(), 0);
    XT_CHECK_EQ(ts::sc.u.numainfo.num_nodes, 1);
    xt::printf("node0: memsize %lu memfree %lu distance %u\n", mem[0].memsize, mem[0].memfree,
               dist[0]);
    XT_CHECK(mem[0].memsize >= p.total_pages * 4096);
    XT_CHECK(mem[0].memfree > 0 && mem[0].memfree <= mem[0].memsize);
    XT_CHECK_EQ(dist[0], 10);
    auto& bn = ts::sysctl_init(XEN_SYSCTL_numainfo).u.numainfo;
    bn.num_nodes = 1;
    bn.meminfo.p = ts::kBadVa;
    XT_CHECK_RC(ts::sysctl(), -XEN_EFAULT);

    XT_CHECK_RC(cpuinfo(4, reinterpret_cast<uint64_t>(cpus)), 0);
    XT_CHECK_EQ(ts::sc.u.getcpuinfo.nr_cpus, 2);
    const uint64_t idle0 = cpus[0].idletime, idle1 = cpus[1].idletime;
    xt::printf("idle: cpu0 %lu cpu1 %lu\n", idle0, idle1);
    xt::sleep_ns(20'000'000);
    XT_CHECK_RC(cpuinfo(1, reinterpret_cast<uint64_t>(cpus)), 0);
    XT_CHECK_EQ(ts::sc.u.getcpuinfo.nr_cpus, 1);
    XT_CHECK_RC(cpuinfo(2, reinterpret_cast<uint64_t>(cpus)), 0);
    XT_CHECK(cpus[0].idletime + cpus[1].idletime > idle0 + idle1);
    XT_CHECK_RC(cpuinfo(2, ts::kBadVa), -XEN_EFAULT);
    xt::report_success();
}
