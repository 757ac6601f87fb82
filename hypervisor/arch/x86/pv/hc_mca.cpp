// HYPERVISOR_mca as Xen 4.17 answers it where no machine check has been seen: the control
// domain reads the physical CPUs (XEN_MC_physcpuinfo, which Linux's xen_mcelog needs to
// register /dev/mcelog) and finds both telemetry queues empty (XEN_MC_fetch: NODATA).
// xenon keeps no machine-check telemetry, so there is never a record to fetch or ack.
#include "arch/cpu.h"
#include "arch/extable.h"
#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "arch/topology.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/xen_mca.h"

namespace {

using namespace xen;

constexpr uint32_t kMsrMcgCap = 0x179;

uint32_t vendor_bit(const char* v) {
    if (!strcmp(v, "GenuineIntel"))
        return X86_VENDOR_INTEL;
    if (!strcmp(v, "AuthenticAMD"))
        return X86_VENDOR_AMD;
    if (!strcmp(v, "CentaurHauls"))
        return X86_VENDOR_CENTAUR;
    if (!strcmp(v, "  Shanghai  "))
        return X86_VENDOR_SHANGHAI;
    if (!strcmp(v, "HygonGenuine"))
        return X86_VENDOR_HYGON;
    return 0;
}

// What Xen reports of one CPU; every CPU of the machine has the boot CPU's identity.
void describe_cpu(const arch::PerCpu& c, mcinfo_logical_cpu& out) {
    const arch::CpuFeatures& f = arch::cpu_features();
    memset(&out, 0, sizeof(out));
    arch::CpuTopology t = arch::cpu_topology(c.id);
    out.mc_cpunr = c.id;
    out.mc_chipid = t.socket;
    out.mc_coreid = static_cast<uint16_t>(t.core);
    out.mc_apicid = c.apic_id;
    out.mc_ncores = out.mc_ncores_active = out.mc_nthreads = 1;
    out.mc_cpuid_level = static_cast<int32_t>(f.max_leaf);
    out.mc_family = f.family;
    out.mc_model = f.model;
    out.mc_step = f.stepping;
    out.mc_vendor = vendor_bit(f.vendor);
    memcpy(out.mc_vendorid, f.vendor, sizeof(f.vendor));
    memcpy(out.mc_brandid, f.brand, sizeof(f.brand) < 64 ? sizeof(f.brand) : 64);
    arch::CpuidResult l1 = arch::cpuid(1);
    out.mc_clusterid = c.apic_id & 0xff;
    out.mc_cpu_caps[0] = l1.edx;
    out.mc_cpu_caps[1] = l1.ecx;
    if (f.max_ext_leaf >= 0x80000001) {
        arch::CpuidResult e1 = arch::cpuid(0x80000001);
        out.mc_cpu_caps[2] = e1.edx;
        out.mc_cpu_caps[3] = e1.ecx;
    }
    if (f.max_leaf >= 0xd)
        out.mc_cpu_caps[4] = arch::cpuid(0xd, 1).eax;
    if (f.max_leaf >= 7) {
        arch::CpuidResult l7 = arch::cpuid(7, 0);
        out.mc_cpu_caps[5] = l7.ebx;
        out.mc_cpu_caps[6] = l7.ecx;
    }
    if (f.max_ext_leaf >= 0x80000006)
        out.mc_cache_size = arch::cpuid(0x80000006).ecx >> 16;
    out.mc_cache_alignment = ((l1.ebx >> 8) & 0xff) * 8;
    uint64_t cap = 0;
    if ((l1.edx & (1u << 14)) && arch::rdmsr_safe(kMsrMcgCap, cap)) { // MCA present
        out.mc_nmsrvals = 1;
        out.mc_msrvalues[0] = {kMsrMcgCap, cap};
    }
}

// XEN_MC_physcpuinfo: with no buffer, the number of online CPUs; with one, up to ncpus
// of them (in CPU order) and how many were written.
long physcpuinfo(xen_mc& op, uint64_t arg) {
    xen_mc_physcpuinfo& p = op.u.mc_physcpuinfo;
    unsigned online = arch::cpus_online();
    if (p.info) {
        if (static_cast<int32_t>(p.ncpus) <= 0)
            return -XEN_EINVAL;
        unsigned n = 0;
        for (unsigned id = 0; id < arch::cpus_possible() && n < p.ncpus && n < online; id++) {
            const arch::PerCpu* c = arch::cpu(id);
            if (!c || !c->online)
                continue;
            mcinfo_logical_cpu info;
            describe_cpu(*c, info);
            if (arch::copy_to_guest(p.info + n * sizeof(info), &info, sizeof(info)))
                return -XEN_EFAULT;
            n++;
        }
        online = n;
    }
    p.ncpus = online;
    return arch::copy_to_guest(arg, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

long fetch(xen_mc& op, uint64_t arg) {
    xen_mc_fetch& f = op.u.mc_fetch;
    uint32_t queue = f.flags & (XEN_MC_NONURGENT | XEN_MC_URGENT);
    if (queue != XEN_MC_NONURGENT && queue != XEN_MC_URGENT)
        return -XEN_EINVAL;
    if (f.flags & XEN_MC_ACK)
        return 0; // nothing was handed out to acknowledge
    if (!f.data)
        return -XEN_EINVAL;
    f.flags = XEN_MC_OK | XEN_MC_NODATA;
    f.fetch_id = 0;
    return arch::copy_to_guest(arg, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

} // namespace

// Xen's order: the caller's right (-EPERM), the argument (-EFAULT), its version (-EACCES).
long do_mca(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t) {
    if (!current_vcpu()->domain->privileged)
        return -XEN_EPERM;
    xen_mc op;
    if (arch::copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_MCA_INTERFACE_VERSION)
        return -XEN_EACCES;
    switch (op.cmd) {
    case XEN_MC_fetch:
        return fetch(op, arg);
    case XEN_MC_physcpuinfo:
        return physcpuinfo(op, arg);
    case XEN_MC_msrinject:
    case XEN_MC_mceinject:
    case XEN_MC_inject_v2:
        return -XEN_ENOSYS; // injecting machine checks into the host: not offered
    default:
        return -XEN_EINVAL; // notifydomain included, as on Xen
    }
}
