// HYPERVISOR_domctl: what a toolstack in the initial domain asks about and does to other
// domains, at Xen 4.17's interface version. Here: the checks every command shares and
// the one table from command to handler; the handlers live in the files of their concern
// (domctl.h).
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/domctl/domctl.h"
#include "public/errno.h"

namespace {

using namespace xen;
using domctl::Target;

struct Entry {
    unsigned cmd;
    Target target;
    domctl::Handler fn;
};

constexpr Entry kEntries[] = {
    {XEN_DOMCTL_destroydomain, Target::any, domctl::destroydomain},
    {XEN_DOMCTL_pausedomain, Target::live, domctl::pausedomain},
    {XEN_DOMCTL_unpausedomain, Target::live, domctl::unpausedomain},
    {XEN_DOMCTL_getdomaininfo, Target::none, domctl::getdomaininfo},
    {XEN_DOMCTL_max_mem, Target::live, domctl::max_mem},
    {XEN_DOMCTL_createdomain, Target::none, domctl::createdomain},
    {XEN_DOMCTL_max_vcpus, Target::live, domctl::max_vcpus},
    {XEN_DOMCTL_setdomainhandle, Target::live, domctl::setdomainhandle},
    {XEN_DOMCTL_setvcpucontext, Target::live, domctl::setvcpucontext},
    {XEN_DOMCTL_getvcpucontext, Target::live, domctl::getvcpucontext},
    {XEN_DOMCTL_set_address_size, Target::live, domctl::set_address_size},
    {XEN_DOMCTL_get_address_size, Target::live, domctl::get_address_size},
    {XEN_DOMCTL_hypercall_init, Target::live, domctl::hypercall_init},
    {XEN_DOMCTL_settimeoffset, Target::live, domctl::settimeoffset},
    {XEN_DOMCTL_settscinfo, Target::live, domctl::settscinfo},
    {XEN_DOMCTL_gettscinfo, Target::live, domctl::gettscinfo},
    {XEN_DOMCTL_getpageframeinfo3, Target::live, domctl::getpageframeinfo3},
    {XEN_DOMCTL_shadow_op, Target::any, domctl::shadow_op},
    {XEN_DOMCTL_getvcpuinfo, Target::any, domctl::getvcpuinfo},
    {XEN_DOMCTL_setvcpuaffinity, Target::any, domctl::vcpuaffinity},
    {XEN_DOMCTL_getvcpuaffinity, Target::any, domctl::vcpuaffinity},
    {XEN_DOMCTL_scheduler_op, Target::any, domctl::scheduler_op},
    {XEN_DOMCTL_setnodeaffinity, Target::any, domctl::nodeaffinity},
    {XEN_DOMCTL_getnodeaffinity, Target::any, domctl::nodeaffinity},
    {XEN_DOMCTL_get_cpu_policy, Target::live, domctl::get_cpu_policy},
    {XEN_DOMCTL_set_cpu_policy, Target::live, domctl::set_cpu_policy},
};

// Commands are small numbers (the gdbsx ones from 1000 are not served): index them.
constexpr unsigned kTableSize = 128;

struct Table {
    const Entry* entry[kTableSize];
};

constexpr Table build_table() {
    Table t{};
    for (const Entry& e : kEntries)
        t.entry[e.cmd] = &e;
    return t;
}

constexpr Table kTable = build_table();

} // namespace

// Xen 4.17's order: the argument (-EFAULT), its interface version (-EACCES), the target
// domain (-ESRCH: ids are exact, DOMID_SELF names nobody), then the caller's right
// (-EPERM: the control domain only, with the default XSM policy); an unknown command is
// -ENOSYS after all of these. A handler that set copyback has op written back whatever
// it answered.
long do_domctl(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t) {
    Domain& self = *current_vcpu()->domain;
    xen_domctl op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    const Entry* e = op.cmd < kTableSize ? kTable.entry[op.cmd] : nullptr;
    Target target = e ? e->target : Target::any;
    domctl::Call call{op, self, nullptr, false};
    if (target != Target::none) {
        call.target =
            target == Target::live ? domain_lookup(op.domain) : domain_lookup_any(op.domain);
        if (!call.target)
            return -XEN_ESRCH;
    }
    if (!self.privileged)
        return -XEN_EPERM;
    if (!e)
        return -XEN_ENOSYS;
    long rc = e->fn(call);
    if (call.copyback && arch::copy_to_guest(arg, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}
