// The 2-level port ABI (kAbi2l, common/event_channel_abi.h): shared_info's evtchn_pending
// and evtchn_mask bitmaps, vcpu_info's evtchn_pending_sel and evtchn_upcall_pending. The
// bitmaps are the guest's memory and change under atomics only. Ports at or above
// kMax2lPorts (left in the table by a FIFO domain reset back to 2-level) have no bits.
#pragma once
#include <stdint.h>

#include "common/event_channel_abi.h"
#include "public/xen.h"

namespace evtchn {

// Marks `port` pending. Returns false if it already was (nothing else changes). Otherwise
// *upcall says whether the port is unmasked and its selector bit in `vi` was clear (so
// the caller marks the upcall pending and kicks the vCPU).
bool set_pending_bits(xen::shared_info& s, xen::vcpu_info& vi, uint32_t port, bool* upcall);
// EVTCHNOP_unmask: clears the mask bit; true when it was set, the port is pending and its
// selector bit in `vi` was clear (the caller then marks the upcall pending).
bool unmask_bits(xen::shared_info& s, xen::vcpu_info* vi, uint32_t port);
void clear_pending(xen::shared_info& s, uint32_t port);
bool is_pending(const xen::shared_info& s, uint32_t port);
// evtchn_upcall_pending = 1; true when it was clear.
bool set_upcall_pending(xen::vcpu_info& vi);

} // namespace evtchn
