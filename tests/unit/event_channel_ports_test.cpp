// common/event_channel_ports.h: the port table (ports appear 64 at a time, port 0 is
// reserved, the lowest free port is handed out, Xen's errors at the ABI's end and when
// memory runs out), the bind_vcpu and status rules per state, and the 2-level bitmaps
// (common/event_channel_2l.h).
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "common/event_channel_2l.h"
#include "common/event_channel_ports.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

using namespace evtchn;
using namespace xen;

int allocations = 0;
int budget = 1 << 30; // allocations left before zalloc fails
void* test_zalloc(size_t size) {
    if (budget-- <= 0)
        return nullptr;
    allocations++;
    return calloc(1, size);
}
void test_free(void* p) {
    allocations--;
    free(p);
}
constexpr Alloc kAlloc{test_zalloc, test_free};

struct Table {
    std::unique_ptr<shared_info> shared = std::make_unique<shared_info>();
    EvtchnDomain* e = table_create(kAlloc, shared.get());
    ~Table() { table_free(e, kAlloc); }
};

TEST(EventChannelPorts, NewTableHasPortZeroReserved) {
    Table t;
    ASSERT_NE(t.e, nullptr);
    EXPECT_EQ(t.e->valid, kBucketPorts);
    EXPECT_EQ(port_ref(*t.e, 0).state, State::reserved);
    EXPECT_EQ(lookup(*t.e, kBucketPorts), nullptr);
    EXPECT_EQ(get_free_port(*t.e, kAlloc), 1);
}

TEST(EventChannelPorts, LowestFreePortAndBuckets) {
    Table t;
    for (uint32_t port = 1; port < 200; port++) {
        ASSERT_EQ(get_free_port(*t.e, kAlloc), int(port));
        make_ipi(port_ref(*t.e, port), 0);
    }
    EXPECT_EQ(t.e->valid, 4 * kBucketPorts);
    make_free(port_ref(*t.e, 70));
    EXPECT_EQ(get_free_port(*t.e, kAlloc), 70);
    EXPECT_EQ(allocate_port(*t.e, 71, kAlloc), -XEN_EBUSY);
    EXPECT_EQ(allocate_port(*t.e, 0, kAlloc), -XEN_EBUSY);
    EXPECT_EQ(allocate_port(*t.e, kMax2lPorts, kAlloc), -XEN_ENOSPC);
    EXPECT_EQ(allocate_port(*t.e, kMax2lPorts - 1, kAlloc), 0);
    EXPECT_EQ(t.e->valid, kMax2lPorts);
}

TEST(EventChannelPorts, FullTableAndOutOfMemory) {
    Table t;
    for (uint32_t port = 1; port < kMax2lPorts; port++)
        make_unbound(port_ref(*t.e, uint32_t(get_free_port(*t.e, kAlloc))), 0);
    EXPECT_EQ(get_free_port(*t.e, kAlloc), -XEN_ENOSPC);

    Table u;
    make_unbound(port_ref(*u.e, 1), 0);
    budget = 0;
    EXPECT_EQ(allocate_port(*u.e, 100, kAlloc), -XEN_ENOMEM);
    EXPECT_EQ(table_create(kAlloc, u.shared.get()), nullptr);
    budget = 1 << 30;
    EXPECT_EQ(u.e->valid, kBucketPorts);
}

// createdomain's max_evtchn_port: the highest port handed out, whatever the ABI allows.
TEST(EventChannelPorts, DomainMaxPortBoundsAllocation) {
    Table t;
    t.e->max_port = 65;
    for (int port = 1; port <= 65; port++)
        make_unbound(port_ref(*t.e, uint32_t(get_free_port(*t.e, kAlloc))), 0);
    EXPECT_EQ(get_free_port(*t.e, kAlloc), -XEN_ENOSPC);
    EXPECT_EQ(allocate_port(*t.e, 66, kAlloc), -XEN_ENOSPC);
    EXPECT_EQ(t.e->valid, 2 * kBucketPorts);
    make_free(port_ref(*t.e, 65));
    EXPECT_EQ(get_free_port(*t.e, kAlloc), 65);

    Table u;
    u.e->max_port = 0; // port 0 stays reserved, nothing else
    EXPECT_EQ(get_free_port(*u.e, kAlloc), -XEN_ENOSPC);
}

TEST(EventChannelPorts, NoLeaks) {
    int before = allocations;
    {
        Table t;
        allocate_port(*t.e, 1000, kAlloc);
    }
    EXPECT_EQ(allocations, before);
}

