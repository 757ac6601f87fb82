// HYPERVISOR_domctl(xen_domctl *op): per-domain control for the toolstack (dom0's libxl
// through privcmd). The interface version is checked exactly: Debian's Xen 4.17 tools
// send 0x15 and expect that layout. All command numbers are listed; structures only for
// the commands written so far (the rest travel in the 128-byte pad of the union).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

inline constexpr uint32_t XEN_DOMCTL_INTERFACE_VERSION = 0x00000015;

inline constexpr unsigned XEN_DOMCTL_createdomain = 1;
inline constexpr unsigned XEN_DOMCTL_destroydomain = 2;
inline constexpr unsigned XEN_DOMCTL_pausedomain = 3;
inline constexpr unsigned XEN_DOMCTL_unpausedomain = 4;
inline constexpr unsigned XEN_DOMCTL_getdomaininfo = 5;
// 6-8 are retired (getmemlist, getpageframeinfo, getpageframeinfo2).
inline constexpr unsigned XEN_DOMCTL_setvcpuaffinity = 9;
inline constexpr unsigned XEN_DOMCTL_shadow_op = 10;
inline constexpr unsigned XEN_DOMCTL_max_mem = 11;
inline constexpr unsigned XEN_DOMCTL_setvcpucontext = 12;
inline constexpr unsigned XEN_DOMCTL_getvcpucontext = 13;
inline constexpr unsigned XEN_DOMCTL_getvcpuinfo = 14;
inline constexpr unsigned XEN_DOMCTL_max_vcpus = 15;
inline constexpr unsigned XEN_DOMCTL_scheduler_op = 16;
inline constexpr unsigned XEN_DOMCTL_setdomainhandle = 17;
inline constexpr unsigned XEN_DOMCTL_setdebugging = 18;
inline constexpr unsigned XEN_DOMCTL_irq_permission = 19;
inline constexpr unsigned XEN_DOMCTL_iomem_permission = 20;
inline constexpr unsigned XEN_DOMCTL_ioport_permission = 21;
inline constexpr unsigned XEN_DOMCTL_hypercall_init = 22;
// 23 is Xen's internal continuation of soft_reset.
inline constexpr unsigned XEN_DOMCTL_settimeoffset = 24;
inline constexpr unsigned XEN_DOMCTL_getvcpuaffinity = 25;
inline constexpr unsigned XEN_DOMCTL_real_mode_area = 26; // obsolete (PowerPC)
inline constexpr unsigned XEN_DOMCTL_resumedomain = 27;
inline constexpr unsigned XEN_DOMCTL_sendtrigger = 28;
inline constexpr unsigned XEN_DOMCTL_subscribe = 29;
inline constexpr unsigned XEN_DOMCTL_gethvmcontext = 33;
inline constexpr unsigned XEN_DOMCTL_sethvmcontext = 34;
inline constexpr unsigned XEN_DOMCTL_set_address_size = 35;
inline constexpr unsigned XEN_DOMCTL_get_address_size = 36;
inline constexpr unsigned XEN_DOMCTL_assign_device = 37;
inline constexpr unsigned XEN_DOMCTL_bind_pt_irq = 38;
inline constexpr unsigned XEN_DOMCTL_memory_mapping = 39;
inline constexpr unsigned XEN_DOMCTL_ioport_mapping = 40;
inline constexpr unsigned XEN_DOMCTL_set_ext_vcpucontext = 42;
inline constexpr unsigned XEN_DOMCTL_get_ext_vcpucontext = 43;
inline constexpr unsigned XEN_DOMCTL_set_opt_feature = 44; // obsolete (IA64)
inline constexpr unsigned XEN_DOMCTL_test_assign_device = 45;
inline constexpr unsigned XEN_DOMCTL_set_target = 46;
inline constexpr unsigned XEN_DOMCTL_deassign_device = 47;
inline constexpr unsigned XEN_DOMCTL_unbind_pt_irq = 48;
inline constexpr unsigned XEN_DOMCTL_get_device_group = 50;
inline constexpr unsigned XEN_DOMCTL_debug_op = 54;
inline constexpr unsigned XEN_DOMCTL_gethvmcontext_partial = 55;
inline constexpr unsigned XEN_DOMCTL_vm_event_op = 56;
inline constexpr unsigned XEN_DOMCTL_mem_sharing_op = 57;
inline constexpr unsigned XEN_DOMCTL_gettscinfo = 59;
inline constexpr unsigned XEN_DOMCTL_settscinfo = 60;
inline constexpr unsigned XEN_DOMCTL_getpageframeinfo3 = 61;
inline constexpr unsigned XEN_DOMCTL_setvcpuextstate = 62;
inline constexpr unsigned XEN_DOMCTL_getvcpuextstate = 63;
inline constexpr unsigned XEN_DOMCTL_set_access_required = 64;
inline constexpr unsigned XEN_DOMCTL_audit_p2m = 65;
inline constexpr unsigned XEN_DOMCTL_set_virq_handler = 66;
inline constexpr unsigned XEN_DOMCTL_set_broken_page_p2m = 67;
inline constexpr unsigned XEN_DOMCTL_setnodeaffinity = 68;
inline constexpr unsigned XEN_DOMCTL_getnodeaffinity = 69;
inline constexpr unsigned XEN_DOMCTL_cacheflush = 71;
inline constexpr unsigned XEN_DOMCTL_get_vcpu_msrs = 72;
inline constexpr unsigned XEN_DOMCTL_set_vcpu_msrs = 73;
inline constexpr unsigned XEN_DOMCTL_setvnumainfo = 74;
inline constexpr unsigned XEN_DOMCTL_psr_cmt_op = 75;
inline constexpr unsigned XEN_DOMCTL_monitor_op = 77;
inline constexpr unsigned XEN_DOMCTL_psr_alloc = 78;
inline constexpr unsigned XEN_DOMCTL_soft_reset = 79;
inline constexpr unsigned XEN_DOMCTL_vuart_op = 81;
inline constexpr unsigned XEN_DOMCTL_get_cpu_policy = 82;
inline constexpr unsigned XEN_DOMCTL_set_cpu_policy = 83;
inline constexpr unsigned XEN_DOMCTL_vmtrace_op = 84;
inline constexpr unsigned XEN_DOMCTL_get_paging_mempool_size = 85;
inline constexpr unsigned XEN_DOMCTL_set_paging_mempool_size = 86;
inline constexpr unsigned XEN_DOMCTL_gdbsx_guestmemio = 1000;
inline constexpr unsigned XEN_DOMCTL_gdbsx_pausevcpu = 1001;
inline constexpr unsigned XEN_DOMCTL_gdbsx_unpausevcpu = 1002;
inline constexpr unsigned XEN_DOMCTL_gdbsx_domstatus = 1003;

