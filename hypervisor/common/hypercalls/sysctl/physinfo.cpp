// The sysctls that describe the machine: its CPUs, their topology and idle time, and
// its memory as one NUMA node.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/topology.h"
#include "common/bootinfo.h"
#include "common/grant_table.h"
#include "common/hypercalls/cpumap.h"
#include "common/hypercalls/sysctl/sysctl.h"
#include "common/memory/buddy.h"
#include "common/sched/sched.h"
#include "lib/string.h"
#include "public/errno.h"

namespace arch {
const BootInfo& boot_information(); // arch/x86/setup.cpp
}

namespace {

using namespace xen;

// Xen's MAX_NUMNODES (CONFIG_NR_NUMA_NODES, 64 in Debian's build): physinfo's
// max_node_id is the highest node id possible, not the highest present.
constexpr uint32_t kMaxNumaNodes = 64;
// Xen's distances without an ACPI SLIT.
constexpr uint32_t kLocalDistance = 10;

bool cpu_present(unsigned cpu) {
    return arch::cpu(cpu) != nullptr;
}
bool cpu_online(unsigned cpu) {
    return arch::cpu(cpu) && arch::cpu(cpu)->online;
}

// Xen's: the online siblings of CPU 0, and its socket's online CPUs per thread count.
void count_topology(uint32_t& threads, uint32_t& cores) {
    arch::CpuTopology boot = arch::cpu_topology(0);
    unsigned same_core = 0, same_socket = 0;
    for (unsigned cpu = 0; cpu < hc::cpumap_width(); cpu++) {
        if (!cpu_online(cpu))
            continue;
        arch::CpuTopology t = arch::cpu_topology(cpu);
        same_socket += t.socket == boot.socket;
        same_core += t.socket == boot.socket && t.core == boot.core;
    }
    threads = same_core ? same_core : 1;
    cores = same_socket / threads ? same_socket / threads : 1;
}

// Xen's total_pages: every page of RAM the firmware's map lists, the hypervisor's own
// included.
uint64_t ram_pages() {
    const BootInfo& info = arch::boot_information();
    uint64_t pages = 0;
    for (size_t i = 0; i < info.memory_count; i++) {
        const auto& m = info.memory[i];
        if (m.type != kMemoryRam)
            continue;
        uint64_t first = (m.base + 4095) / 4096, end = (m.base + m.length) / 4096;
        pages += end > first ? end - first : 0;
    }
    return pages;
}

// The feature bits Xen 4.17 knows in the first eight words of its featureset (CPUID 1
// edx, ecx, 0x80000001 edx, ecx, 0xd:1 eax, 7:0 ebx, ecx, 0x80000007 edx), from its
// public cpufeatureset.h. Xen's boot CPU capabilities are the hardware's masked by
// these (0x80000001 edx drops the bits AMD copies from leaf 1).
constexpr uint32_t kKnownFeatures[8] = {0xbfebfbff, 0xfffef3ff, 0xee500800, 0x2469bfff,
                                        0x0000000f, 0xffbfffff, 0x3a405fdf, 0x00000780};
constexpr uint32_t kFeatureSep = 1u << 11;     // word 0
constexpr uint32_t kFeatureOsxsave = 1u << 27; // word 1

// physinfo's hw_cap as Xen fills it from its boot CPU: OSXSAVE clear (sampled before
// Xen enables XSAVE), SEP clear on AMD (no SYSENTER in long mode).
void host_features(uint32_t* words) {
    arch::CpuidResult v = arch::cpuid(0);
    bool amd = v.ebx == 0x68747541 /* "Auth" */ || v.ebx == 0x6f677948 /* "Hygo" */;
    arch::CpuidResult l1 = arch::cpuid(1), l7{}, e1{}, e7{}, d1{};
    if (v.eax >= 7)
        l7 = arch::cpuid(7, 0);
    if (v.eax >= 0xd)
        d1 = arch::cpuid(0xd, 1);
    uint32_t max_ext = arch::cpuid(0x80000000).eax;
    if (max_ext >= 0x80000001)
        e1 = arch::cpuid(0x80000001);
    if (max_ext >= 0x80000007)
        e7 = arch::cpuid(0x80000007);
    uint32_t raw[8] = {l1.edx, l1.ecx, e1.edx, e1.ecx, d1.eax, l7.ebx, l7.ecx, e7.edx};
    for (unsigned i = 0; i < 8; i++)
        words[i] = raw[i] & kKnownFeatures[i];
    words[1] &= ~kFeatureOsxsave;
    if (amd)
        words[0] &= ~kFeatureSep;
}

// The whole of RAM as node 0: what Xen's single node spans (up to the highest frame)
// and what the heap has free.
uint64_t node_span_pages() {
    return memory::frame_table().frame_count();
}

} // namespace

