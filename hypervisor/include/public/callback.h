// HYPERVISOR_callback_op(cmd, arg): the guest entry points Xen bounces to.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

namespace xen {

inline constexpr uint16_t CALLBACKTYPE_event = 0;    // event-channel upcall
inline constexpr uint16_t CALLBACKTYPE_failsafe = 1; // Xen could not restore guest state
inline constexpr uint16_t CALLBACKTYPE_syscall = 2;  // SYSCALL from 64-bit user space
inline constexpr uint16_t CALLBACKTYPE_sysenter_deprecated = 3;
inline constexpr uint16_t CALLBACKTYPE_nmi = 4;
inline constexpr uint16_t CALLBACKTYPE_sysenter = 5; // SYSENTER from 32-bit user space
// 6 is unused.
inline constexpr uint16_t CALLBACKTYPE_syscall32 = 7; // SYSCALL from 32-bit user space

// Mask events (set evtchn_upcall_mask) when the callback is entered.
inline constexpr unsigned CALLBACKF_mask_events_bit = 0;
inline constexpr uint16_t CALLBACKF_mask_events = 1u << 0;

inline constexpr unsigned CALLBACKOP_register = 0;   // callback_register
inline constexpr unsigned CALLBACKOP_unregister = 1; // callback_unregister

struct callback_register {
    uint16_t type;  // CALLBACKTYPE_*
    uint16_t flags; // CALLBACKF_*
    xen_callback_t address;
};
static_assert(sizeof(callback_register) == 16 && offsetof(callback_register, address) == 8);

struct callback_unregister {
    uint16_t type;
    uint16_t unused;
};
static_assert(sizeof(callback_unregister) == 4);

} // namespace xen
