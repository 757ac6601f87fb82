// A CPU policy in the toolstack's form: arrays of xen_cpuid_leaf and xen_msr_entry in the
// order Xen 4.17's xen/lib/x86 writes them (libxc bsearches them: leaf, then sub-leaf,
// ascending), and the featureset words.
#include "cpu_policy_buffer.h"
#include "arch/guest_access.h"
#include "public/arch-x86.h"

namespace arch {
namespace {

using xen::xen_cpuid_leaf;
using xen::xen_msr_entry;

uint32_t min(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

struct LeafWriter {
    uint64_t buf;
    uint32_t room, count;

    int put(uint32_t leaf, uint32_t subleaf, const CpuidRegs& r) {
        if (count == room)
            return -xen::XEN_ENOBUFS;
        xen_cpuid_leaf e{leaf, subleaf, r.a, r.b, r.c, r.d};
        if (copy_to_guest(buf + uint64_t(count) * sizeof(e), &e, sizeof(e)))
            return -xen::XEN_EFAULT;
        count++;
        return 0;
    }
};

int write_leaves(const CpuPolicy& p, LeafWriter& w) {
    int rc;
#define PUT(l, s, r)                                                                               \
    do {                                                                                           \
        if ((rc = w.put(l, s, r)))                                                                 \
            return rc;                                                                             \
    } while (0)
    for (uint32_t leaf = 0; leaf <= min(p.basic[0].a, kCpuidBasic - 1); leaf++) {
        switch (leaf) {
        case 0x4:
            for (uint32_t s = 0; s < kCpuidCache; s++) {
                PUT(leaf, s, p.cache[s]);
                if (!cache_type(p.cache[s]))
                    break;
            }
            break;
        case 0x7:
            for (uint32_t s = 0; s <= min(p.feat[0].a, kCpuidFeat - 1); s++)
                PUT(leaf, s, p.feat[s]);
            break;
        case 0xb:
            for (uint32_t s = 0; s < kCpuidTopo; s++) {
                PUT(leaf, s, p.topo[s]);
                if (!topo_type(p.topo[s]))
                    break;
            }
            break;
        case 0xd: {
            PUT(leaf, 0, p.xstate[0]);
            PUT(leaf, 1, p.xstate[1]);
            uint64_t states = policy_xstates(p) >> 2;
            for (uint32_t s = 2; states && s < kCpuidXstate; states >>= 1, s++)
                PUT(leaf, s, p.xstate[s]);
            break;
        }
        default:
            PUT(leaf, kNoSubleaf, p.basic[leaf]);
            break;
        }
    }
    PUT(0x40000000, kNoSubleaf, (CpuidRegs{p.hv_limit, 0, 0, 0}));
    PUT(0x40000100, kNoSubleaf, (CpuidRegs{p.hv2_limit, 0, 0, 0}));
    for (uint32_t leaf = 0; leaf <= min(p.extd[0].a & 0xffff, kCpuidExtd - 1); leaf++)
        PUT(0x80000000 | leaf, kNoSubleaf, p.extd[leaf]);
#undef PUT
    return 0;
}

// The register of policy p holding featureset word w (16 and 17 are MSR halves).
uint32_t* feature_word(CpuPolicy& p, unsigned w) {
    static uint32_t* (*const words[kFeatureWords])(CpuPolicy&) = {
        [](CpuPolicy& q) { return &q.basic[1].d; },   // 1.edx
        [](CpuPolicy& q) { return &q.basic[1].c; },   // 1.ecx
        [](CpuPolicy& q) { return &q.extd[1].d; },    // 0x80000001.edx
        [](CpuPolicy& q) { return &q.extd[1].c; },    // 0x80000001.ecx
        [](CpuPolicy& q) { return &q.xstate[1].a; },  // 0xd:1.eax
        [](CpuPolicy& q) { return &q.feat[0].b; },    // 7:0.ebx
        [](CpuPolicy& q) { return &q.feat[0].c; },    // 7:0.ecx
        [](CpuPolicy& q) { return &q.extd[7].d; },    // 0x80000007.edx
        [](CpuPolicy& q) { return &q.extd[8].b; },    // 0x80000008.ebx
        [](CpuPolicy& q) { return &q.feat[0].d; },    // 7:0.edx
        [](CpuPolicy& q) { return &q.feat[1].a; },    // 7:1.eax
        [](CpuPolicy& q) { return &q.extd[0x21].a; }, // 0x80000021.eax
        [](CpuPolicy& q) { return &q.feat[1].b; },    // 7:1.ebx
        [](CpuPolicy& q) { return &q.feat[2].d; },    // 7:2.edx
        [](CpuPolicy& q) { return &q.feat[1].c; },    // 7:1.ecx
        [](CpuPolicy& q) { return &q.feat[1].d; },    // 7:1.edx
        [](CpuPolicy& q) { return &q.arch_caps_lo; }, // MSR 0x10a, low half
        [](CpuPolicy& q) { return &q.arch_caps_hi; }, // MSR 0x10a, high half
        [](CpuPolicy& q) { return &q.extd[0x21].c; }, // 0x80000021.ecx
    };
    return words[w](p);
}

} // namespace

void cpu_policy_featureset(const CpuPolicy& p, uint32_t fs[kFeatureWords]) {
    for (unsigned w = 0; w < kFeatureWords; w++)
        fs[w] = *feature_word(const_cast<CpuPolicy&>(p), w);
}

void cpu_policy_set_featureset(CpuPolicy& p, const uint32_t fs[kFeatureWords]) {
    for (unsigned w = 0; w < kFeatureWords; w++)
        *feature_word(p, w) = fs[w];
}

int cpu_policy_leaves_to_guest(const CpuPolicy& p, uint64_t buf, uint32_t& nr) {
    LeafWriter w{buf, nr, 0};
    if (int rc = write_leaves(p, w))
        return rc;
    nr = w.count;
    return 0;
}

int cpu_policy_msrs_to_guest(const CpuPolicy& p, uint64_t buf, uint32_t& nr) {
    const xen_msr_entry entries[] = {
        {kMsrPlatformInfo, 0, p.platform_info},
        {kMsrArchCapabilities, 0, (uint64_t(p.arch_caps_hi) << 32) | p.arch_caps_lo},
    };
    uint32_t i = 0;
    for (const xen_msr_entry& e : entries) {
        if (i == nr)
            return -xen::XEN_ENOBUFS;
        if (copy_to_guest(buf + uint64_t(i) * sizeof(e), &e, sizeof(e)))
            return -xen::XEN_EFAULT;
        i++;
    }
    nr = i;
    return 0;
}

int cpu_policy_leaves_from_guest(CpuPolicy& p, uint64_t buf, uint32_t nr, CpuPolicyErrors& err) {
    err.leaf = err.subleaf = ~0u;
    if (nr > kCpuidMaxSerialised)
        return -xen::XEN_E2BIG;
    for (uint32_t i = 0; i < nr; i++) {
        xen_cpuid_leaf e;
        if (copy_from_guest(&e, buf + uint64_t(i) * sizeof(e), sizeof(e)))
            return -xen::XEN_EFAULT;
        CpuidRegs r{e.a, e.b, e.c, e.d};
        CpuidRegs* slot = nullptr;
        if (e.leaf < kCpuidBasic) {
            switch (e.leaf) {
            case 0x4:
                slot = e.subleaf < kCpuidCache ? &p.cache[e.subleaf] : nullptr;
                break;
            case 0x7:
                slot = e.subleaf < kCpuidFeat ? &p.feat[e.subleaf] : nullptr;
                break;
            case 0xb:
                slot = e.subleaf < kCpuidTopo ? &p.topo[e.subleaf] : nullptr;
                break;
            case 0xd:
                slot = e.subleaf < kCpuidXstate ? &p.xstate[e.subleaf] : nullptr;
                break;
            default:
                slot = e.subleaf == kNoSubleaf ? &p.basic[e.leaf] : nullptr;
                break;
            }
        } else if ((e.leaf == 0x40000000 || e.leaf == 0x40000100) && e.subleaf == kNoSubleaf) {
            // Xen keeps a byte of each.
            (e.leaf == 0x40000000 ? p.hv_limit : p.hv2_limit) = static_cast<uint8_t>(e.a);
            continue;
        } else if (e.leaf >= 0x80000000 && e.leaf < 0x80000000 + kCpuidExtd &&
                   e.subleaf == kNoSubleaf) {
            slot = &p.extd[e.leaf & 0xffff];
        }
        if (!slot) {
            err.leaf = e.leaf;
            err.subleaf = e.subleaf;
            return -xen::XEN_ERANGE;
        }
        *slot = r;
    }
    return 0;
}

int cpu_policy_msrs_from_guest(CpuPolicy& p, uint64_t buf, uint32_t nr, CpuPolicyErrors& err) {
    err.msr = ~0u;
    if (nr > kMsrMaxSerialised)
        return -xen::XEN_E2BIG;
    for (uint32_t i = 0; i < nr; i++) {
        xen_msr_entry e;
        if (copy_from_guest(&e, buf + uint64_t(i) * sizeof(e), sizeof(e)))
            return -xen::XEN_EFAULT;
        int rc = 0;
        if (e.flags)
            rc = -xen::XEN_EINVAL;
        else if (e.idx == kMsrPlatformInfo && e.val > 0xffffffffu)
            rc = -xen::XEN_EOVERFLOW; // Xen keeps 32 bits of it
        else if (e.idx == kMsrPlatformInfo)
            p.platform_info = static_cast<uint32_t>(e.val);
        else if (e.idx == kMsrArchCapabilities)
            p.arch_caps_lo = static_cast<uint32_t>(e.val), p.arch_caps_hi = e.val >> 32;
        else
            rc = -xen::XEN_ERANGE;
        if (rc) {
            err.msr = e.idx;
            return rc;
        }
    }
    return 0;
}

} // namespace arch