namespace sysctl {

long physinfo(Call& c) {
    xen_sysctl_physinfo& p = c.op.u.physinfo;
    memset(&p, 0, sizeof(p));
    count_topology(p.threads_per_core, p.cores_per_socket);
    p.nr_cpus = arch::cpus_online();
    p.max_cpu_id = hc::cpumap_width() - 1;
    p.nr_nodes = 1;
    p.max_node_id = kMaxNumaNodes - 1;
    p.cpu_khz = static_cast<uint32_t>(arch::tsc_khz());
    // libxl asks createdomain for the highest grant version reported here.
    p.capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                     (gnttab::kMaxVersion >= 2 ? XEN_SYSCTL_PHYSCAP_gnttab_v2 : 0);
    p.total_pages = ram_pages();
    p.free_pages = memory::buddy().free_pages();
    p.outstanding_pages = domain_outstanding_claims();
    p.max_mfn = memory::frame_table().frame_count() - 1;
    host_features(p.hw_cap);
    return 0;
}

// As Xen: every present CPU up to the caller's num_cpus; with a null handle only the
// count of CPUs there are. num_cpus comes back when it changed.
long cputopoinfo(Call& c) {
    xen_sysctl_cputopoinfo& ti = c.op.u.cputopoinfo;
    unsigned n = 0;
    for (unsigned cpu = 0; cpu < hc::cpumap_width(); cpu++)
        if (cpu_present(cpu))
            n = cpu + 1;
    if (ti.cputopo.p) {
        if (n > ti.num_cpus)
            n = ti.num_cpus;
        for (unsigned cpu = 0; cpu < n; cpu++) {
            xen_sysctl_cputopo t{XEN_INVALID_CORE_ID, XEN_INVALID_SOCKET_ID, XEN_INVALID_NODE_ID};
            if (cpu_present(cpu)) {
                arch::CpuTopology topo = arch::cpu_topology(cpu);
                t = {topo.core, topo.socket, 0};
            }
            if (arch::copy_to_guest(ti.cputopo.p + uint64_t(cpu) * sizeof(t), &t, sizeof(t)))
                return -XEN_EFAULT;
        }
    }
    ti.num_cpus = n;
    return 0;
}

long numainfo(Call& c) {
    xen_sysctl_numainfo& ni = c.op.u.numainfo;
    unsigned n = 1;
    if (ni.meminfo.p || ni.distance.p) {
        if (n > ni.num_nodes)
            n = ni.num_nodes;
        for (unsigned node = 0; node < n; node++) {
            if (ni.meminfo.p) {
                xen_sysctl_meminfo m{node_span_pages() << 12, memory::buddy().free_pages() << 12};
                if (arch::copy_to_guest(ni.meminfo.p + node * sizeof(m), &m, sizeof(m)))
                    return -XEN_EFAULT;
            }
            if (ni.distance.p) {
                uint32_t d = kLocalDistance;
                if (arch::copy_to_guest(ni.distance.p + node * n * sizeof(d), &d, sizeof(d)))
                    return -XEN_EFAULT;
            }
        }
    }
    ni.num_nodes = n;
    return 0;
}

// Each CPU's idle time, for the first max_cpus of Xen's nr_cpu_ids.
long getcpuinfo(Call& c) {
    xen_sysctl_getcpuinfo& gi = c.op.u.getcpuinfo;
    unsigned n = hc::cpumap_width();
    if (n > gi.max_cpus)
        n = gi.max_cpus;
    for (unsigned cpu = 0; cpu < n; cpu++) {
        xen_sysctl_cpuinfo info{sched_idle_time(cpu)};
        if (arch::copy_to_guest(gi.info.p + uint64_t(cpu) * sizeof(info), &info, sizeof(info)))
            return -XEN_EFAULT;
    }
    gi.nr_cpus = n;
    return 0;
}

} // namespace sysctl