// Sub-ops of XEN_DOMCTL_vmtrace_op.
inline constexpr uint32_t XEN_DOMCTL_vmtrace_enable = 1;
inline constexpr uint32_t XEN_DOMCTL_vmtrace_disable = 2;
inline constexpr uint32_t XEN_DOMCTL_vmtrace_reset_and_enable = 3;
inline constexpr uint32_t XEN_DOMCTL_vmtrace_output_position = 4;
inline constexpr uint32_t XEN_DOMCTL_vmtrace_get_option = 5;
inline constexpr uint32_t XEN_DOMCTL_vmtrace_set_option = 6;

// Scheduler ids (XEN_DOMCTL_scheduler_op, XEN_SYSCTL_sched_id).
inline constexpr uint32_t XEN_SCHEDULER_CREDIT = 5;
inline constexpr uint32_t XEN_SCHEDULER_CREDIT2 = 6;
inline constexpr uint32_t XEN_SCHEDULER_ARINC653 = 7;
inline constexpr uint32_t XEN_SCHEDULER_RTDS = 8;
inline constexpr uint32_t XEN_SCHEDULER_NULL = 9;

// ---------------------------------------------------------------------------------------
// XEN_DOMCTL_createdomain. The domain id is taken from xen_domctl.domain (a free one is
// picked when it is zero or reserved) and written back there.

