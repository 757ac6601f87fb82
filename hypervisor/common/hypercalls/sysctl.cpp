// HYPERVISOR_sysctl: what a privileged toolstack asks about the whole machine, at Xen
// 4.17's interface version.
#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/memory/buddy.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/sysctl.h"

namespace {

using namespace xen;

void fill_physinfo(xen_sysctl_physinfo& p) {
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
}

} // namespace

long do_sysctl(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t) {
    if (!current_vcpu()->domain->privileged)
        return -XEN_EPERM;
    xen_sysctl op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        fill_physinfo(op.u.physinfo);
        return arch::copy_to_guest(arg, &op, sizeof(op)) ? -XEN_EFAULT : 0;
    default:
        return -XEN_ENOSYS;
    }
}
