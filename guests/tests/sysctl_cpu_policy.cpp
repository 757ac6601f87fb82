// The system CPU policies as libxc reads them (xc_get_cpu_featureset,
// xc_cpu_policy_get_size, xc_cpu_policy_get_system), with Xen 4.17's answers:
//   - XEN_SYSCTL_get_cpu_featureset: a null buffer asks for the size (19 words); a short
//     buffer gets its words and -ENOBUFS; an unknown index -EINVAL, the HVM sets
//     -EOPNOTSUPP where HVM is not offered; pv_default's words are within pv_max's and are
//     the words of the pv_default policy's leaves;
//   - XEN_SYSCTL_get_cpu_policy: null buffers ask for the most a policy takes (120 leaves,
//     2 MSRs); _rsvd or an unknown index is -EINVAL; leaves come sorted by leaf, then
//     sub-leaf (libxc bsearches them), the MSRs are PLATFORM_INFO and ARCH_CAPABILITIES;
//     a short buffer is -ENOBUFS with its count left alone, a bad one -EFAULT.
#include "toolstack_util.h"

namespace {

using namespace xen;

constexpr uint32_t kWords = 19, kMaxLeaves = 120;
uint32_t words[kWords + 1];
uint32_t pv_words[kWords], max_words[kWords];
xen_cpuid_leaf leaves[kMaxLeaves + 8];
xen_msr_entry msrs[4];

long featureset(uint32_t index, uint32_t nr, void* buf) {
    xen_sysctl& s = ts::sysctl_init(XEN_SYSCTL_get_cpu_featureset);
    s.u.cpu_featureset.index = index;
    s.u.cpu_featureset.nr_features = nr;
    s.u.cpu_featureset.features.p = reinterpret_cast<uint64_t>(buf);
    return ts::sysctl();
}

long policy(uint32_t index, uint32_t nr_leaves, void* lbuf, uint32_t nr_msrs, void* mbuf) {
    xen_sysctl& s = ts::sysctl_init(XEN_SYSCTL_get_cpu_policy);
    s.u.cpu_policy.index = index;
    s.u.cpu_policy.nr_leaves = nr_leaves;
    s.u.cpu_policy.leaves.p = reinterpret_cast<uint64_t>(lbuf);
    s.u.cpu_policy.nr_msrs = nr_msrs;
    s.u.cpu_policy.msrs.p = reinterpret_cast<uint64_t>(mbuf);
    return ts::sysctl();
}

const xen_cpuid_leaf* find(uint32_t n, uint32_t leaf, uint32_t subleaf) {
    for (uint32_t i = 0; i < n; i++)
        if (leaves[i].leaf == leaf && leaves[i].subleaf == subleaf)
            return &leaves[i];
    return nullptr;
}

bool hvm_offered() {
    ts::sysctl_init(XEN_SYSCTL_physinfo);
    XT_CHECK_RC(ts::sysctl(), 0);
    return ts::sc.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hvm;
}

void check_featuresets() {
    XT_CHECK_RC(featureset(XEN_SYSCTL_cpu_featureset_host, 0, nullptr), 0);
    XT_CHECK_EQ(ts::sc.u.cpu_featureset.nr_features, kWords);
    const bool hvm = hvm_offered();
    for (uint32_t index = 0; index <= XEN_SYSCTL_cpu_featureset_hvm_max; index++) {
        bool is_hvm =
            index == XEN_SYSCTL_cpu_featureset_hvm || index == XEN_SYSCTL_cpu_featureset_hvm_max;
        words[kWords] = 0x5a5a5a5a;
        long rc = featureset(index, kWords + 1, words);
        if (is_hvm && !hvm) {
            XT_CHECK_RC(rc, -XEN_EOPNOTSUPP);
            continue;
        }
        XT_CHECK_RC(rc, 0);
        XT_CHECK_EQ(ts::sc.u.cpu_featureset.nr_features, kWords);
        XT_CHECK_EQ(words[kWords], 0x5a5a5a5a); // room past the set is left alone
    }
    XT_CHECK_RC(featureset(6, kWords, words), -XEN_EINVAL);
    XT_CHECK_RC(
        featureset(XEN_SYSCTL_cpu_featureset_pv, kWords, reinterpret_cast<void*>(ts::kBadVa)),
        -XEN_EFAULT);

    XT_CHECK_RC(featureset(XEN_SYSCTL_cpu_featureset_pv, kWords, pv_words), 0);
    XT_CHECK_RC(featureset(XEN_SYSCTL_cpu_featureset_pv_max, kWords, max_words), 0);
    for (uint32_t w = 0; w < kWords; w++)
        if (pv_words[w] & ~max_words[w])
            xt::report_failure("pv word %u %#x not within pv_max's %#x", w, pv_words[w],
                               max_words[w]);
    // A short buffer: its words, the count it took, -ENOBUFS.
    memset(words, 0, sizeof words);
    XT_CHECK_RC(featureset(XEN_SYSCTL_cpu_featureset_pv, 4, words), -XEN_ENOBUFS);
    XT_CHECK_EQ(ts::sc.u.cpu_featureset.nr_features, 4);
    for (uint32_t w = 0; w < 4; w++)
        XT_CHECK_EQ(words[w], pv_words[w]);
    XT_CHECK_EQ(words[4], 0);
}

void check_policies() {
    XT_CHECK_RC(policy(0, 0, nullptr, 0, nullptr), 0);
    XT_CHECK_EQ(ts::sc.u.cpu_policy.nr_leaves, kMaxLeaves);
    XT_CHECK_EQ(ts::sc.u.cpu_policy.nr_msrs, 2);
    xen_sysctl& s = ts::sysctl_init(XEN_SYSCTL_get_cpu_policy);
    s.u.cpu_policy._rsvd = 1;
    XT_CHECK_RC(ts::sysctl(), -XEN_EINVAL);
    XT_CHECK_RC(policy(6, kMaxLeaves, leaves, 2, msrs), -XEN_EINVAL);
    if (!hvm_offered())
        XT_CHECK_RC(policy(XEN_SYSCTL_cpu_policy_hvm_default, kMaxLeaves, leaves, 2, msrs),
                    -XEN_EOPNOTSUPP);

    for (uint32_t index : {XEN_SYSCTL_cpu_policy_raw, XEN_SYSCTL_cpu_policy_host,
                           XEN_SYSCTL_cpu_policy_pv_max, XEN_SYSCTL_cpu_policy_pv_default}) {
        XT_CHECK_RC(policy(index, kMaxLeaves, leaves, 2, msrs), 0);
        const uint32_t n = ts::sc.u.cpu_policy.nr_leaves;
        xt::printf("policy %u: %u leaves, %u MSRs\n", index, n, ts::sc.u.cpu_policy.nr_msrs);
        XT_CHECK(n > 4 && n <= kMaxLeaves);
        XT_CHECK_EQ(ts::sc.u.cpu_policy.nr_msrs, 2);
        XT_CHECK_EQ(msrs[0].idx, 0xce);
        XT_CHECK_EQ(msrs[1].idx, 0x10a);
        XT_CHECK_EQ(msrs[0].flags | msrs[1].flags, 0);
        XT_CHECK_EQ(leaves[0].leaf, 0);
        XT_CHECK_EQ(leaves[0].subleaf, XEN_CPUID_NO_SUBLEAF);
        for (uint32_t i = 1; i < n; i++) {
            const xen_cpuid_leaf &a = leaves[i - 1], &b = leaves[i];
            if (a.leaf > b.leaf || (a.leaf == b.leaf && a.subleaf >= b.subleaf))
                xt::report_failure("policy %u: leaf %u (%#x:%#x) after %#x:%#x", index, i, b.leaf,
                                   b.subleaf, a.leaf, a.subleaf);
        }
        XT_CHECK(find(n, 0x40000000, XEN_CPUID_NO_SUBLEAF) != nullptr);
        XT_CHECK(find(n, 0x40000100, XEN_CPUID_NO_SUBLEAF) != nullptr);
        XT_CHECK(find(n, 1, XEN_CPUID_NO_SUBLEAF) != nullptr);
        XT_CHECK(find(n, 0x80000000, XEN_CPUID_NO_SUBLEAF) != nullptr);
    }

    // pv_default's featureset is its leaves' feature registers.
    XT_CHECK_RC(policy(XEN_SYSCTL_cpu_policy_pv_default, kMaxLeaves, leaves, 2, msrs), 0);
    const uint32_t n = ts::sc.u.cpu_policy.nr_leaves;
    const xen_cpuid_leaf* l1 = find(n, 1, XEN_CPUID_NO_SUBLEAF);
    const xen_cpuid_leaf* e1 = find(n, 0x80000001, XEN_CPUID_NO_SUBLEAF);
    XT_CHECK(l1 && e1);
    XT_CHECK_EQ(pv_words[0], l1->d);
    XT_CHECK_EQ(pv_words[1], l1->c);
    XT_CHECK_EQ(pv_words[2], e1->d);
    XT_CHECK_EQ(pv_words[3], e1->c);
    XT_CHECK(l1->c & (1u << 31)); // HYPERVISOR
    if (const xen_cpuid_leaf* l7 = find(n, 7, 0)) {
        XT_CHECK_EQ(pv_words[5], l7->b);
        XT_CHECK_EQ(pv_words[6], l7->c);
        XT_CHECK_EQ(pv_words[9], l7->d);
    }
    XT_CHECK_EQ((uint64_t(pv_words[17]) << 32) | pv_words[16], msrs[1].val);

    // Too small for the leaves: -ENOBUFS, the count as it was. Leaves fine but too small
    // for the MSRs: the leaves' count is written back, the MSRs' is not.
    XT_CHECK_RC(policy(XEN_SYSCTL_cpu_policy_pv_default, 3, leaves, 2, msrs), -XEN_ENOBUFS);
    XT_CHECK_EQ(ts::sc.u.cpu_policy.nr_leaves, 3);
    XT_CHECK_RC(policy(XEN_SYSCTL_cpu_policy_pv_default, kMaxLeaves, leaves, 1, msrs),
                -XEN_ENOBUFS);
    XT_CHECK_EQ(ts::sc.u.cpu_policy.nr_leaves, n);
    XT_CHECK_EQ(ts::sc.u.cpu_policy.nr_msrs, 1);
    // Only the leaves asked for: the MSRs' maximum.
    XT_CHECK_RC(policy(XEN_SYSCTL_cpu_policy_pv_default, kMaxLeaves, leaves, 0, nullptr), 0);
    XT_CHECK_EQ(ts::sc.u.cpu_policy.nr_leaves, n);
    XT_CHECK_EQ(ts::sc.u.cpu_policy.nr_msrs, 2);
    XT_CHECK_RC(policy(XEN_SYSCTL_cpu_policy_pv_default, kMaxLeaves,
                       reinterpret_cast<void*>(ts::kBadVa), 2, msrs),
                -XEN_EFAULT);
    XT_CHECK_RC(policy(XEN_SYSCTL_cpu_policy_pv_default, kMaxLeaves, leaves, 2,
                       reinterpret_cast<void*>(ts::kBadVa)),
                -XEN_EFAULT);
}

} // namespace

void test_main() {
    check_featuresets();
    check_policies();
    xt::report_success();
}
