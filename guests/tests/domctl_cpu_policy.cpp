// A domain's CPU policy as libxc's xc_cpuid_apply_policy reads and sets it, with Xen
// 4.17's answers:
//   - XEN_DOMCTL_get_cpu_policy of dom0 itself is what its CPUID answers (the feature
//     leaves, but for the bits Xen computes per call); null buffers ask for the size,
//     short ones are -ENOBUFS;
//   - a new domain starts with pv_default's features; XEN_DOMCTL_set_cpu_policy merges
//     what it is given: more leaves than a policy holds -E2BIG, a leaf or MSR no policy
//     holds -ERANGE, MSR flags -EINVAL, a PLATFORM_INFO wider than 32 bits -EOVERFLOW
//     (each naming the culprit in err_leaf/err_subleaf/err_msr, ~0 where none), higher
//     leaves than pv_max's or PLATFORM_INFO bits pv_max lacks -EINVAL; features beyond
//     pv_max are dropped, leaves past a lowered max leaf go (and XSAVE with leaf 0xd);
//   - never on oneself (-EINVAL), nor once the domain has been unpaused (-EEXIST).
#include "toolstack_util.h"

namespace {

using namespace xen;

constexpr uint32_t kMaxLeaves = 120;
constexpr uint32_t kNa = XEN_CPUID_NO_SUBLEAF;
xen_cpuid_leaf leaves[kMaxLeaves + 8], def[kMaxLeaves], max[kMaxLeaves];
uint32_t nr_def, nr_max;
xen_msr_entry msrs[4], max_msrs[2];

struct regs {
    uint32_t a, b, c, d;
};

regs xen_cpuid(uint32_t leaf, uint32_t subleaf) {
    regs r;
    asm volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tcpuid"
                 : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                 : "0"(leaf), "2"(subleaf));
    return r;
}

long get(domid_t d, uint32_t nr_leaves, void* lbuf, uint32_t nr_msrs, void* mbuf) {
    xen_domctl& c = ts::domctl_init(XEN_DOMCTL_get_cpu_policy, d);
    c.u.cpu_policy.nr_leaves = nr_leaves;
    c.u.cpu_policy.leaves.p = reinterpret_cast<uint64_t>(lbuf);
    c.u.cpu_policy.nr_msrs = nr_msrs;
    c.u.cpu_policy.msrs.p = reinterpret_cast<uint64_t>(mbuf);
    return ts::domctl();
}

// set_cpu_policy with err_* primed, as libxc primes them (~0), or with a canary.
long set(domid_t d, uint32_t nr_leaves, const void* lbuf, uint32_t nr_msrs, const void* mbuf,
         uint32_t prime = 0x5555) {
    xen_domctl& c = ts::domctl_init(XEN_DOMCTL_set_cpu_policy, d);
    c.u.cpu_policy.nr_leaves = nr_leaves;
    c.u.cpu_policy.leaves.p = reinterpret_cast<uint64_t>(lbuf);
    c.u.cpu_policy.nr_msrs = nr_msrs;
    c.u.cpu_policy.msrs.p = reinterpret_cast<uint64_t>(mbuf);
    c.u.cpu_policy.err_leaf = c.u.cpu_policy.err_subleaf = c.u.cpu_policy.err_msr = prime;
    return ts::domctl();
}

void check_err(uint32_t leaf, uint32_t subleaf, uint32_t msr, int line) {
    const xen_domctl_cpu_policy& q = ts::dc.u.cpu_policy;
    if (q.err_leaf != leaf || q.err_subleaf != subleaf || q.err_msr != msr)
        xt::report_failure("line %d: err %#x:%#x msr %#x, expected %#x:%#x msr %#x", line,
                           q.err_leaf, q.err_subleaf, q.err_msr, leaf, subleaf, msr);
}
#define CHECK_ERR(l, s, m) check_err((l), (s), (m), __LINE__)

const xen_cpuid_leaf* find(const xen_cpuid_leaf* set, uint32_t n, uint32_t leaf, uint32_t subleaf) {
    for (uint32_t i = 0; i < n; i++)
        if (set[i].leaf == leaf && set[i].subleaf == subleaf)
            return &set[i];
    return nullptr;
}

uint32_t system_policy(uint32_t index, xen_cpuid_leaf* out, xen_msr_entry* out_msrs) {
    xen_sysctl& s = ts::sysctl_init(XEN_SYSCTL_get_cpu_policy);
    s.u.cpu_policy.index = index;
    s.u.cpu_policy.nr_leaves = kMaxLeaves;
    s.u.cpu_policy.leaves.p = reinterpret_cast<uint64_t>(out);
    s.u.cpu_policy.nr_msrs = out_msrs ? 2 : 0;
    s.u.cpu_policy.msrs.p = reinterpret_cast<uint64_t>(out_msrs);
    XT_CHECK_RC(ts::sysctl(), 0);
    return ts::sc.u.cpu_policy.nr_leaves;
}

