// The FIFO port ABI of common/event_channel_fifo.h. Every access to an event word or a
// control block is atomic: the guest changes them from its other vCPUs at any time.
#include "common/event_channel_fifo.h"

#include "public/errno.h"

namespace evtchn::fifo {
namespace {

uint32_t load(const uint32_t* w) {
    return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}
bool test_and_set(uint32_t* w, uint32_t bits) {
    return __atomic_fetch_or(w, bits, __ATOMIC_SEQ_CST) & bits;
}
void clear(uint32_t* w, uint32_t bits) {
    __atomic_fetch_and(w, ~bits, __ATOMIC_SEQ_CST);
}

// Sets the LINK field of *w (the old value `old`) iff it is still LINKED: 1 done, 0 not
// LINKED (the guest consumed it), -1 the word changed under us (`old` is its new value).
int try_set_link(uint32_t* w, uint32_t* old, uint32_t link) {
    if (!(*old & kLinked))
        return 0;
    uint32_t val = (*old & ~(kBusy | xen::EVTCHN_FIFO_LINK_MASK)) | link;
    return __atomic_compare_exchange_n(w, old, val, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 1
                                                                                               : -1;
}

// Links `link` behind the tail word *w; false when the tail is no longer LINKED (the
// queue is empty). The guest may only set or clear MASKED, clear PENDING and clear LINKED
// on a LINKED word, and BUSY holds off its unmasking, so after the first failure a
// well-behaved guest makes the cmpxchg fail at most 4 times; a guest that keeps changing
// the word loses that event (the tail counts as linked), never the hypervisor its time.
bool set_link(uint32_t* w, uint32_t link) {
    uint32_t old = load(w);
    int rc = try_set_link(w, &old, link);
    if (rc >= 0)
        return rc;
    test_and_set(w, kBusy);
    old = load(w);
    for (unsigned attempt = 0; attempt < 4; attempt++) {
        rc = try_set_link(w, &old, link);
        if (rc == 1)
            return true; // the new value has BUSY clear
        if (rc == 0) {
            clear(w, kBusy);
            return false;
        }
    }
    clear(w, kBusy);
    return true;
}

Raise set_pending(EvtchnDomain& e, Target t, Port& p, uint32_t port) {
    FifoDomain& f = *e.fifo;
    uint32_t* w = word(f, port);
    if (!w) {
        p.fifo_pending = true; // raised again when its page arrives
        return {};
    }
    // Without a control block the guest cannot have unmasked anything yet: dropped, as Xen.
    if (t.vcpu >= kMaxVcpus || !f.vcpus[t.vcpu].cb)
        return {};
    VcpuQueues& vq = f.vcpus[t.vcpu];
    Raise r{};
    r.newly_pending = !test_and_set(w, kPending);
    if ((load(w) & kMasked) || test_and_set(w, kLinked))
        return r;

    // The port leaves the queue it was last linked on: were it still that queue's tail, a
    // later event there would link behind it, into this queue.
    const unsigned prio = p.priority % kQueues;
    uint32_t& old_tail = f.vcpus[p.last_vcpu % kMaxVcpus].tail[p.last_priority % kQueues];
    if (old_tail == port)
        old_tail = 0;
    p.last_vcpu = t.vcpu;
    p.last_priority = uint8_t(prio);

    uint32_t& tail = vq.tail[prio];
    uint32_t* tail_word = tail ? word(f, tail) : nullptr;
    bool linked = tail_word && set_link(tail_word, port);
    tail = port;
    if (!linked) {
        __atomic_store_n(&vq.cb->head[prio], port, __ATOMIC_SEQ_CST);
        r.upcall = !test_and_set(&vq.cb->ready, 1u << prio);
    }
    return r;
}

void clear_pending(EvtchnDomain& e, Port& p, uint32_t port) {
    p.fifo_pending = false;
    // Only PENDING: a LINKED port stays on its queue until the guest passes it.
    if (uint32_t* w = word(*e.fifo, port))
        clear(w, kPending);
}

bool unmask(EvtchnDomain& e, Target t, Port& p, uint32_t port) {
    uint32_t* w = word(*e.fifo, port);
    if (!w)
        return false;
    clear(w, kMasked);
    return (load(w) & kPending) && set_pending(e, t, p, port).upcall;
}

bool is_pending(const EvtchnDomain& e, uint32_t port) {
    const uint32_t* w = word(*e.fifo, port);
    return w && (load(w) & kPending);
}

bool is_busy(const EvtchnDomain& e, uint32_t port) {
    const uint32_t* w = word(*e.fifo, port);
    return w && (load(w) & kLinked);
}

// A pending or linked port stays on the queue it is on; the next link uses the new one.
long set_priority(Port& p, uint32_t priority) {
    if (priority > xen::EVTCHN_FIFO_PRIORITY_MIN)
        return -xen::XEN_EINVAL;
    p.priority = uint8_t(priority);
    return 0;
}

} // namespace

uint32_t* word(const FifoDomain& f, uint32_t port) {
    if (port >= __atomic_load_n(&f.nr_ports, __ATOMIC_ACQUIRE))
        return nullptr;
    return f.pages[port / kWordsPerPage] + port % kWordsPerPage;
}

void attach_control_block(FifoDomain& f, uint16_t vcpu, xen::evtchn_fifo_control_block* cb,
                          uint64_t mfn) {
    f.vcpus[vcpu].cb_mfn = mfn;
    __atomic_store_n(&f.vcpus[vcpu].cb, cb, __ATOMIC_RELEASE);
}

bool add_page(FifoDomain& f, uint32_t* page, uint64_t mfn) {
    if (f.nr_pages >= kMaxPages)
        return false;
    f.pages[f.nr_pages] = page;
    f.page_mfn[f.nr_pages] = mfn;
    f.nr_pages++;
    __atomic_store_n(&f.nr_ports, f.nr_pages * kWordsPerPage, __ATOMIC_RELEASE);
    return true;
}

} // namespace evtchn::fifo

namespace evtchn {

const PortAbi kAbiFifo{fifo::set_pending, fifo::clear_pending, fifo::unmask,
                       fifo::is_pending,  fifo::is_busy,       fifo::set_priority};

} // namespace evtchn
