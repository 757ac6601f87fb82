// HYPERVISOR_sysctl: what a privileged toolstack asks about the whole machine, at Xen
// 4.17's interface version. Here: the checks every command shares and the one table from
// command to handler; the handlers live in the files of their concern (sysctl.h).
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/sysctl/sysctl.h"
#include "public/errno.h"

namespace {

using namespace xen;

struct Entry {
    unsigned cmd;
    sysctl::Handler fn;
};

constexpr Entry kEntries[] = {
    {XEN_SYSCTL_physinfo, sysctl::physinfo},
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

} // namespace

long do_sysctl(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t) {
    Domain& self = *current_vcpu()->domain;
    if (!self.privileged)
        return -XEN_EPERM;
    xen_sysctl op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    sysctl::Handler fn = op.cmd < kTableSize ? kTable.fn[op.cmd] : nullptr;
    if (!fn)
        return -XEN_ENOSYS;
    sysctl::Call call{op, self, false};
    long rc = fn(call);
    if (rc == 0 && call.copyback && arch::copy_to_guest(arg, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}
