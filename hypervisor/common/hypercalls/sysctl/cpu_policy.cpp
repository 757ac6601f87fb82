// The sysctls libxc's xc_cpuid_apply_policy and xc_cpu_policy_* start from: a system
// featureset (XEN_SYSCTL_get_cpu_featureset) and a system policy as leaves and MSRs
// (XEN_SYSCTL_get_cpu_policy), with Xen 4.17's sizes, errors and partial write-backs.
#include <stddef.h>

#include "arch/cpu_policy.h"
#include "arch/guest_access.h"
#include "common/hypercalls/sysctl/sysctl.h"
#include "public/errno.h"

namespace {

using namespace xen;

// Writes one field of the caller's op back (Xen's __copy_field_to_guest).
template <typename T> int put_field(const sysctl::Call& c, const T& field) {
    size_t at = reinterpret_cast<const uint8_t*>(&field) - reinterpret_cast<const uint8_t*>(&c.op);
    return arch::copy_to_guest(c.arg + at, &field, sizeof(field));
}

// XEN_SYSCTL_cpu_featureset_* to policy (its numbering is not the policies').
const arch::CpuPolicy* featureset_policy(uint32_t index) {
    switch (index) {
    case XEN_SYSCTL_cpu_featureset_raw:
        return arch::cpu_policy_system(XEN_SYSCTL_cpu_policy_raw);
    case XEN_SYSCTL_cpu_featureset_host:
        return arch::cpu_policy_system(XEN_SYSCTL_cpu_policy_host);
    case XEN_SYSCTL_cpu_featureset_pv:
        return arch::cpu_policy_system(XEN_SYSCTL_cpu_policy_pv_default);
    case XEN_SYSCTL_cpu_featureset_pv_max:
        return arch::cpu_policy_system(XEN_SYSCTL_cpu_policy_pv_max);
    default:
        return nullptr; // HVM: not supported
    }
}

} // namespace

namespace sysctl {

// As Xen: a null buffer asks for the number of words; otherwise up to nr_features words
// are written and nr_features says how many, -ENOBUFS when that was not all of them.
long get_cpu_featureset(Call& c) {
    xen_sysctl_cpu_featureset& f = c.op.u.cpu_featureset;
    c.copyback = false;
    if (!f.features.p) {
        f.nr_features = arch::kFeatureWords;
        return put_field(c, f.nr_features) ? -XEN_EFAULT : 0;
    }
    uint32_t nr = f.nr_features < arch::kFeatureWords ? f.nr_features : arch::kFeatureWords;
    long rc = 0;
    const arch::CpuPolicy* p = featureset_policy(f.index);
    if (f.index > XEN_SYSCTL_cpu_featureset_hvm_max)
        rc = -XEN_EINVAL;
    else if (!p)
        rc = -XEN_EOPNOTSUPP;
    if (!rc) {
        uint32_t fs[arch::kFeatureWords];
        arch::cpu_policy_featureset(*p, fs);
        if (arch::copy_to_guest(f.features.p, fs, nr * sizeof(uint32_t)))
            rc = -XEN_EFAULT;
    }
    f.nr_features = nr;
    if (!rc && put_field(c, f.nr_features))
        rc = -XEN_EFAULT;
    if (!rc && nr < arch::kFeatureWords)
        rc = -XEN_ENOBUFS;
    return rc;
}

// As Xen: a null leaves (msrs) buffer asks for the most a policy serialises to; each
// count is written back once its part is done, so an -ENOBUFS for the MSRs leaves
// nr_leaves written and nr_msrs as it was.
long get_cpu_policy(Call& c) {
    xen_sysctl_cpu_policy& q = c.op.u.cpu_policy;
    c.copyback = false;
    if (q._rsvd || q.index > XEN_SYSCTL_cpu_policy_hvm_default)
        return -XEN_EINVAL;
    const arch::CpuPolicy* p = arch::cpu_policy_system(q.index);
    if (!p)
        return -XEN_EOPNOTSUPP;
    if (!q.leaves.p)
        q.nr_leaves = arch::kCpuidMaxSerialised;
    else if (int rc = arch::cpu_policy_leaves_to_guest(*p, q.leaves.p, q.nr_leaves))
        return rc;
    if (put_field(c, q.nr_leaves))
        return -XEN_EFAULT;
    if (!q.msrs.p)
        q.nr_msrs = arch::kMsrMaxSerialised;
    else if (int rc = arch::cpu_policy_msrs_to_guest(*p, q.msrs.p, q.nr_msrs))
        return rc;
    return put_field(c, q.nr_msrs) ? -XEN_EFAULT : 0;
}

} // namespace sysctl
