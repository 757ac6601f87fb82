// The FIFO ABI's sub-ops that change which guest frames back it (EVTCHNOP_init_control,
// EVTCHNOP_expand_array) and its teardown (EVTCHNOP_reset, a dying domain): the frames are
// the domain's own RAM, and xenon holds a general and a writable type reference on each for
// as long as it writes into it, so that none can be freed, given away or become a page
// table meanwhile.
#pragma once
#include <stdint.h>

#include "common/event_channel_ports.h"
#include "public/event_channel.h"

struct Domain;

namespace evtchn {

// The vCPU's control block at (control_gfn, offset); the domain's first switches it from
// 2-level to FIFO (its bound ports carry over at the default priority, those pending are
// raised again once their event word exists). Xen 4.17's errors: -ENOENT no such vCPU,
// -EINVAL offset out of the page or not 8-aligned, a vCPU that has one already, a frame
// that is not the domain's writable RAM; -ENOMEM.
long init_control(Domain& d, xen::evtchn_init_control& op);
// One more event-array page: -EOPNOTSUPP before init_control, -ENOSPC past the ABI's 128
// pages, -EINVAL for a frame as above. Ports raised before their word existed are raised.
long expand_array(Domain& d, uint64_t array_gfn);
// Back to 2-level: the frames are let go (the ports are the caller's, already closed).
void fifo_destroy(EvtchnDomain& e);

} // namespace evtchn
