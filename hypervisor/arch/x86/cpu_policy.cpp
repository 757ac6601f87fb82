// The system CPU policies, each domain's, the CPUID answer a policy gives, and
// XEN_DOMCTL_set_cpu_policy's audit and clamping, after Xen 4.17 (its cpu-policy.c and
// xen/lib/x86). xenon's host policy is the hardware's (clamped to what a policy holds);
// pv_default is what a PV guest's CPUID has always answered on xenon (pv/cpuid_policy.cpp
// masks the feature words); pv_max is pv_default with all of leaf 7's sub-leaves.
#include "arch/cpu_policy.h"

#include "arch/cpu.h"
#include "common/domain.h"
#include "cpu_policy_buffer.h"
#include "lib/string.h"
#include "public/sysctl.h"
#include "pv/cpuid_policy.h"

namespace arch {
namespace {

constinit CpuPolicy raw_policy, host_policy, pv_max_policy, pv_default_policy;

constexpr uint32_t kFeatXsave = 1u << 26; // 1.ecx
constexpr uint32_t kFeatHypervisor = 1u << 31;
constexpr uint32_t kFeatPae = 1u << 6, kFeatPse36 = 1u << 17; // 1.edx
constexpr uint32_t kFeatLm = 1u << 29;                        // 0x80000001.edx
constexpr uint32_t kFeatAvx = 1u << 28;                       // 1.ecx
constexpr uint32_t kFeatAvx512f = 1u << 16;                   // 7:0.ebx

uint32_t min(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

CpuidRegs hw(uint32_t leaf, uint32_t subleaf = 0) {
    CpuidResult r = cpuid(leaf, subleaf);
    return {r.eax, r.ebx, r.ecx, r.edx};
}

void zero(CpuidRegs* r, unsigned from, unsigned n) {
    for (unsigned i = from; i < n; i++)
        r[i] = {};
}

// Every leaf the hardware has that a policy holds (Xen's calculate_raw_policy).
void read_hardware(CpuPolicy& p) {
    p.basic[0] = hw(0);
    for (uint32_t leaf = 1; leaf <= min(p.basic[0].a, kCpuidBasic - 1); leaf++) {
        switch (leaf) {
        case 0x4:
            for (uint32_t s = 0; s < kCpuidCache; s++) {
                p.cache[s] = hw(4, s);
                if (!cache_type(p.cache[s]))
                    break;
            }
            break;
        case 0x7:
            p.feat[0] = hw(7, 0);
            for (uint32_t s = 1; s <= min(p.feat[0].a, kCpuidFeat - 1); s++)
                p.feat[s] = hw(7, s);
            break;
        case 0xb:
            for (uint32_t s = 0; s < kCpuidTopo; s++) {
                p.topo[s] = hw(0xb, s);
                if (!topo_type(p.topo[s]))
                    break;
            }
            break;
        case 0xd: {
            p.xstate[0] = hw(0xd, 0);
            p.xstate[1] = hw(0xd, 1);
            uint64_t states = policy_xstates(p);
            for (uint32_t s = 2; s < kCpuidXstate; s++)
                if (states & (1ull << s))
                    p.xstate[s] = hw(0xd, s);
            break;
        }
        default:
            p.basic[leaf] = hw(leaf);
            break;
        }
    }
    CpuidRegs ext = hw(0x80000000);
    if ((ext.a >> 16) != 0x8000)
        return; // no extended leaves
    p.extd[0] = ext;
    for (uint32_t leaf = 1; leaf <= min(ext.a & 0xffff, kCpuidExtd - 1); leaf++)
        p.extd[leaf] = hw(0x80000000 | leaf);
}

bool vendor_amd(const CpuPolicy& p) {
    const CpuidRegs& v = p.basic[0];
    return (v.b == 0x68747541 && v.d == 0x69746e65 && v.c == 0x444d4163) || // AuthenticAMD
           (v.b == 0x6f677948 && v.d == 0x6e65476e && v.c == 0x656e6975);   // HygonGenuine
}

// Each leaf of p through the PV feature masks (what pv_cpuid answered before policies).
void apply_pv_masks(CpuPolicy& p) {
    for (uint32_t leaf = 0; leaf < kCpuidBasic; leaf++) {
        switch (leaf) {
        case 0x4:
            for (uint32_t s = 0; s < kCpuidCache; s++)
                pv_cpuid_apply_policy(leaf, s, &p.cache[s].a);
            break;
        case 0x7:
            for (uint32_t s = 0; s < kCpuidFeat; s++)
                pv_cpuid_apply_policy(leaf, s, &p.feat[s].a);
            break;
        case 0xb:
            break;
        case 0xd:
            if (p.basic[0].a >= 0xd)
                for (uint32_t s = 0; s < kCpuidXstate; s++)
                    pv_cpuid_apply_policy(leaf, s, &p.xstate[s].a);
            break;
        default:
            pv_cpuid_apply_policy(leaf, 0, &p.basic[leaf].a);
            break;
        }
    }
    for (uint32_t leaf = 0; leaf < kCpuidExtd; leaf++)
        pv_cpuid_apply_policy(0x80000000 | leaf, 0, &p.extd[leaf].a);
    p.basic[1].c |= kFeatHypervisor;
    p.basic[1].b &= 0x00ffffff; // the APIC ID is per vCPU, and 0 for PV, as on Xen
}

// Xen's x86_cpu_policy_clear_out_of_range_leaves.
void clear_out_of_range(CpuPolicy& p) {
    uint32_t max = p.basic[0].a;
    if (max < kCpuidBasic - 1)
        zero(p.basic, max + 1, kCpuidBasic);
    unsigned i = 0;
    if (max >= 4)
        while (i < kCpuidCache && cache_type(p.cache[i]))
            i++;
    zero(p.cache, i, kCpuidCache);
    if (max < 7)
        zero(p.feat, 0, kCpuidFeat);
    else if (p.feat[0].a < kCpuidFeat - 1)
        zero(p.feat, p.feat[0].a + 1, kCpuidFeat);
    i = 0;
    if (max >= 0xb)
        while (i < kCpuidTopo && topo_type(p.topo[i]))
            i++;
    zero(p.topo, i, kCpuidTopo);
    uint64_t states = policy_xstates(p);
    if (max < 0xd || !states) {
        zero(p.xstate, 0, kCpuidXstate);
    } else {
        unsigned top = 64 - __builtin_clzll(states);
        zero(p.xstate, top > 2 ? top : 2, kCpuidXstate);
    }
    uint32_t ext = p.extd[0].a & 0xffff;
    if (ext < kCpuidExtd - 1)
        zero(p.extd, ext + 1, kCpuidExtd);
}

// Xen's x86_cpu_policies_are_compatible: only the highest leaves and PLATFORM_INFO.
int audit(const CpuPolicy& max, const CpuPolicy& p, CpuPolicyErrors& err) {
    if (p.basic[0].a > max.basic[0].a)
        err.leaf = 0, err.subleaf = kNoSubleaf;
    else if (p.feat[0].a > max.feat[0].a)
        err.leaf = 7, err.subleaf = 0;
    else if (p.extd[0].a > max.extd[0].a)
        err.leaf = 0x80000000, err.subleaf = kNoSubleaf;
    else if (p.platform_info & ~max.platform_info)
        err.msr = kMsrPlatformInfo;
    else
        return 0;
    return -xen::XEN_EINVAL;
}

// Leaf 0xd for the states p's features allow, within max's (the component sizes and
// offsets are max's; no supervisor states).
void recalc_xstate(const CpuPolicy& max, CpuPolicy& p) {
    if (!(p.basic[1].c & kFeatXsave)) {
        zero(p.xstate, 0, kCpuidXstate);
        return;
    }
    uint64_t states = 0x3; // x87, SSE
    if (p.basic[1].c & kFeatAvx)
        states |= 1u << 2;
    if (p.feat[0].b & kFeatAvx512f)
        states |= 0xe0; // opmask, ZMM_Hi256, Hi16_ZMM
    states &= policy_xstates(max);
    uint32_t size = 512 + 64; // the legacy area and the XSAVE header
    for (uint32_t s = 2; s < kCpuidXstate; s++) {
        if (states & (1ull << s)) {
            p.xstate[s] = max.xstate[s];
            size = p.xstate[s].a + p.xstate[s].b > size ? p.xstate[s].a + p.xstate[s].b : size;
        } else {
            p.xstate[s] = {};
        }
    }
    p.xstate[0] = {uint32_t(states), max.xstate[0].b, size, uint32_t(states >> 32)};
    p.xstate[1].b = max.xstate[1].b;
    p.xstate[1].c = p.xstate[1].d = 0;
}

// Xen's recalculate_cpuid_policy for a PV domain: the toolstack's choices clamped to max.
void recalc(const CpuPolicy& max, CpuPolicy& p) {
    p.basic[0].a = min(p.basic[0].a, max.basic[0].a);
    p.feat[0].a = min(p.feat[0].a, max.feat[0].a);
    uint32_t ext_limit = (vendor_amd(p) ? kCpuidExtd : kCpuidExtdIntel) - 1;
    p.extd[0].a = 0x80000000 | min(p.extd[0].a & 0xffff, ext_limit);
    uint32_t fs[kFeatureWords], max_fs[kFeatureWords];
    cpu_policy_featureset(p, fs);
    cpu_policy_featureset(max, max_fs);
    for (unsigned w = 0; w < kFeatureWords; w++)
        fs[w] &= max_fs[w];
    if (p.basic[0].a < 0xd)
        fs[1] &= ~kFeatXsave;
    cpu_policy_set_featureset(p, fs);
    // The host's cache line size; address widths within the host's.
    p.basic[1].b = (p.basic[1].b & ~0xff00u) | (max.basic[1].b & 0xff00u);
    uint32_t phys = min(p.extd[8].a & 0xff, max.extd[8].a & 0xff);
    uint32_t floor = (p.basic[1].d & (kFeatPae | kFeatPse36)) ? 36 : 32;
    phys = phys < floor ? floor : phys;
    uint32_t lin = (p.extd[1].d & kFeatLm) ? 48 : 32;
    p.extd[8].a = (p.extd[8].a & ~0xffffu) | (lin << 8) | phys;
    recalc_xstate(max, p);
    for (unsigned i = 0; i < kCpuidCache; i++) {
        uint32_t type = cache_type(p.cache[i]);
        if (type < 1 || type > 3) {
            zero(p.cache, i, kCpuidCache);
            break;
        }
        p.cache[i].a &= 0xffffc3ffu; // reserved fields
        p.cache[i].d &= 0x7u;
    }
}

} // namespace

void cpu_policy_init() {
    read_hardware(raw_policy);
    host_policy = raw_policy;
    host_policy.basic[0].a = min(host_policy.basic[0].a, kCpuidBasic - 1);
    host_policy.feat[0].a = min(host_policy.feat[0].a, kCpuidFeat - 1);
    if (host_policy.extd[0].a)
        host_policy.extd[0].a = 0x80000000 | min(host_policy.extd[0].a & 0xffff, kCpuidExtd - 1);
    pv_default_policy = host_policy;
    apply_pv_masks(pv_default_policy);
    // pv_max also holds every sub-leaf of leaf 7 (Xen lets a guest come in with them).
    pv_max_policy = pv_default_policy;
    if (pv_max_policy.basic[0].a >= 7)
        pv_max_policy.feat[0].a = kCpuidFeat - 1;
}

const CpuPolicy* cpu_policy_system(uint32_t index) {
    switch (index) {
    case xen::XEN_SYSCTL_cpu_policy_raw:
        return &raw_policy;
    case xen::XEN_SYSCTL_cpu_policy_host:
        return &host_policy;
    case xen::XEN_SYSCTL_cpu_policy_pv_max:
        return &pv_max_policy;
    case xen::XEN_SYSCTL_cpu_policy_pv_default:
        return &pv_default_policy;
    default:
        return nullptr;
    }
}

const CpuPolicy& cpu_policy_of(const Domain& d) {
    return d.arch.cpu_policy_set ? d.arch.cpu_policy : pv_default_policy;
}

bool cpu_policy_cpuid(const CpuPolicy& p, uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    const CpuidRegs* r = nullptr;
    if (leaf < kCpuidBasic) {
        if (leaf > p.basic[0].a)
            r = nullptr;
        else if (leaf == 0x4)
            r = subleaf < kCpuidCache ? &p.cache[subleaf] : nullptr;
        else if (leaf == 0x7)
            r = subleaf <= min(p.feat[0].a, kCpuidFeat - 1) ? &p.feat[subleaf] : nullptr;
        else if (leaf == 0xb)
            r = subleaf < kCpuidTopo ? &p.topo[subleaf] : nullptr;
        else if (leaf == 0xd)
            r = (p.basic[1].c & kFeatXsave) && subleaf < kCpuidXstate ? &p.xstate[subleaf]
                                                                      : nullptr;
        else
            r = &p.basic[leaf];
    } else if (leaf >= 0x80000000 && leaf < 0x80000000 + kCpuidExtd) {
        if ((leaf & 0xffff) <= (p.extd[0].a & 0xffff))
            r = &p.extd[leaf & 0xffff];
    } else {
        out[0] = out[1] = out[2] = out[3] = 0;
        return false;
    }
    if (r)
        out[0] = r->a, out[1] = r->b, out[2] = r->c, out[3] = r->d;
    else
        out[0] = out[1] = out[2] = out[3] = 0;
    return true;
}

int cpu_policy_set(Domain& d, uint64_t leaves, uint32_t nr_leaves, uint64_t msrs, uint32_t nr_msrs,
                   CpuPolicyErrors& err) {
    // The domain has never run (the caller checked), so no vCPU reads its policy now.
    CpuPolicy p = cpu_policy_of(d);
    if (int rc = cpu_policy_leaves_from_guest(p, leaves, nr_leaves, err))
        return rc;
    if (int rc = cpu_policy_msrs_from_guest(p, msrs, nr_msrs, err))
        return rc;
    clear_out_of_range(p);
    if (int rc = audit(pv_max_policy, p, err))
        return rc;
    recalc(pv_max_policy, p);
    d.arch.cpu_policy = p;
    d.arch.cpu_policy_set = true;
    return 0;
}

} // namespace arch
