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

// XEN_SYSCTL_debug_keys: run the hypervisor's debug-key handlers for these keys.
struct xen_sysctl_debug_keys {
    guest_handle<const char> keys;
    uint32_t nr_keys;
};
static_assert(sizeof(xen_sysctl_debug_keys) == 16);

// XEN_SYSCTL_getcpuinfo: each physical CPU's idle time (ns), up to max_cpus of them.
struct xen_sysctl_cpuinfo {
    uint64_t idletime;
};
struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus; // in
    guest_handle<xen_sysctl_cpuinfo> info;
    uint32_t nr_cpus; // out
};
static_assert(sizeof(xen_sysctl_getcpuinfo) == 24 && offsetof(xen_sysctl_getcpuinfo, info) == 8 &&
              offsetof(xen_sysctl_getcpuinfo, nr_cpus) == 16);

// XEN_SYSCTL_cputopoinfo: core, socket and node of each present CPU. With a null
// handle only num_cpus (the count there is) is written back.
inline constexpr uint32_t XEN_INVALID_CORE_ID = ~0u;
inline constexpr uint32_t XEN_INVALID_SOCKET_ID = ~0u;
inline constexpr uint32_t XEN_INVALID_NODE_ID = ~0u;

struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
static_assert(sizeof(xen_sysctl_cputopo) == 12);
struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;
    guest_handle<xen_sysctl_cputopo> cputopo;
};
static_assert(sizeof(xen_sysctl_cputopoinfo) == 16);

// XEN_SYSCTL_numainfo: each node's memory and the node distance matrix (either handle
// may be null; both null: only num_nodes).
inline constexpr uint32_t XEN_INVALID_MEM_SZ = ~0u;
inline constexpr uint32_t XEN_INVALID_NODE_DIST = ~0u;

struct xen_sysctl_meminfo {
    uint64_t memsize;
    uint64_t memfree;
};
struct xen_sysctl_numainfo {
    uint32_t num_nodes;
    guest_handle<xen_sysctl_meminfo> meminfo;
    guest_handle<uint32_t> distance; // num_nodes x num_nodes
};
static_assert(sizeof(xen_sysctl_numainfo) == 24 && offsetof(xen_sysctl_numainfo, meminfo) == 8);

// XEN_SYSCTL_cpupool_op.
inline constexpr uint32_t XEN_SYSCTL_CPUPOOL_OP_CREATE = 1;
inline constexpr uint32_t XEN_SYSCTL_CPUPOOL_OP_DESTROY = 2;
inline constexpr uint32_t XEN_SYSCTL_CPUPOOL_OP_INFO = 3; // the first pool >= cpupool_id
inline constexpr uint32_t XEN_SYSCTL_CPUPOOL_OP_ADDCPU = 4;
inline constexpr uint32_t XEN_SYSCTL_CPUPOOL_OP_RMCPU = 5;
inline constexpr uint32_t XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN = 6;
inline constexpr uint32_t XEN_SYSCTL_CPUPOOL_OP_FREEINFO = 7; // CPUs in no pool
inline constexpr uint32_t XEN_SYSCTL_CPUPOOL_PAR_ANY = 0xffffffff;

struct xen_sysctl_cpupool_op {
    uint32_t op;
    uint32_t cpupool_id;
    uint32_t sched_id;
    uint32_t domid;
    uint32_t cpu;
    uint32_t n_dom;
    xenctl_bitmap cpumap;
};
static_assert(sizeof(xen_sysctl_cpupool_op) == 40 && offsetof(xen_sysctl_cpupool_op, cpumap) == 24);

// XEN_SYSCTL_scheduler_op: a pool's scheduler-wide parameters.
inline constexpr uint32_t XEN_SYSCTL_SCHEDOP_putinfo = 0;
inline constexpr uint32_t XEN_SYSCTL_SCHEDOP_getinfo = 1;
inline constexpr uint32_t XEN_SYSCTL_SCHED_RATELIMIT_MAX = 500000;
inline constexpr uint32_t XEN_SYSCTL_SCHED_RATELIMIT_MIN = 100;

struct xen_sysctl_credit_schedule {
    uint32_t tslice_ms;
    uint32_t ratelimit_us;
    uint32_t vcpu_migr_delay_us;
};
struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;
};
struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;
    uint32_t sched_id; // XEN_SCHEDULER_*
    uint32_t cmd;      // XEN_SYSCTL_SCHEDOP_*
    union {
        guest_handle<void> sched_arinc653; // its schedule
        xen_sysctl_credit_schedule sched_credit;
        xen_sysctl_credit2_schedule sched_credit2;
    } u;
};
static_assert(sizeof(xen_sysctl_scheduler_op) == 32 && offsetof(xen_sysctl_scheduler_op, u) == 16);

// XEN_SYSCTL_get_cpu_featureset: one of the feature sets as an array of 32-bit words.
struct xen_sysctl_cpu_featureset {
    uint32_t index;       // XEN_SYSCTL_cpu_featureset_*
    uint32_t nr_features; // in: words in features; out: written (or the maximum, null handle)
    guest_handle<uint32_t> features;
};
static_assert(sizeof(xen_sysctl_cpu_featureset) == 16);

// XEN_SYSCTL_get_cpu_policy: one of the CPUID/MSR policies, as leaves and MSRs.
struct xen_sysctl_cpu_policy {
    uint32_t index;     // XEN_SYSCTL_cpu_policy_*
    uint32_t nr_leaves; // in: room; out: written (or the maximum, null handle)
    uint32_t nr_msrs;   // in: room; out: written (or the maximum, null handle)
    uint32_t _rsvd;     // must be zero
    guest_handle<xen_cpuid_leaf> leaves;
    guest_handle<xen_msr_entry> msrs;
};
static_assert(sizeof(xen_sysctl_cpu_policy) == 32 && offsetof(xen_sysctl_cpu_policy, leaves) == 16 &&
              offsetof(xen_sysctl_cpu_policy, msrs) == 24);

struct xen_sysctl {
    uint32_t cmd;               // XEN_SYSCTL_*
    uint32_t interface_version; // XEN_SYSCTL_INTERFACE_VERSION
    union {
        xen_sysctl_readconsole readconsole;
        xen_sysctl_physinfo physinfo;
        xen_sysctl_sched_id sched_id;
        xen_sysctl_getdomaininfolist getdomaininfolist;
        xen_sysctl_debug_keys debug_keys;
        xen_sysctl_getcpuinfo getcpuinfo;
        xen_sysctl_cputopoinfo cputopoinfo;
        xen_sysctl_numainfo numainfo;
        xen_sysctl_cpupool_op cpupool_op;
        xen_sysctl_scheduler_op scheduler_op;
        xen_sysctl_cpu_featureset cpu_featureset;
        xen_sysctl_cpu_policy cpu_policy;
        uint8_t pad[128];
    } u;
};
static_assert(sizeof(xen_sysctl) == 136 && offsetof(xen_sysctl, u) == 8);

} // namespace xen
