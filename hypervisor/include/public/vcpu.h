// HYPERVISOR_vcpu_op(cmd, vcpuid, arg): bring vCPUs up and down, per-vCPU timers, and
// where Xen writes a vCPU's runstate, vcpu_info and time.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

inline constexpr unsigned VCPUOP_initialise = 0;        // vcpu_guest_context: first state
inline constexpr unsigned VCPUOP_up = 1;                // arg unused
inline constexpr unsigned VCPUOP_down = 2;              // arg unused
inline constexpr unsigned VCPUOP_is_up = 3;             // arg unused: returns 1 or 0
inline constexpr unsigned VCPUOP_get_runstate_info = 4; // vcpu_runstate_info
inline constexpr unsigned VCPUOP_register_runstate_memory_area = 5;
inline constexpr unsigned VCPUOP_set_periodic_timer = 6;    // vcpu_set_periodic_timer
inline constexpr unsigned VCPUOP_stop_periodic_timer = 7;   // arg unused
inline constexpr unsigned VCPUOP_set_singleshot_timer = 8;  // vcpu_set_singleshot_timer
inline constexpr unsigned VCPUOP_stop_singleshot_timer = 9; // arg unused
inline constexpr unsigned VCPUOP_register_vcpu_info = 10;   // vcpu_register_vcpu_info
inline constexpr unsigned VCPUOP_send_nmi = 11;             // arg unused
inline constexpr unsigned VCPUOP_get_physid = 12;           // vcpu_get_physid (dom0)
inline constexpr unsigned VCPUOP_register_vcpu_time_memory_area = 13;

// Where a vCPU's time went. The four times add up to system time without drift.
inline constexpr int RUNSTATE_running = 0;  // on a physical CPU
inline constexpr int RUNSTATE_runnable = 1; // wants a physical CPU
inline constexpr int RUNSTATE_blocked = 2;  // waiting for an event
inline constexpr int RUNSTATE_offline = 3;  // down, or paused by the toolstack

struct vcpu_runstate_info {
    int32_t state;             // RUNSTATE_*
    uint64_t state_entry_time; // system time (ns) when state was entered
    uint64_t time[4];          // ns spent in each RUNSTATE_*
};
static_assert(sizeof(vcpu_runstate_info) == 48);
static_assert(offsetof(vcpu_runstate_info, state_entry_time) == 8 &&
              offsetof(vcpu_runstate_info, time) == 16);

// With VMASST_TYPE_runstate_update_flag, set in state_entry_time while Xen rewrites a
// guest-registered copy.
inline constexpr uint64_t XEN_RUNSTATE_UPDATE = 1ull << 63;

// VCPUOP_register_runstate_memory_area: a guest virtual address Xen keeps updated.
struct vcpu_register_runstate_memory_area {
    union {
        guest_handle<vcpu_runstate_info> h;
        uint64_t p;
    } addr;
};
static_assert(sizeof(vcpu_register_runstate_memory_area) == 8);

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
static_assert(sizeof(vcpu_set_periodic_timer) == 8);

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; // absolute system time
    uint32_t flags;          // VCPU_SSHOTTMR_*
};
static_assert(sizeof(vcpu_set_singleshot_timer) == 16 &&
              offsetof(vcpu_set_singleshot_timer, flags) == 8);

// Fail with -ETIME if the timeout has already passed (Xen may ignore this).
inline constexpr unsigned VCPU_SSHOTTMR_future_bit = 0;
inline constexpr uint32_t VCPU_SSHOTTMR_future = 1u << 0;

// VCPUOP_register_vcpu_info: move this vCPU's vcpu_info out of shared_info into a guest
// frame (needed for vCPUs beyond XEN_LEGACY_MAX_VCPUS). The slot may not cross a page.
struct vcpu_register_vcpu_info {
    uint64_t mfn;    // guest frame
    uint32_t offset; // byte offset of the vcpu_info in it
    uint32_t rsvd;   // zero
};
static_assert(sizeof(vcpu_register_vcpu_info) == 16);
static_assert(offsetof(vcpu_register_vcpu_info, offset) == 8 &&
              offsetof(vcpu_register_vcpu_info, rsvd) == 12);

// VCPUOP_get_physid: the physical CPU's APIC id (low half) and ACPI id (high half).
struct vcpu_get_physid {
    uint64_t phys_id;
};
static_assert(sizeof(vcpu_get_physid) == 8);
constexpr uint32_t xen_vcpu_physid_to_x86_apicid(uint64_t physid) {
    return static_cast<uint32_t>(physid);
}
constexpr uint32_t xen_vcpu_physid_to_x86_acpiid(uint64_t physid) {
    return static_cast<uint32_t>(physid >> 32);
}

// VCPUOP_register_vcpu_time_memory_area: a second copy of vcpu_time_info, for user space.
struct vcpu_register_time_memory_area {
    union {
        guest_handle<vcpu_time_info> h;
        uint64_t p;
    } addr;
};
static_assert(sizeof(vcpu_register_time_memory_area) == 8);

} // namespace xen