inline constexpr uint32_t XEN_DOMCTL_CDF_hvm = 1u << 0;          // HVM/PVH rather than PV
inline constexpr uint32_t XEN_DOMCTL_CDF_hap = 1u << 1;          // use hardware paging
inline constexpr uint32_t XEN_DOMCTL_CDF_s3_integrity = 1u << 2; // tboot checks memory over S3
inline constexpr uint32_t XEN_DOMCTL_CDF_oos_off = 1u << 3;      // no out-of-sync shadows
inline constexpr uint32_t XEN_DOMCTL_CDF_xs_domain = 1u << 4;    // runs xenstored
inline constexpr uint32_t XEN_DOMCTL_CDF_iommu = 1u << 5;        // may have passed-through devices
inline constexpr uint32_t XEN_DOMCTL_CDF_nested_virt = 1u << 6;  // nested virtualisation
inline constexpr uint32_t XEN_DOMCTL_CDF_vpmu = 1u << 7;         // expose the vPMU
inline constexpr uint32_t XEN_DOMCTL_CDF_MAX = XEN_DOMCTL_CDF_vpmu;

inline constexpr uint32_t XEN_DOMCTL_IOMMU_no_sharept = 1u << 0; // IOMMU tables not shared
inline constexpr uint32_t XEN_DOMCTL_IOMMU_MAX = XEN_DOMCTL_IOMMU_no_sharept;

inline constexpr uint32_t XEN_DOMCTL_GRANT_version_mask = 0xf; // max grant version, low bits
constexpr uint32_t XEN_DOMCTL_GRANT_version(uint32_t v) {
    return v & XEN_DOMCTL_GRANT_version_mask;
}

struct xen_domctl_createdomain {
    uint32_t ssidref; // XSM label
    xen_domain_handle_t handle;
    uint32_t flags;      // XEN_DOMCTL_CDF_*
    uint32_t iommu_opts; // XEN_DOMCTL_IOMMU_*
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;    // < 0: the hypervisor's default
    int32_t max_maptrack_frames; // < 0: the hypervisor's default
    uint32_t grant_opts;         // XEN_DOMCTL_GRANT_version(v)
    uint32_t vmtrace_size;       // per-vCPU trace buffer bytes, 0 for none
    uint32_t cpupool_id;         // 0 or an existing pool
    xen_arch_domainconfig arch;
};
static_assert(sizeof(xen_domctl_createdomain) == 64);
static_assert(offsetof(xen_domctl_createdomain, handle) == 4 &&
              offsetof(xen_domctl_createdomain, flags) == 20 &&
              offsetof(xen_domctl_createdomain, iommu_opts) == 24 &&
              offsetof(xen_domctl_createdomain, max_vcpus) == 28 &&
              offsetof(xen_domctl_createdomain, max_evtchn_port) == 32 &&
              offsetof(xen_domctl_createdomain, max_grant_frames) == 36 &&
              offsetof(xen_domctl_createdomain, max_maptrack_frames) == 40 &&
              offsetof(xen_domctl_createdomain, grant_opts) == 44 &&
              offsetof(xen_domctl_createdomain, vmtrace_size) == 48 &&
              offsetof(xen_domctl_createdomain, cpupool_id) == 52 &&
              offsetof(xen_domctl_createdomain, arch) == 56);

// ---------------------------------------------------------------------------------------
// XEN_DOMCTL_getdomaininfo (also the element of XEN_SYSCTL_getdomaininfolist).

