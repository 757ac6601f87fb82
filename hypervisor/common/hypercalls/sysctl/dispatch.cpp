// HYPERVISOR_sysctl: what a privileged toolstack asks about the whole machine, at Xen
// 4.17's interface version. Here: the checks every command shares and the one table from
// command to handler; the handlers live in the files of their concern (sysctl.h).
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/sysctl/sysctl.h"
#include "lib/spinlock.h"
#include "public/errno.h"

namespace {

using namespace xen;

struct Entry {
    unsigned cmd;
    sysctl::Handler fn;
};

constexpr Entry kEntries[] = {
    {XEN_SYSCTL_readconsole, sysctl::readconsole},
    {XEN_SYSCTL_physinfo, sysctl::physinfo},
    {XEN_SYSCTL_sched_id, sysctl::sched_id},
    {XEN_SYSCTL_getdomaininfolist, sysctl::getdomaininfolist},
    {XEN_SYSCTL_debug_keys, sysctl::debug_keys},
    {XEN_SYSCTL_getcpuinfo, sysctl::getcpuinfo},
    {XEN_SYSCTL_cputopoinfo, sysctl::cputopoinfo},
    {XEN_SYSCTL_numainfo, sysctl::numainfo},
    {XEN_SYSCTL_cpupool_op, sysctl::cpupool_op},
    {XEN_SYSCTL_scheduler_op, sysctl::scheduler_op},
    {XEN_SYSCTL_get_cpu_featureset, sysctl::get_cpu_featureset},
    {XEN_SYSCTL_get_cpu_policy, sysctl::get_cpu_policy},
};

constexpr unsigned kTableSize = 64;

struct Table {
    sysctl::Handler fn[kTableSize];
};

constexpr Table build_table() {
    Table t{};
    for (const Entry& e : kEntries)
        t.fn[e.cmd] = e.fn;
    return t;
}

constexpr Table kTable = build_table();

constinit lib::SpinLock sysctl_lock;

} // namespace

// Xen 4.17's order: the argument (-EFAULT), its interface version (-EACCES), the
// caller's right (-EPERM: the control domain only), then the command (-ENOSYS if
// unknown). Calls are serialised, as by Xen's sysctl lock.
long do_sysctl(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t) {
    Domain& self = *current_vcpu()->domain;
    xen_sysctl op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (!self.privileged)
        return -XEN_EPERM;
    sysctl::Handler fn = op.cmd < kTableSize ? kTable.fn[op.cmd] : nullptr;
    if (!fn)
        return -XEN_ENOSYS;
    sysctl::Call call{op, self, true, arg};
    long rc;
    {
        lib::LockGuard guard(sysctl_lock);
        rc = fn(call);
    }
    if (rc == 0 && call.copyback && arch::copy_to_guest(arg, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}
