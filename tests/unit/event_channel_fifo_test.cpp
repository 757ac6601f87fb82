// common/event_channel_fifo.h: the FIFO port ABI over fake guest memory (an event array
// page and a control block per vCPU): HEAD, LINK and READY as the public header documents
// them, masking, priorities, ports moving between queues, BUSY, and what a guest that
// scribbles on its own words can and cannot make the hypervisor do.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <thread>

#include "common/event_channel_abi.h"
#include "common/event_channel_fifo.h"
#include "public/errno.h"

namespace {

using namespace evtchn;
using namespace evtchn::fifo;
using namespace xen;

void* test_zalloc(size_t size) {
    return calloc(1, size);
}
constexpr Alloc kAlloc{test_zalloc, free};

struct alignas(4096) Page {
    uint32_t words[kWordsPerPage];
};

struct Fifo {
    std::unique_ptr<shared_info> shared = std::make_unique<shared_info>();
    EvtchnDomain* e = table_create(kAlloc, shared.get());
    std::unique_ptr<FifoDomain> f = std::make_unique<FifoDomain>();
    std::unique_ptr<Page> page = std::make_unique<Page>();
    evtchn_fifo_control_block cb[2]{};

    Fifo() {
        attach_control_block(*f, 0, &cb[0], 0);
        attach_control_block(*f, 1, &cb[1], 0);
        EXPECT_TRUE(add_page(*f, page->words, 0));
        e->fifo = f.get();
        e->abi = &kAbiFifo;
        e->limit = kMaxPorts;
    }
    ~Fifo() { table_free(e, kAlloc); }