// dom0's own policy against its CPUID, feature leaf by feature leaf. Per call, Xen adds
// OSXSAVE and EIST (1.ecx), MTRR (1.edx, 0x80000001.edx: dom0's kernel) and OSPKE (7.ecx).
void check_self() {
    XT_CHECK_RC(get(0, 0, nullptr, 0, nullptr), 0);
    XT_CHECK_EQ(ts::dc.u.cpu_policy.nr_leaves, kMaxLeaves);
    XT_CHECK_EQ(ts::dc.u.cpu_policy.nr_msrs, 2);
    XT_CHECK_RC(get(0, 2, leaves, 2, msrs), -XEN_ENOBUFS);
    XT_CHECK_RC(get(0, kMaxLeaves, leaves, 2, msrs), 0);
    const uint32_t n = ts::dc.u.cpu_policy.nr_leaves;
    XT_CHECK(n > 4 && n <= kMaxLeaves);
    struct Word {
        uint32_t leaf, subleaf;
        unsigned reg;
        uint32_t dynamic;
    };
    static const Word kWords[] = {
        {1, kNa, 2, (1u << 27) | (1u << 7)},
        {1, kNa, 3, 1u << 12},
        {0x80000001, kNa, 2, 0},
        {0x80000001, kNa, 3, 1u << 12},
        {7, 0, 1, 0},
        {7, 0, 2, 1u << 4},
        {7, 0, 3, 0},
        {0, kNa, 0, 0},
        {0x80000000, kNa, 0, 0},
    };
    for (const Word& w : kWords) {
        const xen_cpuid_leaf* l = find(leaves, n, w.leaf, w.subleaf);
        if (!l) {
            XT_CHECK(w.leaf == 7); // only leaf 7 may be missing
            continue;
        }
        regs r = xen_cpuid(w.leaf, w.subleaf == kNa ? 0 : w.subleaf);
        uint32_t got = (&r.a)[w.reg], want = (&l->a)[w.reg];
        if ((got & ~w.dynamic) != (want & ~w.dynamic))
            xt::report_failure("leaf %#x:%#x reg %u: CPUID %#x, policy %#x", w.leaf, w.subleaf,
                               w.reg, got, want);
    }
    // Never one's own.
    XT_CHECK_RC(set(0, n, leaves, 0, nullptr), -XEN_EINVAL);
}

domid_t create() {
    xen_domctl& c = ts::domctl_init(XEN_DOMCTL_createdomain, DOMID_INVALID);
    c.u.createdomain.max_vcpus = 1;
    c.u.createdomain.max_evtchn_port = 1023;
    c.u.createdomain.max_grant_frames = -1;
    c.u.createdomain.max_maptrack_frames = -1;
    c.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    XT_CHECK_RC(ts::domctl(), 0);
    return ts::dc.domain;
}

uint32_t get_all(domid_t d) {
    XT_CHECK_RC(get(d, kMaxLeaves, leaves, 2, msrs), 0);
    return ts::dc.u.cpu_policy.nr_leaves;
}

void check_bad_policies(domid_t d) {
    // Too many leaves or MSRs: nothing is read (a bad pointer is fine).
    XT_CHECK_RC(set(d, kMaxLeaves + 1, reinterpret_cast<void*>(ts::kBadVa), 0, nullptr),
                -XEN_E2BIG);
    CHECK_ERR(~0u, ~0u, ~0u);
    XT_CHECK_RC(set(d, 0, nullptr, 3, reinterpret_cast<void*>(ts::kBadVa)), -XEN_E2BIG);
    CHECK_ERR(~0u, ~0u, ~0u);
    XT_CHECK_RC(set(d, 1, reinterpret_cast<void*>(ts::kBadVa), 0, nullptr), -XEN_EFAULT);
    // Leaves no policy holds.
    static const uint32_t kOutOfRange[][2] = {
        {0x12345, kNa},    {7, 3},   {1, 0}, {4, 6}, {0xd, 63}, {0x40000001, kNa},
        {0x80000022, kNa}, {0xb, 2},
    };
    for (const auto& bad : kOutOfRange) {
        leaves[0] = def[0];
        leaves[1] = {bad[0], bad[1], 0, 0, 0, 0};
        XT_CHECK_RC(set(d, 2, leaves, 0, nullptr), -XEN_ERANGE);
        CHECK_ERR(bad[0], bad[1], ~0u);
    }
    // MSRs: flags, unknown, too wide.
    msrs[0] = {0xce, 1, 0};
    XT_CHECK_RC(set(d, 0, nullptr, 1, msrs), -XEN_EINVAL);
    CHECK_ERR(~0u, ~0u, 0xce);
    msrs[0] = {0x123, 0, 0};
    XT_CHECK_RC(set(d, 0, nullptr, 1, msrs), -XEN_ERANGE);
    CHECK_ERR(~0u, ~0u, 0x123);
    msrs[0] = {0xce, 0, 1ull << 32};
    XT_CHECK_RC(set(d, 0, nullptr, 1, msrs), -XEN_EOVERFLOW);
    CHECK_ERR(~0u, ~0u, 0xce);
    // Beyond pv_max: a higher leaf of each kind, a PLATFORM_INFO bit.
    const xen_cpuid_leaf* max0 = find(max, nr_max, 0, kNa);
    const xen_cpuid_leaf* max7 = find(max, nr_max, 7, 0);
    const xen_cpuid_leaf* maxe = find(max, nr_max, 0x80000000, kNa);
    leaves[0] = *max0;
    leaves[0].a++;
    XT_CHECK_RC(set(d, 1, leaves, 0, nullptr), -XEN_EINVAL);
    CHECK_ERR(0, kNa, ~0u);
    if (max7) {
        leaves[0] = *max7;
        leaves[0].a++;
        XT_CHECK_RC(set(d, 1, leaves, 0, nullptr), -XEN_EINVAL);
        CHECK_ERR(7, 0, ~0u);
    }
    leaves[0] = *maxe;
    leaves[0].a++;
    XT_CHECK_RC(set(d, 1, leaves, 0, nullptr), -XEN_EINVAL);
    CHECK_ERR(0x80000000, kNa, ~0u);
    uint32_t missing = ~static_cast<uint32_t>(max_msrs[0].val);
    if (missing) {
        msrs[0] = {0xce, 0, missing & -missing};
        XT_CHECK_RC(set(d, 0, nullptr, 1, msrs), -XEN_EINVAL);
        CHECK_ERR(~0u, ~0u, 0xce);
    }
}

