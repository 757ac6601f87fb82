// The FIFO event-channel ABI from the guest's side (fifo.h): the runtime's control blocks
// and event array, and the queue walk its upcall runs.
#include "fifo.h"

#include "public/errno.h"

namespace xt {

void deliver_event(unsigned port); // events.cpp: event_count and the hook

namespace fifo {
namespace {

alignas(4096) uint8_t control_pages[MAX_VCPUS][4096];
alignas(4096) uint32_t array_pages[MAX_PAGES][WORDS_PER_PAGE];
bool switched;
bool has_block[MAX_VCPUS];
unsigned pages;
// Where each queue's walk goes on: the LINK of the last event passed (0: read HEAD).
uint32_t next[MAX_VCPUS][xen::EVTCHN_FIFO_MAX_QUEUES];

// Clears LINKED and LINK together; the LINK they held.
uint32_t clear_linked(volatile uint32_t* w) {
    uint32_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
    while (!__atomic_compare_exchange_n(w, &old, old & ~(LINKED | LINK_MASK), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
    return old & LINK_MASK;
}

// The next event of queue q, its word already unlinked: 0 when the queue is empty (or its
// HEAD or LINK leads outside the array). *more says whether the queue goes on.
unsigned take(unsigned vcpu, unsigned q, bool* more) {
    unsigned port = next[vcpu][q];
    if (!port)
        port = __atomic_load_n(&control_block(vcpu)->head[q], __ATOMIC_SEQ_CST);
    volatile uint32_t* w = port ? word(port) : nullptr;
    if (!w) {
        next[vcpu][q] = 0;
        *more = false;
        return 0;
    }
    uint32_t link = clear_linked(w);
    next[vcpu][q] = link;
    *more = link != 0;
    return port;
}

void mask_page(uint32_t* page) {
    for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
        __atomic_store_n(&page[i], MASKED, __ATOMIC_SEQ_CST);
}

long init_control(unsigned id) {
    xen::evtchn_init_control c{mfn_of(control_pages[id]), 0, id, 0, {}};
    memset(control_pages[id], 0, sizeof control_pages[id]);
    long rc = event_channel_op(xen::EVTCHNOP_init_control, &c);
    if (rc == 0) {
        has_block[id] = true;
        for (auto& n : next[id])
            n = 0;
    }
    return rc;
}

} // namespace

long init() {
    if (long rc = init_control(0))
        return rc;
    switched = true;
    return expand();
}

long init_vcpu(unsigned id) {
    if (id >= MAX_VCPUS)
        return -xen::XEN_EINVAL;
    return init_control(id);
}

long expand() {
    if (pages == MAX_PAGES)
        return -xen::XEN_ENOSPC;
    mask_page(array_pages[pages]);
    xen::evtchn_expand_array e{mfn_of(array_pages[pages])};
    long rc = event_channel_op(xen::EVTCHNOP_expand_array, &e);
    if (rc == 0)
        __atomic_store_n(&pages, pages + 1, __ATOMIC_SEQ_CST);
    return rc;
}

long reset() {
    xen::evtchn_reset r{xen::DOMID_SELF};
    long rc = event_channel_op(xen::EVTCHNOP_reset, &r);
    if (rc == 0) {
        switched = false;
        pages = 0;
        for (bool& b : has_block)
            b = false;
        timer_port = ~0u; // closed with the rest
    }
    return rc;
}

bool active() {
    return switched;
}

xen::evtchn_fifo_control_block* control_block(unsigned vcpu) {
    return reinterpret_cast<xen::evtchn_fifo_control_block*>(control_pages[vcpu % MAX_VCPUS]);
}

uint64_t control_mfn(unsigned vcpu) {
    return mfn_of(control_pages[vcpu % MAX_VCPUS]);
}

unsigned nr_ports() {
    return __atomic_load_n(&pages, __ATOMIC_SEQ_CST) * WORDS_PER_PAGE;
}

volatile uint32_t* word(unsigned port) {
    if (port >= nr_ports())
        return nullptr;
    return &array_pages[port / WORDS_PER_PAGE][port % WORDS_PER_PAGE];
}

uint32_t load(unsigned port) {
    volatile uint32_t* w = word(port);
    return w ? __atomic_load_n(w, __ATOMIC_SEQ_CST) : 0;
}

long set_priority(unsigned port, unsigned priority) {
    xen::evtchn_set_priority s{port, priority};
    return event_channel_op(xen::EVTCHNOP_set_priority, &s);
}

void mask(unsigned port) {
    if (volatile uint32_t* w = word(port))
        __atomic_fetch_or(w, MASKED, __ATOMIC_SEQ_CST);
}

void clear_pending(unsigned port) {
    if (volatile uint32_t* w = word(port))
        __atomic_fetch_and(w, ~PENDING, __ATOMIC_SEQ_CST);
}

void unmask(unsigned port) {
    volatile uint32_t* w = word(port);
    if (!w)
        return;
    uint32_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
    for (;;) {
        if (!(old & MASKED))
            return;
        if (old & PENDING)
            break;
        // Expected without BUSY: while the hypervisor holds BUSY this fails and retries.
        old &= ~BUSY;
        if (__atomic_compare_exchange_n(w, &old, old & ~MASKED, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            return;
    }
    xen::evtchn_unmask u{port};
    if (long rc = event_channel_op(xen::EVTCHNOP_unmask, &u))
        report_error("EVTCHNOP_unmask(%u) returned %ld", port, rc);
}

void consume(unsigned vcpu) {
    if (vcpu >= MAX_VCPUS || !has_block[vcpu])
        return;
    xen::evtchn_fifo_control_block* cb = control_block(vcpu);
    constexpr uint32_t queues = (1u << xen::EVTCHN_FIFO_MAX_QUEUES) - 1;
    uint32_t ready = __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST) & queues;
    while (ready) {
        unsigned q = unsigned(__builtin_ctz(ready));
        bool more;
        unsigned port = take(vcpu, q, &more);
        if (!more)
            ready &= ~(1u << q);
        if (port) {
            volatile uint32_t* w = word(port);
            uint32_t v = __atomic_load_n(w, __ATOMIC_SEQ_CST);
            if ((v & PENDING) && !(v & MASKED)) {
                __atomic_fetch_and(w, ~PENDING, __ATOMIC_SEQ_CST);
                deliver_event(port);
            }
        }
        ready |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST) & queues;
    }
}

} // namespace fifo
} // namespace xt