inline constexpr uint32_t XEN_DOMINF_dying = 1u << 0;     // being destroyed
inline constexpr uint32_t XEN_DOMINF_hvm_guest = 1u << 1; // HVM/PVH
inline constexpr uint32_t XEN_DOMINF_shutdown = 1u << 2;  // the guest shut down
inline constexpr uint32_t XEN_DOMINF_paused = 1u << 3;    // paused by the toolstack
inline constexpr uint32_t XEN_DOMINF_blocked = 1u << 4;   // every vCPU waits for events
inline constexpr uint32_t XEN_DOMINF_running = 1u << 5;   // some vCPU is on a CPU
inline constexpr uint32_t XEN_DOMINF_debugged = 1u << 6;  // under a debugger
inline constexpr uint32_t XEN_DOMINF_xs_domain = 1u << 7; // runs xenstored
inline constexpr uint32_t XEN_DOMINF_hap = 1u << 8;       // uses hardware paging
// The SHUTDOWN_* reason, when XEN_DOMINF_shutdown is set.
inline constexpr uint32_t XEN_DOMINF_shutdownmask = 255;
inline constexpr uint32_t XEN_DOMINF_shutdownshift = 16;

inline constexpr uint32_t XEN_INVALID_MAX_VCPU_ID = ~0u; // the domain has no vCPUs

struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags; // XEN_DOMINF_*
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame; // gmfn of shared_info
    uint64_t cpu_time;          // ns used by all vCPUs
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits; // width of the guest physical address space
    uint8_t pad2[7];
    xen_arch_domainconfig arch_config;
};
static_assert(sizeof(xen_domctl_getdomaininfo) == 112);
static_assert(offsetof(xen_domctl_getdomaininfo, flags) == 4 &&
              offsetof(xen_domctl_getdomaininfo, tot_pages) == 8 &&
              offsetof(xen_domctl_getdomaininfo, shared_info_frame) == 48 &&
              offsetof(xen_domctl_getdomaininfo, cpu_time) == 56 &&
              offsetof(xen_domctl_getdomaininfo, nr_online_vcpus) == 64 &&
              offsetof(xen_domctl_getdomaininfo, max_vcpu_id) == 68 &&
              offsetof(xen_domctl_getdomaininfo, ssidref) == 72 &&
              offsetof(xen_domctl_getdomaininfo, handle) == 76 &&
              offsetof(xen_domctl_getdomaininfo, cpupool) == 92 &&
              offsetof(xen_domctl_getdomaininfo, gpaddr_bits) == 96 &&
              offsetof(xen_domctl_getdomaininfo, arch_config) == 104);

// ---------------------------------------------------------------------------------------
// Small payloads.

// XEN_DOMCTL_max_mem.
struct xen_domctl_max_mem {
    uint64_t max_memkb;
};
static_assert(sizeof(xen_domctl_max_mem) == 8);

// XEN_DOMCTL_setvcpucontext / getvcpucontext.
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    guest_handle<vcpu_guest_context> ctxt;
};
static_assert(sizeof(xen_domctl_vcpucontext) == 16 && offsetof(xen_domctl_vcpucontext, ctxt) == 8);

// XEN_DOMCTL_getvcpuinfo.
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;     // in
    uint8_t online;    // out
    uint8_t blocked;   // out
    uint8_t running;   // out
    uint64_t cpu_time; // out: ns
    uint32_t cpu;      // out: physical CPU
};
static_assert(sizeof(xen_domctl_getvcpuinfo) == 24);
static_assert(offsetof(xen_domctl_getvcpuinfo, online) == 4 &&
              offsetof(xen_domctl_getvcpuinfo, running) == 6 &&
              offsetof(xen_domctl_getvcpuinfo, cpu_time) == 8 &&
              offsetof(xen_domctl_getvcpuinfo, cpu) == 16);

