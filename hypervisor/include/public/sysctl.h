// HYPERVISOR_sysctl(xen_sysctl *op): host-wide queries and control for the toolstack.
// Like domctl, the interface version must match exactly (0x15 for Xen 4.17's tools).
// All command numbers; structures for the first few commands `xl` issues.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/domctl.h"
#include "public/xen.h"

namespace xen {

inline constexpr uint32_t XEN_SYSCTL_INTERFACE_VERSION = 0x00000015;

inline constexpr unsigned XEN_SYSCTL_readconsole = 1;
inline constexpr unsigned XEN_SYSCTL_tbuf_op = 2;
inline constexpr unsigned XEN_SYSCTL_physinfo = 3;
inline constexpr unsigned XEN_SYSCTL_sched_id = 4;
inline constexpr unsigned XEN_SYSCTL_perfc_op = 5;
inline constexpr unsigned XEN_SYSCTL_getdomaininfolist = 6;
inline constexpr unsigned XEN_SYSCTL_debug_keys = 7;
inline constexpr unsigned XEN_SYSCTL_getcpuinfo = 8;
inline constexpr unsigned XEN_SYSCTL_availheap = 9;
inline constexpr unsigned XEN_SYSCTL_get_pmstat = 10;
inline constexpr unsigned XEN_SYSCTL_cpu_hotplug = 11;
inline constexpr unsigned XEN_SYSCTL_pm_op = 12;
inline constexpr unsigned XEN_SYSCTL_page_offline_op = 14;
inline constexpr unsigned XEN_SYSCTL_lockprof_op = 15;
inline constexpr unsigned XEN_SYSCTL_cputopoinfo = 16;
inline constexpr unsigned XEN_SYSCTL_numainfo = 17;
inline constexpr unsigned XEN_SYSCTL_cpupool_op = 18;
inline constexpr unsigned XEN_SYSCTL_scheduler_op = 19;
inline constexpr unsigned XEN_SYSCTL_coverage_op = 20;
inline constexpr unsigned XEN_SYSCTL_psr_cmt_op = 21;
inline constexpr unsigned XEN_SYSCTL_pcitopoinfo = 22;
inline constexpr unsigned XEN_SYSCTL_psr_alloc = 23;
// 24 (tmem_op) is retired.
inline constexpr unsigned XEN_SYSCTL_get_cpu_levelling_caps = 25;
inline constexpr unsigned XEN_SYSCTL_get_cpu_featureset = 26;
inline constexpr unsigned XEN_SYSCTL_livepatch_op = 27;
// 28 (set_parameter) is retired.
inline constexpr unsigned XEN_SYSCTL_get_cpu_policy = 29;

// Which feature set XEN_SYSCTL_get_cpu_featureset returns.
inline constexpr uint32_t XEN_SYSCTL_cpu_featureset_raw = 0;
inline constexpr uint32_t XEN_SYSCTL_cpu_featureset_host = 1;
inline constexpr uint32_t XEN_SYSCTL_cpu_featureset_pv = 2;
inline constexpr uint32_t XEN_SYSCTL_cpu_featureset_hvm = 3;
inline constexpr uint32_t XEN_SYSCTL_cpu_featureset_pv_max = 4;
inline constexpr uint32_t XEN_SYSCTL_cpu_featureset_hvm_max = 5;

// Which policy XEN_SYSCTL_get_cpu_policy returns.
inline constexpr uint32_t XEN_SYSCTL_cpu_policy_raw = 0;
inline constexpr uint32_t XEN_SYSCTL_cpu_policy_host = 1;
inline constexpr uint32_t XEN_SYSCTL_cpu_policy_pv_max = 2;
inline constexpr uint32_t XEN_SYSCTL_cpu_policy_hvm_max = 3;
inline constexpr uint32_t XEN_SYSCTL_cpu_policy_pv_default = 4;
inline constexpr uint32_t XEN_SYSCTL_cpu_policy_hvm_default = 5;

// XEN_SYSCTL_readconsole: copy out the hypervisor's console ring.
struct xen_sysctl_readconsole {
    uint8_t clear;       // in: clear what was read
    uint8_t incremental; // in: start at index
    uint8_t pad0, pad1;
    uint32_t index; // in: start with incremental; out: where reading stopped
    guest_handle<char> buffer;
    uint32_t count; // in: buffer size; out: bytes written
};
static_assert(sizeof(xen_sysctl_readconsole) == 24);
static_assert(offsetof(xen_sysctl_readconsole, index) == 4 &&
              offsetof(xen_sysctl_readconsole, buffer) == 8 &&
              offsetof(xen_sysctl_readconsole, count) == 16);

// XEN_SYSCTL_physinfo.
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_hvm = 1u << 0;      // HVM guests supported
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_pv = 1u << 1;       // PV guests supported
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_directio = 1u << 2; // IOMMU passthrough
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_hap = 1u << 3;      // hardware-assisted paging
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_shadow = 1u << 4;   // shadow paging
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share = 1u << 5;
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_vmtrace = 1u << 6;
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_vpmu = 1u << 7;
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_gnttab_v1 = 1u << 8;
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_gnttab_v2 = 1u << 9;
inline constexpr uint32_t XEN_SYSCTL_PHYSCAP_MAX = XEN_SYSCTL_PHYSCAP_gnttab_v2;

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;     // online
    uint32_t max_cpu_id;  // highest possible
    uint32_t nr_nodes;    // online
    uint32_t max_node_id; // highest possible
    uint32_t cpu_khz;
    uint32_t capabilities;      // XEN_SYSCTL_PHYSCAP_*
    uint32_t arch_capabilities; // none defined for x86 yet
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn; // highest possible
    uint32_t hw_cap[8];
};
static_assert(sizeof(xen_sysctl_physinfo) == 112);
static_assert(offsetof(xen_sysctl_physinfo, cpu_khz) == 24 &&
              offsetof(xen_sysctl_physinfo, capabilities) == 28 &&
              offsetof(xen_sysctl_physinfo, total_pages) == 40 &&
              offsetof(xen_sysctl_physinfo, max_mfn) == 72 &&
              offsetof(xen_sysctl_physinfo, hw_cap) == 80);

// XEN_SYSCTL_sched_id.
struct xen_sysctl_sched_id {
    uint32_t sched_id; // XEN_SCHEDULER_*
};
static_assert(sizeof(xen_sysctl_sched_id) == 4);

// XEN_SYSCTL_getdomaininfolist: up to max_domains records from first_domain on.
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;
    uint32_t max_domains;
    guest_handle<xen_domctl_getdomaininfo> buffer;
    uint32_t num_domains; // out
};
static_assert(sizeof(xen_sysctl_getdomaininfolist) == 24);
static_assert(offsetof(xen_sysctl_getdomaininfolist, max_domains) == 4 &&
              offsetof(xen_sysctl_getdomaininfolist, buffer) == 8 &&
              offsetof(xen_sysctl_getdomaininfolist, num_domains) == 16);

struct xen_sysctl {
    uint32_t cmd;               // XEN_SYSCTL_*
    uint32_t interface_version; // XEN_SYSCTL_INTERFACE_VERSION
    union {
        xen_sysctl_readconsole readconsole;
        xen_sysctl_physinfo physinfo;
        xen_sysctl_sched_id sched_id;
        xen_sysctl_getdomaininfolist getdomaininfolist;
        uint8_t pad[128];
    } u;
};
static_assert(sizeof(xen_sysctl) == 136 && offsetof(xen_sysctl, u) == 8);

} // namespace xen
