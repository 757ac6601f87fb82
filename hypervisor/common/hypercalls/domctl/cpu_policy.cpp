// The CPUID and MSR policy of a domain, as libxc reads and sets it while building one
// (xc_cpuid_apply_policy): Xen 4.17's XEN_DOMCTL_get_cpu_policy and set_cpu_policy.
#include "arch/cpu_policy.h"
#include "common/hypercalls/domctl/domctl.h"
#include "public/errno.h"

namespace domctl {

using namespace xen;

// As Xen: a null buffer asks for the most a policy serialises to; -ENOBUFS (nothing
// written back) when a buffer is too small.
long get_cpu_policy(Call& c) {
    xen_domctl_cpu_policy& q = c.op.u.cpu_policy;
    const arch::CpuPolicy& p = arch::cpu_policy_of(*c.target);
    if (!q.leaves.p)
        q.nr_leaves = arch::kCpuidMaxSerialised;
    else if (int rc = arch::cpu_policy_leaves_to_guest(p, q.leaves.p, q.nr_leaves))
        return rc;
    if (!q.msrs.p)
        q.nr_msrs = arch::kMsrMaxSerialised;
    else if (int rc = arch::cpu_policy_msrs_to_guest(p, q.msrs.p, q.nr_msrs))
        return rc;
    c.copyback = true;
    return 0;
}

// As Xen: not the caller's own domain (-EINVAL), not once it has run (-EEXIST); a
// refused policy writes err_leaf/err_subleaf/err_msr back.
long set_cpu_policy(Call& c) {
    xen_domctl_cpu_policy& q = c.op.u.cpu_policy;
    if (c.target == &c.self)
        return -XEN_EINVAL;
    if (c.target->creation_finished)
        return -XEN_EEXIST;
    arch::CpuPolicyErrors err;
    int rc = arch::cpu_policy_set(*c.target, q.leaves.p, q.nr_leaves, q.msrs.p, q.nr_msrs, err);
    if (rc) {
        q.err_leaf = err.leaf;
        q.err_subleaf = err.subleaf;
        q.err_msr = err.msr;
        c.copyback = true;
    }
    return rc;
}

} // namespace domctl