// XEN_DOMCTL_max_vcpus.
struct xen_domctl_max_vcpus {
    uint32_t max;
};
static_assert(sizeof(xen_domctl_max_vcpus) == 4);

// XEN_DOMCTL_setdomainhandle.
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};
static_assert(sizeof(xen_domctl_setdomainhandle) == 16);

// XEN_DOMCTL_hypercall_init: write the hypercall page into this guest frame.
struct xen_domctl_hypercall_init {
    uint64_t gmfn;
};
static_assert(sizeof(xen_domctl_hypercall_init) == 8);

// XEN_DOMCTL_settimeoffset: added to the domain's wall clock.
struct xen_domctl_settimeoffset {
    int64_t time_offset_seconds;
};
static_assert(sizeof(xen_domctl_settimeoffset) == 8);

// XEN_DOMCTL_set_address_size / get_address_size: a PV guest's word size (32 or 64).
struct xen_domctl_address_size {
    uint32_t size;
};
static_assert(sizeof(xen_domctl_address_size) == 4);

// XEN_DOMCTL_irq_permission: whether the domain may be given this pirq of the caller's.
struct xen_domctl_irq_permission {
    uint32_t pirq;
    uint8_t allow_access;
    uint8_t pad[3];
};
static_assert(sizeof(xen_domctl_irq_permission) == 8);

// XEN_DOMCTL_iomem_permission: machine frames the domain may map.
struct xen_domctl_iomem_permission {
    uint64_t first_mfn;
    uint64_t nr_mfns; // > 0
    uint8_t allow_access;
};
static_assert(sizeof(xen_domctl_iomem_permission) == 24 &&
              offsetof(xen_domctl_iomem_permission, allow_access) == 16);

// XEN_DOMCTL_ioport_permission: I/O ports the domain may use.
struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t allow_access;
};
static_assert(sizeof(xen_domctl_ioport_permission) == 12);

// XEN_DOMCTL_settscinfo / gettscinfo.
inline constexpr uint32_t XEN_TSC_MODE_DEFAULT = 0;
inline constexpr uint32_t XEN_TSC_MODE_ALWAYS_EMULATE = 1;
inline constexpr uint32_t XEN_TSC_MODE_NEVER_EMULATE = 2;
struct xen_domctl_tsc_info {
    uint32_t tsc_mode;
    uint32_t gtsc_khz;
    uint32_t incarnation;
    uint32_t pad;
    uint64_t elapsed_nsec;
};
static_assert(sizeof(xen_domctl_tsc_info) == 24 && offsetof(xen_domctl_tsc_info, elapsed_nsec) == 16);

// XEN_DOMCTL_shadow_op: a domain's paging mode, for save and migration its log-dirty
// mode (the pages written since the last CLEAN, as a bitmap of pseudo-physical frames).
inline constexpr uint32_t XEN_DOMCTL_SHADOW_OP_OFF = 0;
inline constexpr uint32_t XEN_DOMCTL_SHADOW_OP_ENABLE_TEST = 1;     // legacy: ENABLE, no flags
inline constexpr uint32_t XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY = 2; // legacy: ENABLE, LOG_DIRTY
inline constexpr uint32_t XEN_DOMCTL_SHADOW_OP_CLEAN = 11;          // the bitmap, then cleared
inline constexpr uint32_t XEN_DOMCTL_SHADOW_OP_PEEK = 12;           // the bitmap, left as it is
inline constexpr uint32_t XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION = 30;
inline constexpr uint32_t XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION = 31;
inline constexpr uint32_t XEN_DOMCTL_SHADOW_OP_ENABLE = 32; // mode: XEN_DOMCTL_SHADOW_ENABLE_*
inline constexpr uint32_t XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT = 1u << 1;
inline constexpr uint32_t XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY = 1u << 2;
inline constexpr uint32_t XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE = 1u << 3;
inline constexpr uint32_t XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL = 1u << 4;
inline constexpr uint32_t XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL = 1u << 0; // CLEAN/PEEK mode
struct xen_domctl_shadow_op_stats {
    uint32_t fault_count;
    uint32_t dirty_count;
};
struct xen_domctl_shadow_op {
    uint32_t op;   // XEN_DOMCTL_SHADOW_OP_*
    uint32_t mode; // ENABLE: XEN_DOMCTL_SHADOW_ENABLE_*; CLEAN/PEEK: _LOGDIRTY_*
    uint32_t mb;   // GET/SET_ALLOCATION: the paging pool in MiB
    uint32_t pad;
    guest_handle<uint8_t> dirty_bitmap; // CLEAN/PEEK: one bit per frame, or null
    uint64_t pages;                     // the bitmap's size in bits; in/out
    xen_domctl_shadow_op_stats stats;
};
static_assert(sizeof(xen_domctl_shadow_op) == 40 &&
              offsetof(xen_domctl_shadow_op, dirty_bitmap) == 16 &&
              offsetof(xen_domctl_shadow_op, pages) == 24 &&
              offsetof(xen_domctl_shadow_op, stats) == 32);