    // A new interdomain-looking port notifying vCPU 0.
    uint32_t port() {
        int p = get_free_port(*e, kAlloc);
        EXPECT_GT(p, 0);
        make_unbound(port_ref(*e, uint32_t(p)), 0);
        return uint32_t(p);
    }
    Raise raise(uint32_t port, uint16_t vcpu = 0) {
        return e->abi->set_pending(*e, Target{vcpu, nullptr}, port_ref(*e, port), port);
    }
    uint32_t& w(uint32_t port) { return page->words[port]; }
    uint32_t link(uint32_t port) { return w(port) & EVTCHN_FIFO_LINK_MASK; }
    // The guest's consumer: takes the head of a queue as Linux does (clear LINKED, keep
    // the LINK as the next head), and clears PENDING.
    uint32_t consume(uint32_t port) {
        uint32_t next = link(port);
        w(port) &= ~(kLinked | kPending | EVTCHN_FIFO_LINK_MASK);
        return next;
    }
};

TEST(EventChannelFifo, FirstEventIsHeadAndRaisesTheUpcall) {
    Fifo t;
    uint32_t a = t.port(), b = t.port();
    Raise r = t.raise(a);
    EXPECT_TRUE(r.newly_pending);
    EXPECT_TRUE(r.upcall);
    EXPECT_EQ(t.w(a), kPending | kLinked);
    EXPECT_EQ(t.cb[0].head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    EXPECT_EQ(t.cb[0].ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);

    // Behind the tail: only its LINK changes, no new upcall.
    r = t.raise(b);
    EXPECT_TRUE(r.newly_pending);
    EXPECT_FALSE(r.upcall);
    EXPECT_EQ(t.link(a), b);
    EXPECT_EQ(t.w(b), kPending | kLinked);
    EXPECT_EQ(t.cb[0].head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);

    // Already pending: nothing.
    r = t.raise(a);
    EXPECT_FALSE(r.newly_pending);
    EXPECT_FALSE(r.upcall);
    EXPECT_EQ(t.link(a), b);
    EXPECT_EQ(t.link(b), 0u);
}

TEST(EventChannelFifo, EmptiedQueueStartsAgainAtHead) {
    Fifo t;
    uint32_t a = t.port(), b = t.port();
    t.raise(a);
    EXPECT_EQ(t.consume(a), 0u);
    // The guest has not cleared READY yet: the queue restarts without a new upcall.
    Raise r = t.raise(b);
    EXPECT_FALSE(r.upcall);
    EXPECT_EQ(t.cb[0].head[7], b);
    EXPECT_EQ(t.link(a), 0u);
    t.consume(b);
    t.cb[0].ready = 0;
    EXPECT_TRUE(t.raise(a).upcall);
    EXPECT_EQ(t.cb[0].head[7], a);
}

TEST(EventChannelFifo, MaskedPortWaitsForUnmask) {
    Fifo t;
    uint32_t a = t.port();
    t.w(a) = kMasked;
    Raise r = t.raise(a);
    EXPECT_TRUE(r.newly_pending);
    EXPECT_FALSE(r.upcall);
    EXPECT_EQ(t.w(a), kMasked | kPending);
    EXPECT_EQ(t.cb[0].ready, 0u);

    EXPECT_TRUE(t.e->abi->unmask(*t.e, Target{0, nullptr}, port_ref(*t.e, a), a));
    EXPECT_EQ(t.w(a), kPending | kLinked);
    EXPECT_EQ(t.cb[0].head[7], a);
    EXPECT_EQ(t.cb[0].ready, 1u << 7);

    // Unmasking a port that is not pending links nothing.
    uint32_t b = t.port();
    t.w(b) = kMasked;
    EXPECT_FALSE(t.e->abi->unmask(*t.e, Target{0, nullptr}, port_ref(*t.e, b), b));
    EXPECT_EQ(t.w(b), 0u);
}

TEST(EventChannelFifo, EachPriorityHasItsQueue) {
    Fifo t;
    uint32_t hi = t.port(), lo = t.port();
    EXPECT_EQ(t.e->abi->set_priority(port_ref(*t.e, hi), 2), 0);
    EXPECT_EQ(t.e->abi->set_priority(port_ref(*t.e, lo), 12), 0);
    EXPECT_EQ(t.e->abi->set_priority(port_ref(*t.e, lo), 16), -XEN_EINVAL);
    EXPECT_EQ(port_ref(*t.e, lo).priority, 12);
    EXPECT_TRUE(t.raise(lo).upcall);
    EXPECT_TRUE(t.raise(hi).upcall); // another queue's READY bit was clear
    EXPECT_EQ(t.cb[0].head[2], hi);
    EXPECT_EQ(t.cb[0].head[12], lo);
    EXPECT_EQ(t.cb[0].ready, (1u << 2) | (1u << 12));
    EXPECT_EQ(t.link(hi), 0u);
    EXPECT_EQ(t.link(lo), 0u);
}

TEST(EventChannelFifo, NewPriorityAppliesFromTheNextLink) {
    Fifo t;
    uint32_t a = t.port(), b = t.port();
    t.raise(a);
    t.e->abi->set_priority(port_ref(*t.e, a), 1);
    t.raise(b); // the default queue: behind a, which is still its tail
    EXPECT_EQ(t.link(a), b);
    t.consume(t.consume(a));
    t.cb[0].ready = 0;
    t.raise(a);
    EXPECT_EQ(t.cb[0].head[1], a);
    // The default queue forgot a as its tail: b's queue starts again at its head.
    t.raise(b);
    EXPECT_EQ(t.cb[0].head[7], b);
    EXPECT_EQ(t.link(a), 0u);
}

TEST(EventChannelFifo, PortMovesToAnotherVcpu) {
    Fifo t;
    uint32_t a = t.port(), b = t.port();
    t.raise(a);
    t.consume(a);
    Raise r = t.raise(a, 1);
    EXPECT_TRUE(r.upcall);
    EXPECT_EQ(t.cb[1].head[7], a);
    EXPECT_EQ(t.cb[1].ready, 1u << 7);
    EXPECT_EQ(port_ref(*t.e, a).last_vcpu, 1);
    // vCPU 0's queue no longer ends at a: b is its head, a's LINK untouched.
    t.raise(b);
    EXPECT_EQ(t.cb[0].head[7], b);
    EXPECT_EQ(t.link(a), 0u);
}

TEST(EventChannelFifo, StillLinkedPortStaysOnItsQueue) {
    Fifo t;
    uint32_t a = t.port();
    t.raise(a);
    t.w(a) &= ~kPending; // the guest cleared PENDING but has not passed it yet
    Raise r = t.raise(a, 1);
    EXPECT_TRUE(r.newly_pending);
    EXPECT_FALSE(r.upcall);
    EXPECT_EQ(t.cb[1].ready, 0u);
    EXPECT_EQ(port_ref(*t.e, a).last_vcpu, 0);
}

TEST(EventChannelFifo, NoControlBlockDropsTheEvent) {
    Fifo t;
    t.f->vcpus[1].cb = nullptr;
    uint32_t a = t.port();
    Raise r = t.raise(a, 1);
    EXPECT_FALSE(r.newly_pending);
    EXPECT_FALSE(r.upcall);
    EXPECT_EQ(t.w(a), 0u);
    EXPECT_FALSE(t.raise(a, kMaxVcpus).upcall); // out of range: the same
}

TEST(EventChannelFifo, PortBeyondTheArrayWaitsForItsPage) {
    Fifo t;
    ASSERT_EQ(allocate_port(*t.e, kWordsPerPage + 3, kAlloc), 0);
    Port& p = port_ref(*t.e, kWordsPerPage + 3);
    make_unbound(p, 0);
    Raise r = t.raise(kWordsPerPage + 3);
    EXPECT_FALSE(r.newly_pending);
    EXPECT_TRUE(p.fifo_pending);
    EXPECT_FALSE(t.e->abi->is_pending(*t.e, kWordsPerPage + 3));
    EXPECT_FALSE(t.e->abi->unmask(*t.e, Target{0, nullptr}, p, kWordsPerPage + 3));
    t.e->abi->clear_pending(*t.e, p, kWordsPerPage + 3);
    EXPECT_FALSE(p.fifo_pending);
}

TEST(EventChannelFifo, ArrayHasAtMost128Pages) {
    Fifo t;
    static Page spare;
    while (t.f->nr_pages < kMaxPages)
        ASSERT_TRUE(add_page(*t.f, spare.words, 0));
    EXPECT_FALSE(add_page(*t.f, spare.words, 0));
    EXPECT_EQ(t.f->nr_ports, EVTCHN_FIFO_NR_CHANNELS);
    EXPECT_EQ(word(*t.f, EVTCHN_FIFO_NR_CHANNELS), nullptr);
    EXPECT_EQ(word(*t.f, EVTCHN_FIFO_NR_CHANNELS - 1), &spare.words[kWordsPerPage - 1]);
}

TEST(EventChannelFifo, LinkedPortIsNotHandedOutAgain) {
    Fifo t;
    uint32_t a = t.port();
    t.raise(a);
    t.e->abi->clear_pending(*t.e, port_ref(*t.e, a), a);
    EXPECT_EQ(t.w(a), kLinked); // still on the queue: only PENDING goes
    make_free(port_ref(*t.e, a));
    EXPECT_EQ(allocate_port(*t.e, a, kAlloc), -XEN_EBUSY);
    EXPECT_NE(get_free_port(*t.e, kAlloc), int(a));
    t.w(a) = 0;
    EXPECT_EQ(allocate_port(*t.e, a, kAlloc), 0);
}

TEST(EventChannelFifo, TailLeftBusyOrWithGarbageLinkIsRelinked) {
    Fifo t;
    uint32_t a = t.port(), b = t.port();
    t.raise(a);
    t.w(a) |= kBusy | 0x1ffff; // a guest's own mess in its tail word
    EXPECT_FALSE(t.raise(b).upcall);
    EXPECT_EQ(t.w(a), kPending | kLinked | b);
}

TEST(EventChannelFifo, GuestMadeWordsOnlyConfuseTheGuest) {
    Fifo t;
    uint32_t a = t.port(), b = t.port(), c = t.port();
    // LINKED on a port never raised: the event stays off every queue.
    t.w(a) = kLinked | c;
    Raise r = t.raise(a);
    EXPECT_TRUE(r.newly_pending);
    EXPECT_FALSE(r.upcall);
    EXPECT_EQ(t.cb[0].ready, 0u);
    // A cycle and a HEAD of the guest's making are never followed.
    t.w(b) = kLinked | c;
    t.w(c) = kLinked | b;
    t.cb[0].head[7] = 0xffffffff;
    r = t.raise(b);
    EXPECT_FALSE(r.upcall);
    t.w(b) = t.w(c) = 0;
    EXPECT_TRUE(t.raise(b).upcall);
    EXPECT_EQ(t.cb[0].head[7], b);
    EXPECT_TRUE(t.raise(c).newly_pending);
    EXPECT_EQ(t.link(b), c);
}

// Another vCPU keeps flipping MASKED (with a plain store, ignoring BUSY) and PENDING on
// the tail word: linking behind it stays bounded and never leaves BUSY set for good.
TEST(EventChannelFifo, RacingGuestCannotHoldTheHypervisor) {
    Fifo t;
    uint32_t tail = t.port();
    t.raise(tail);
    std::atomic<bool> stop{false};
    std::thread guest([&] {
        while (!stop.load()) {
            __atomic_fetch_xor(&t.w(tail), kMasked | kPending, __ATOMIC_SEQ_CST);
            __atomic_fetch_and(&t.w(tail), ~kBusy, __ATOMIC_SEQ_CST);
        }
    });
    for (int i = 0; i < 20000; i++) {
        uint32_t p = t.port();
        t.raise(p);
        t.w(p) = 0;
        make_free(port_ref(*t.e, p));
        // Keep `tail` the queue's tail for the next round.
        t.f->vcpus[0].tail[7] = tail;
    }
    stop = true;
    guest.join();
    EXPECT_TRUE(t.w(tail) & kLinked);
}

} // namespace
