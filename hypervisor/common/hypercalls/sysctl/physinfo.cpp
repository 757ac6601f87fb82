// The sysctls that describe the machine: its CPUs and memory.
#include "arch/percpu.h"
#include "arch/time.h"
#include "common/hypercalls/sysctl/sysctl.h"
#include "common/memory/buddy.h"
#include "lib/string.h"

namespace sysctl {

using namespace xen;

long physinfo(Call& c) {
    xen_sysctl_physinfo& p = c.op.u.physinfo;
    memset(&p, 0, sizeof(p));
    p.threads_per_core = 1;
    p.cores_per_socket = arch::cpus_online();
    p.nr_cpus = arch::cpus_online();
    p.max_cpu_id = arch::cpus_possible() ? arch::cpus_possible() - 1 : 0;
    p.nr_nodes = 1;
    p.max_node_id = 0;
    p.cpu_khz = static_cast<uint32_t>(arch::tsc_khz());
    p.capabilities = XEN_SYSCTL_PHYSCAP_pv;
    p.total_pages = memory::buddy().total_pages();
    p.free_pages = memory::buddy().free_pages();
    p.max_mfn = memory::frame_table().frame_count() - 1;
    c.copyback = true;
    return 0;
}

} // namespace sysctl