// XEN_DOMCTL_getpageframeinfo3: each frame of the array is replaced by its type.
inline constexpr uint64_t XEN_DOMCTL_PFINFO_LTAB_SHIFT = 28;
inline constexpr uint64_t XEN_DOMCTL_PFINFO_NOTAB = 0x0ull << 28;
inline constexpr uint64_t XEN_DOMCTL_PFINFO_L1TAB = 0x1ull << 28;
inline constexpr uint64_t XEN_DOMCTL_PFINFO_L2TAB = 0x2ull << 28;
inline constexpr uint64_t XEN_DOMCTL_PFINFO_L3TAB = 0x3ull << 28;
inline constexpr uint64_t XEN_DOMCTL_PFINFO_L4TAB = 0x4ull << 28;
inline constexpr uint64_t XEN_DOMCTL_PFINFO_LPINTAB = 0x8ull << 28; // pinned
inline constexpr uint64_t XEN_DOMCTL_PFINFO_XTAB = 0xfull << 28;    // not the domain's
inline constexpr uint64_t XEN_DOMCTL_PFINFO_BROKEN = 0xdull << 28;
struct xen_domctl_getpageframeinfo3 {
    uint64_t num;
    guest_handle<uint64_t> array;
};
static_assert(sizeof(xen_domctl_getpageframeinfo3) == 16);

// ---------------------------------------------------------------------------------------
// Placement and scheduling of a domain's vCPUs.

// XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity: which physical CPUs a vCPU may run on
// (hard) and prefers (soft). set writes back the effective masks.
inline constexpr uint32_t XEN_VCPUAFFINITY_HARD = 1u << 0;
inline constexpr uint32_t XEN_VCPUAFFINITY_SOFT = 1u << 1;
inline constexpr uint32_t XEN_VCPUAFFINITY_FORCE = 1u << 2; // undo SCHEDOP_pin_override

struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags; // XEN_VCPUAFFINITY_*
    xenctl_bitmap cpumap_hard;
    xenctl_bitmap cpumap_soft;
};
static_assert(sizeof(xen_domctl_vcpuaffinity) == 40);
static_assert(offsetof(xen_domctl_vcpuaffinity, cpumap_hard) == 8 &&
              offsetof(xen_domctl_vcpuaffinity, cpumap_soft) == 24);

// XEN_DOMCTL_setnodeaffinity / getnodeaffinity: the NUMA nodes a domain's memory and
// vCPUs prefer.
struct xen_domctl_nodeaffinity {
    xenctl_bitmap nodemap;
};
static_assert(sizeof(xen_domctl_nodeaffinity) == 16);