TEST(EventChannelPorts, RebindFollowsXensRules) {
    Port p{};
    make_unbound(p, 3);
    EXPECT_EQ(rebind(p, 2), 0);
    EXPECT_EQ(p.notify_vcpu, 2);
    make_interdomain(p, nullptr, 4, 9);
    EXPECT_EQ(rebind(p, 1), 0);
    make_virq(p, VIRQ_DOM_EXC, 0);
    EXPECT_EQ(rebind(p, 1), 0);
    make_virq(p, VIRQ_TIMER, 0);
    EXPECT_EQ(rebind(p, 1), -XEN_EINVAL);
    EXPECT_EQ(p.notify_vcpu, 0);
    make_ipi(p, 0);
    EXPECT_EQ(rebind(p, 1), -XEN_EINVAL);
    make_free(p);
    EXPECT_EQ(rebind(p, 1), -XEN_EINVAL);
    p.state = State::reserved;
    EXPECT_EQ(rebind(p, 1), -XEN_EINVAL);
}

TEST(EventChannelPorts, StatusOfEachState) {
    Port p{};
    evtchn_status s{};
    make_unbound(p, 7);
    fill_status(p, s);
    EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(s.u.unbound.dom, 7);
    make_interdomain(p, nullptr, 5, 33);
    p.notify_vcpu = 2;
    fill_status(p, s);
    EXPECT_EQ(s.status, EVTCHNSTAT_interdomain);
    EXPECT_EQ(s.u.interdomain.dom, 5);
    EXPECT_EQ(s.u.interdomain.port, 33u);
    EXPECT_EQ(s.vcpu, 2u);
    make_virq(p, VIRQ_DEBUG, 1);
    fill_status(p, s);
    EXPECT_EQ(s.status, EVTCHNSTAT_virq);
    EXPECT_EQ(s.u.virq, VIRQ_DEBUG);
    EXPECT_EQ(s.vcpu, 1u);
    make_ipi(p, 3);
    fill_status(p, s);
    EXPECT_EQ(s.status, EVTCHNSTAT_ipi);
    EXPECT_EQ(s.vcpu, 3u);
    make_free(p);
    fill_status(p, s);
    EXPECT_EQ(s.status, EVTCHNSTAT_closed);
    EXPECT_EQ(s.vcpu, 0u);
}

TEST(EventChannelPorts, SetPendingRaisesOncePerWord) {
    auto s = std::make_unique<shared_info>();
    vcpu_info& v = s->vcpu_info[0];
    bool upcall;
    EXPECT_TRUE(set_pending_bits(*s, v, 130, &upcall));
    EXPECT_TRUE(upcall);
    EXPECT_TRUE(is_pending(*s, 130));
    EXPECT_EQ(v.evtchn_pending_sel, 1ull << 2);
    EXPECT_FALSE(set_pending_bits(*s, v, 130, &upcall)); // already pending
    EXPECT_FALSE(upcall);
    EXPECT_TRUE(set_pending_bits(*s, v, 131, &upcall)); // same word: selected already
    EXPECT_FALSE(upcall);
    s->evtchn_mask[0] = 1ull << 5;
    EXPECT_TRUE(set_pending_bits(*s, v, 5, &upcall)); // masked
    EXPECT_FALSE(upcall);
    EXPECT_EQ(v.evtchn_pending_sel, 1ull << 2);
    EXPECT_TRUE(set_upcall_pending(v));
    EXPECT_FALSE(set_upcall_pending(v));
    clear_pending(*s, 130);
    EXPECT_FALSE(is_pending(*s, 130));
    EXPECT_TRUE(is_pending(*s, 131));
}

TEST(EventChannelPorts, UnmaskRaisesOnlyMaskedPendingPorts) {
    auto s = std::make_unique<shared_info>();
    vcpu_info& v = s->vcpu_info[1];
    s->evtchn_mask[1] = 1ull << 3;
    EXPECT_FALSE(unmask_bits(*s, &v, 67)); // masked, not pending
    EXPECT_EQ(s->evtchn_mask[1], 0u);
    s->evtchn_pending[1] = 1ull << 3;
    EXPECT_FALSE(unmask_bits(*s, &v, 67)); // pending, not masked
    s->evtchn_mask[1] = 1ull << 3;
    EXPECT_FALSE(unmask_bits(*s, nullptr, 67)); // no vCPU to tell
    s->evtchn_mask[1] = 1ull << 3;
    EXPECT_TRUE(unmask_bits(*s, &v, 67));
    EXPECT_EQ(v.evtchn_pending_sel, 1ull << 1);
    s->evtchn_mask[1] = 1ull << 3;
    EXPECT_FALSE(unmask_bits(*s, &v, 67)); // its word is selected already
}

} // namespace
