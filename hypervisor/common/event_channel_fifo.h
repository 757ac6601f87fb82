// The FIFO port ABI (kAbiFifo, common/event_channel_abi.h) as xen/include/public/
// event_channel.h documents it and Xen 4.17's event_fifo.c behaves: each port has a 32-bit
// event word in the guest's event array (pages added by EVTCHNOP_expand_array) with
// PENDING, MASKED, LINKED and BUSY bits and a LINK field; each vCPU has a control block
// (EVTCHNOP_init_control) with a READY bit and a HEAD per priority, 0 (highest) to 15.
//
// Raising an unmasked port that is not LINKED links it at the tail of its vCPU's queue for
// its priority: the tail's LINK field is set to it (a cmpxchg that only succeeds while the
// tail is still LINKED; once the guest gets in the way, BUSY keeps it from unmasking the
// tail meanwhile), or, when the queue is empty (no tail, or the tail unlinked already),
// HEAD is set to it and the READY bit; a READY bit that was clear raises the upcall. The
// guest consumes a queue from HEAD, clearing LINKED as it goes. The tail is xenon's own
// (per vCPU and priority); the LINK fields and HEAD are never read back, so nothing the
// guest writes there is followed: a guest corrupting them only confuses itself. A port
// whose priority or vCPU changed moves to the new queue the next time it is linked (the
// old queue forgets it as its tail, so the old and new queues never join).
//
// Pure (host-testable): guest memory is reached through the pointers in FifoDomain, which
// common/event_channel_fifo_hv.cpp maps from frames it holds a writable reference on.
#pragma once
#include <stdint.h>

#include "common/event_channel_abi.h"
#include "public/event_channel.h"

namespace evtchn::fifo {

constexpr uint32_t kWordsPerPage = 4096 / sizeof(xen::event_word_t);
constexpr uint32_t kMaxPages = xen::EVTCHN_FIFO_NR_CHANNELS / kWordsPerPage;
constexpr uint32_t kMaxVcpus = 32;
constexpr uint32_t kQueues = xen::EVTCHN_FIFO_MAX_QUEUES;

constexpr uint32_t kPending = 1u << xen::EVTCHN_FIFO_PENDING;
constexpr uint32_t kMasked = 1u << xen::EVTCHN_FIFO_MASKED;
constexpr uint32_t kLinked = 1u << xen::EVTCHN_FIFO_LINKED;
constexpr uint32_t kBusy = 1u << xen::EVTCHN_FIFO_BUSY;

struct VcpuQueues {
    xen::evtchn_fifo_control_block* cb; // nullptr until the vCPU's init_control
    uint64_t cb_mfn;                    // the frame behind it (event_channel_fifo_hv.cpp)
    uint32_t tail[kQueues];             // 0: empty
};

struct FifoDomain {
    uint32_t nr_ports; // ports with an event word: nr_pages * kWordsPerPage
    uint32_t nr_pages;
    uint32_t* pages[kMaxPages];
    uint64_t page_mfn[kMaxPages];
    VcpuQueues vcpus[kMaxVcpus];
};

// The port's event word, or nullptr while the event array does not reach it.
uint32_t* word(const FifoDomain& f, uint32_t port);

// The vCPU's control block is at `cb` from now on (the caller checked there was none).
void attach_control_block(FifoDomain& f, uint16_t vcpu, xen::evtchn_fifo_control_block* cb,
                          uint64_t mfn);
// One more page of event words; false when the array is full (kMaxPages).
bool add_page(FifoDomain& f, uint32_t* page, uint64_t mfn);

} // namespace evtchn::fifo
