// HYPERVISOR_mca(xen_mc *op): machine-check telemetry for the control domain (Linux's
// xen_mcelog reads the physical CPUs with XEN_MC_physcpuinfo at boot, then fetches
// records on VIRQ_MCA). Only the structures xenon answers are declared.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

inline constexpr uint32_t XEN_MCA_INTERFACE_VERSION = 0x01ecc003;

inline constexpr uint32_t XEN_MC_fetch = 1;
inline constexpr uint32_t XEN_MC_notifydomain = 2;
inline constexpr uint32_t XEN_MC_physcpuinfo = 3;
inline constexpr uint32_t XEN_MC_msrinject = 4;
inline constexpr uint32_t XEN_MC_mceinject = 5;
inline constexpr uint32_t XEN_MC_inject_v2 = 6;

// xen_mc_fetch flags: in, which queue (and whether it acknowledges); out, the outcome.
inline constexpr uint32_t XEN_MC_NONURGENT = 0x1;
inline constexpr uint32_t XEN_MC_URGENT = 0x2;
inline constexpr uint32_t XEN_MC_ACK = 0x4;
inline constexpr uint32_t XEN_MC_OK = 0x0;
inline constexpr uint32_t XEN_MC_FETCHFAILED = 0x1;
inline constexpr uint32_t XEN_MC_NODATA = 0x2;

inline constexpr unsigned MCINFO_MAXSIZE = 768;

struct mc_info {
    uint32_t mi_nentries;
    uint32_t flags;
    uint64_t mi_data[(MCINFO_MAXSIZE - 1) / 8];
};
static_assert(sizeof(mc_info) == 768);

struct xen_mc_fetch {
    uint32_t flags;
    uint32_t _pad0;
    uint64_t fetch_id;
    uint64_t data; // guest handle of an mc_info
};
static_assert(sizeof(xen_mc_fetch) == 24);

struct mcinfo_msr {
    uint64_t reg;
    uint64_t value;
};

inline constexpr unsigned MC_NCAPS = 7;

struct mcinfo_logical_cpu {
    uint32_t mc_cpunr;
    uint32_t mc_chipid;
    uint16_t mc_coreid;
    uint16_t mc_threadid;
    uint32_t mc_apicid;
    uint32_t mc_clusterid;
    uint32_t mc_ncores;
    uint32_t mc_ncores_active;
    uint32_t mc_nthreads;
    int32_t mc_cpuid_level;
    uint32_t mc_family;
    uint32_t mc_vendor; // Xen's X86_VENDOR_* bit
    uint32_t mc_model;
    uint32_t mc_step;
    char mc_vendorid[16];
    char mc_brandid[64];
    uint32_t mc_cpu_caps[MC_NCAPS]; // Xen's featureset words 0-6
    uint32_t mc_cache_size;         // KiB
    uint32_t mc_cache_alignment;
    int32_t mc_nmsrvals;
    mcinfo_msr mc_msrvalues[8];
};
static_assert(sizeof(mcinfo_logical_cpu) == 304 &&
              offsetof(mcinfo_logical_cpu, mc_vendorid) == 52 &&
              offsetof(mcinfo_logical_cpu, mc_msrvalues) == 176);

inline constexpr uint32_t X86_VENDOR_INTEL = 1u << 0;
inline constexpr uint32_t X86_VENDOR_AMD = 1u << 1;
inline constexpr uint32_t X86_VENDOR_CENTAUR = 1u << 2;
inline constexpr uint32_t X86_VENDOR_SHANGHAI = 1u << 3;
inline constexpr uint32_t X86_VENDOR_HYGON = 1u << 4;

struct xen_mc_physcpuinfo {
    uint32_t ncpus; // in: room in info; out: CPUs written (or online, with no info)
    uint32_t _pad0;
    uint64_t info; // guest handle of mcinfo_logical_cpu[ncpus], or 0 to count
};

struct xen_mc {
    uint32_t cmd;
    uint32_t interface_version; // XEN_MCA_INTERFACE_VERSION
    union {
        xen_mc_fetch mc_fetch;
        xen_mc_physcpuinfo mc_physcpuinfo;
        uint8_t pad[144]; // the largest member, xen_mc_msrinject
    } u;
};
static_assert(sizeof(xen_mc) == 152 && offsetof(xen_mc, u) == 8);

} // namespace xen
