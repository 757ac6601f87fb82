// HYPERVISOR_mca as Linux's xen_mcelog uses it at boot, as Xen 4.17 answers it on a
// machine without machine checks: XEN_MC_physcpuinfo with no buffer counts the online
// CPUs (2: QEMU -smp 2), with one fills them in CPU order (numbers 0 and 1, distinct APIC
// ids, the CPUID vendor string, MCG_CAP as first MSR value) and says how many; ncpus 0
// with a buffer is -EINVAL. XEN_MC_fetch of either queue is NODATA
// with fetch id 0; no queue, both, or no buffer is -EINVAL. Another interface version is
// -EACCES, an unreadable argument -EFAULT, an unknown command -EINVAL.
#include "public/xen_mca.h"
#include "runtime.h"

static xen::xen_mc mc;
static xen::mcinfo_logical_cpu cpus[4];
static xen::mc_info record;

static long mca(uint32_t cmd, uint32_t version = xen::XEN_MCA_INTERFACE_VERSION) {
    mc.cmd = cmd;
    mc.interface_version = version;
    return xt::hypercall(xen::HYPERVISOR_mca, xt::arg(&mc));
}

void test_main() {
    using namespace xen;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_mca, 0xffff800000001000ull), -XEN_EFAULT);
    XT_CHECK_RC(mca(XEN_MC_physcpuinfo, XEN_MCA_INTERFACE_VERSION + 1), -XEN_EACCES);
    XT_CHECK_RC(mca(99), -XEN_EINVAL);

    memset(&mc.u, 0, sizeof mc.u);
    XT_CHECK_RC(mca(XEN_MC_physcpuinfo), 0);
    XT_CHECK_EQ(mc.u.mc_physcpuinfo.ncpus, 2);

    memset(cpus, 0xa5, sizeof cpus);
    mc.u.mc_physcpuinfo.ncpus = 4;
    mc.u.mc_physcpuinfo.info = xt::arg(cpus);
    XT_CHECK_RC(mca(XEN_MC_physcpuinfo), 0);
    XT_CHECK_EQ(mc.u.mc_physcpuinfo.ncpus, 2);
    uint32_t eax, ebx, ecx, edx;
    asm volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0), "c"(0));
    char vendor[13];
    memcpy(vendor, &ebx, 4);
    memcpy(vendor + 4, &edx, 4);
    memcpy(vendor + 8, &ecx, 4);
    vendor[12] = 0;
    for (unsigned i = 0; i < 2; i++) {
        const mcinfo_logical_cpu& c = cpus[i];
        xt::printf("cpu %u: apic %u chip %u core %u family %u model %u '%s' msrs %d\n", c.mc_cpunr,
                   c.mc_apicid, c.mc_chipid, c.mc_coreid, c.mc_family, c.mc_model, c.mc_vendorid,
                   c.mc_nmsrvals);
        XT_CHECK_EQ(c.mc_cpunr, i);
        XT_CHECK(memcmp(c.mc_vendorid, vendor, 13) == 0);
        XT_CHECK(c.mc_nmsrvals >= 1);
        XT_CHECK_EQ(c.mc_msrvalues[0].reg, 0x179u); // MCG_CAP
        XT_CHECK(c.mc_family > 0);
    }
    XT_CHECK(cpus[0].mc_apicid != cpus[1].mc_apicid);
    XT_CHECK_EQ(cpus[2].mc_cpunr, 0xa5a5a5a5u); // nothing past the CPUs

    // (ncpus below the online count is not asked: Xen 4.17 then writes every online CPU
    // into an array of ncpus and its heap check panics the host.)
    mc.u.mc_physcpuinfo.ncpus = 0;
    XT_CHECK_RC(mca(XEN_MC_physcpuinfo), -XEN_EINVAL);

    for (uint32_t queue : {XEN_MC_URGENT, XEN_MC_NONURGENT}) {
        memset(&mc.u, 0, sizeof mc.u);
        mc.u.mc_fetch.flags = queue;
        mc.u.mc_fetch.fetch_id = 77;
        mc.u.mc_fetch.data = xt::arg(&record);
        XT_CHECK_RC(mca(XEN_MC_fetch), 0);
        XT_CHECK_EQ(mc.u.mc_fetch.flags, XEN_MC_NODATA);
        XT_CHECK_EQ(mc.u.mc_fetch.fetch_id, 0u);
        mc.u.mc_fetch.flags = queue;
        mc.u.mc_fetch.data = 0;
        XT_CHECK_RC(mca(XEN_MC_fetch), -XEN_EINVAL);
    }
    mc.u.mc_fetch.data = xt::arg(&record);
    mc.u.mc_fetch.flags = 0;
    XT_CHECK_RC(mca(XEN_MC_fetch), -XEN_EINVAL);
    mc.u.mc_fetch.flags = XEN_MC_URGENT | XEN_MC_NONURGENT;
    XT_CHECK_RC(mca(XEN_MC_fetch), -XEN_EINVAL);
    xt::report_success();
}