void check_good_policies(domid_t d) {
    // A new domain has pv_default's leaf 1 and 7 features (Xen folds two FPU bits of the
    // host's in; on AMD it mirrors 1.edx into 0x80000001.edx, which pv_default has not).
    uint32_t n = get_all(d);
    const xen_cpuid_leaf* l1 = find(leaves, n, 1, kNa);
    const xen_cpuid_leaf* d1 = find(def, nr_def, 1, kNa);
    XT_CHECK(l1 && d1);
    XT_CHECK_EQ(l1->c, d1->c);
    XT_CHECK_EQ(l1->d, d1->d);
    if (const xen_cpuid_leaf* l7 = find(leaves, n, 7, 0))
        XT_CHECK_EQ(l7->b & ~((1u << 6) | (1u << 13)),
                    find(def, nr_def, 7, 0)->b & ~((1u << 6) | (1u << 13)));

    // What libxc sends back: the policy as read, the success leaving err_* alone.
    XT_CHECK_RC(set(d, n, leaves, 2, msrs), 0);
    CHECK_ERR(0x5555, 0x5555, 0x5555);
    XT_CHECK_EQ(get_all(d), n);

    // Features pv_max lacks are dropped (VMX, MONITOR; SVM), others stay as asked.
    xen_cpuid_leaf* w1 = const_cast<xen_cpuid_leaf*>(find(leaves, n, 1, kNa));
    xen_cpuid_leaf* we1 = const_cast<xen_cpuid_leaf*>(find(leaves, n, 0x80000001, kNa));
    const uint32_t was_c = w1->c;
    w1->c |= (1u << 5) | (1u << 3);
    we1->c |= 1u << 2;
    XT_CHECK_RC(set(d, n, leaves, 0, nullptr), 0);
    n = get_all(d);
    XT_CHECK_EQ(find(leaves, n, 1, kNa)->c & ((1u << 5) | (1u << 3)), 0);
    XT_CHECK_EQ(find(leaves, n, 1, kNa)->c, was_c);
    XT_CHECK_EQ(find(leaves, n, 0x80000001, kNa)->c & (1u << 2), 0);

    // A lower max leaf takes the leaves above it away, XSAVE with leaf 0xd.
    leaves[0].a = 7;
    XT_CHECK_RC(set(d, 1, leaves, 0, nullptr), 0);
    n = get_all(d);
    XT_CHECK_EQ(leaves[0].a, 7);
    for (uint32_t i = 0; i < n; i++)
        if (leaves[i].leaf > 7 && leaves[i].leaf < 0x40000000)
            xt::report_failure("leaf %#x:%#x past max leaf 7", leaves[i].leaf, leaves[i].subleaf);
    XT_CHECK_EQ(find(leaves, n, 1, kNa)->c & (1u << 26), 0);
    xt::printf("max leaf 7: %u leaves\n", n);
}

} // namespace

void test_main() {
    nr_def = system_policy(XEN_SYSCTL_cpu_policy_pv_default, def, nullptr);
    nr_max = system_policy(XEN_SYSCTL_cpu_policy_pv_max, max, max_msrs);
    check_self();

    const domid_t d = create();
    xt::printf("created d%u\n", d);
    check_bad_policies(d);
    check_good_policies(d);
    // Once unpaused (it has no vCPU to run), its policy is fixed.
    ts::domctl_init(XEN_DOMCTL_unpausedomain, d);
    XT_CHECK_RC(ts::domctl(), 0);
    XT_CHECK_RC(set(d, 1, leaves, 0, nullptr), -XEN_EEXIST);
    XT_CHECK_RC(get(d, kMaxLeaves, leaves, 2, msrs), 0);
    ts::domctl_init(XEN_DOMCTL_destroydomain, d);
    XT_CHECK_RC(ts::domctl(), 0);
    XT_CHECK_RC(get(d, kMaxLeaves, leaves, 2, msrs), -XEN_ESRCH);
    xt::report_success();
}