// XEN_DOMCTL_scheduler_op: a domain's parameters in its scheduler (sched_id must be the
// scheduler its pool runs).
inline constexpr uint32_t XEN_DOMCTL_SCHEDOP_putinfo = 0;
inline constexpr uint32_t XEN_DOMCTL_SCHEDOP_getinfo = 1;
inline constexpr uint32_t XEN_DOMCTL_SCHEDOP_putvcpuinfo = 2;
inline constexpr uint32_t XEN_DOMCTL_SCHEDOP_getvcpuinfo = 3;

struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_sched_credit2 {
    uint16_t weight; // 0 on put: unchanged
    uint16_t cap;    // percent of one CPU, 0: none
};
struct xen_domctl_sched_rtds {
    uint32_t period;
    uint32_t budget;
    uint32_t flags;
};
struct xen_domctl_scheduler_op {
    uint32_t sched_id; // XEN_SCHEDULER_*
    uint32_t cmd;      // XEN_DOMCTL_SCHEDOP_*
    union {
        xen_domctl_sched_credit credit;
        xen_domctl_sched_credit2 credit2;
        xen_domctl_sched_rtds rtds;
        struct {
            guest_handle<void> vcpus; // per-vCPU parameters (schedulers that have them)
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u;
};
static_assert(sizeof(xen_domctl_scheduler_op) == 24 && offsetof(xen_domctl_scheduler_op, u) == 8);

// XEN_DOMCTL_get_cpu_policy / set_cpu_policy: a domain's CPUID leaves and MSRs.
struct xen_domctl_cpu_policy {
    uint32_t nr_leaves; // in: room (get) or count (set); out (get): written
    uint32_t nr_msrs;
    guest_handle<xen_cpuid_leaf> leaves;
    guest_handle<xen_msr_entry> msrs;
    // out, set only, on some errors: the leaf:subleaf or MSR the audit refused (~0: none)
    uint32_t err_leaf, err_subleaf, err_msr;
};
static_assert(sizeof(xen_domctl_cpu_policy) == 40 && offsetof(xen_domctl_cpu_policy, leaves) == 8 &&
              offsetof(xen_domctl_cpu_policy, err_leaf) == 24);

// ---------------------------------------------------------------------------------------
// The call itself. destroydomain, pausedomain, unpausedomain and resumedomain carry no
// payload: the domain id is all.

struct xen_domctl {
    uint32_t cmd;               // XEN_DOMCTL_*
    uint32_t interface_version; // XEN_DOMCTL_INTERFACE_VERSION
    domid_t domain;
    uint16_t pad[3];
    union {
        xen_domctl_createdomain createdomain;
        xen_domctl_getdomaininfo getdomaininfo;
        xen_domctl_max_mem max_mem;
        xen_domctl_vcpucontext vcpucontext;
        xen_domctl_getvcpuinfo getvcpuinfo;
        xen_domctl_max_vcpus max_vcpus;
        xen_domctl_setdomainhandle setdomainhandle;
        xen_domctl_hypercall_init hypercall_init;
        xen_domctl_settimeoffset settimeoffset;
        xen_domctl_address_size address_size;
        xen_domctl_irq_permission irq_permission;
        xen_domctl_iomem_permission iomem_permission;
        xen_domctl_ioport_permission ioport_permission;
        xen_domctl_tsc_info tsc_info;
        xen_domctl_getpageframeinfo3 getpageframeinfo3;
        xen_domctl_shadow_op shadow_op;
        xen_domctl_vcpuaffinity vcpuaffinity;
        xen_domctl_nodeaffinity nodeaffinity;
        xen_domctl_scheduler_op scheduler_op;
        xen_domctl_cpu_policy cpu_policy;
        uint8_t pad[128];
    } u;
};
static_assert(sizeof(xen_domctl) == 144);
static_assert(offsetof(xen_domctl, interface_version) == 4 && offsetof(xen_domctl, domain) == 8 &&
              offsetof(xen_domctl, u) == 16);

} // namespace xen
