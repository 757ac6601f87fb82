// The FIFO event-channel ABI from the guest's side (xen/include/public/event_channel.h):
// a control block per vCPU (READY bits, a HEAD per priority) and an event array of 32-bit
// words (PENDING, MASKED, LINKED, BUSY, LINK). Once fifo::init() has switched the domain,
// the runtime's upcall consumes vCPU 0's queues here instead of the 2-level bitmaps, and
// counts and hooks each event as events.cpp does (event_count, set_event_hook).
//
// What the guest may do to a word is what the ABI allows it: clear PENDING, set or clear
// MASKED (clearing it only while not PENDING and not BUSY; otherwise EVTCHNOP_unmask),
// and clear LINKED with LINK as it passes an event. Every change is an atomic op on the
// word, since the hypervisor changes it from other CPUs at any time.
#pragma once
#include <stdint.h>

#include "public/event_channel.h"
#include "runtime.h"

namespace xt::fifo {

inline constexpr uint32_t PENDING = 1u << xen::EVTCHN_FIFO_PENDING;
inline constexpr uint32_t MASKED = 1u << xen::EVTCHN_FIFO_MASKED;
inline constexpr uint32_t LINKED = 1u << xen::EVTCHN_FIFO_LINKED;
inline constexpr uint32_t BUSY = 1u << xen::EVTCHN_FIFO_BUSY;
inline constexpr uint32_t LINK_MASK = xen::EVTCHN_FIFO_LINK_MASK;
inline constexpr unsigned WORDS_PER_PAGE = 4096 / sizeof(uint32_t);
inline constexpr unsigned MAX_PAGES = 4; // the runtime's own array: 4096 ports

// EVTCHNOP_init_control for vCPU 0 on the runtime's control-block page, then
// EVTCHNOP_expand_array with the runtime's first array page, every word MASKED (as Linux
// does). The first error is returned (the domain stays 2-level if init_control failed).
long init();
// A control block for another vCPU (on a page of its own); its queues are walked only by
// consume(id).
long init_vcpu(unsigned id);
// One more runtime array page, every word MASKED; -ENOSPC past MAX_PAGES.
long expand();
// EVTCHNOP_reset of the domain: every port closed and the domain back to 2-level; the
// runtime's upcall goes back to the bitmaps.
long reset();
bool active();

xen::evtchn_fifo_control_block* control_block(unsigned vcpu);
uint64_t control_mfn(unsigned vcpu);
unsigned nr_ports();                    // ports with a word in the runtime's array
volatile uint32_t* word(unsigned port); // nullptr beyond the array
uint32_t load(unsigned port);           // 0 beyond the array

long set_priority(unsigned port, unsigned priority);
void mask(unsigned port);
void clear_pending(unsigned port);
// Linux's unmask: clears MASKED in the word while it is neither PENDING nor BUSY,
// otherwise asks the hypervisor (EVTCHNOP_unmask), which links a pending event.
void unmask(unsigned port);

// Passes the events of vCPU id's queues as the ABI says: READY taken with an exchange,
// the highest ready priority first and READY looked at again after each event, each
// queue from HEAD (or from where the last pass stopped) following LINK, clearing LINKED
// with LINK in one cmpxchg; an event still PENDING and not MASKED is handed on (PENDING
// cleared, event_count and the hook). A HEAD or LINK outside the array ends its queue.
void consume(unsigned vcpu);

} // namespace xt::fifo
