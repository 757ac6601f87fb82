// A FIFO control block on a page the guest has granted and that is mapped through the
// grant (here by the guest itself, domain 0, as any grantee would): Xen 4.17 takes it (the
// page is still the domain's writable RAM) and so does xenon. Events raised towards that
// vCPU show through both mappings; the grantee then writes garbage over the block (every
// READY bit, HEAD past the array) while more events come: the hypervisor goes on linking
// them as the ABI says and nothing else changes. The grant unmaps cleanly while the block
// is in use, and EVTCHNOP_reset lets the page go.
#include "fifo.h"
#include "hostile.h"

namespace {

alignas(4096) uint8_t table_window[4096];
alignas(4096) uint8_t block_page[4096];
alignas(4096) volatile uint8_t win[4096];

constexpr unsigned Q = xen::EVTCHN_FIFO_PRIORITY_DEFAULT;

long evtchn(unsigned cmd, uint32_t port) {
    uint32_t arg = port; // evtchn_send, evtchn_close and evtchn_unmask are one port
    return xt::event_channel_op(cmd, &arg);
}

void pair(unsigned* a, unsigned* b) {
    xen::evtchn_alloc_unbound u{xen::DOMID_SELF, xen::DOMID_SELF, 0};
    XT_CHECK_RC(xt::event_channel_op(xen::EVTCHNOP_alloc_unbound, &u), 0);
    xen::evtchn_bind_interdomain bi{xen::DOMID_SELF, u.port, 0};
    XT_CHECK_RC(xt::event_channel_op(xen::EVTCHNOP_bind_interdomain, &bi), 0);
    xt::fifo::clear_pending(bi.local_port);
    xt::fifo::unmask(u.port);
    *a = u.port;
    *b = bi.local_port;
}

} // namespace

void test_main() {
    using namespace xen;
    using namespace xt::fifo;
    auto* gt = hostile::map_own_grant_table(table_window);
    gt[20].domid = 0;
    gt[20].frame = uint32_t(xt::mfn_of(block_page));
    __atomic_store_n(&gt[20].flags, GTF_permit_access, __ATOMIC_RELEASE);
    uint32_t handle;
    XT_CHECK_EQ(
        hostile::map_grant(reinterpret_cast<uint64_t>(win), GNTMAP_host_map, 20, 0, &handle),
        GNTST_okay);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_INVLPG_LOCAL, reinterpret_cast<uint64_t>(win)), 0);

    XT_CHECK_RC(init(), 0);
    evtchn_init_control ic{xt::mfn_of(block_page), 0, 1, 0, {}};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_init_control, &ic), 0);
    auto* cb = reinterpret_cast<volatile evtchn_fifo_control_block*>(block_page);
    auto* alias = reinterpret_cast<volatile evtchn_fifo_control_block*>(win);

    unsigned a, b, c, d;
    pair(&a, &b);
    pair(&c, &d);
    evtchn_bind_vcpu bv{a, 1};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_vcpu, &bv), 0);
    bv.port = c;
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_vcpu, &bv), 0);
    XT_CHECK_RC(evtchn(EVTCHNOP_send, b), 0);
    XT_CHECK_EQ(cb->head[Q], a);
    XT_CHECK_EQ(alias->head[Q], a);
    XT_CHECK_EQ(alias->ready, 1u << Q);

    // The grantee scribbles over the block; the next event still links behind a.
    alias->ready = ~0u;
    alias->head[Q] = LINK_MASK;
    alias->head[0] = 0x7777;
    XT_CHECK_RC(evtchn(EVTCHNOP_send, d), 0);
    XT_CHECK_EQ(load(a), PENDING | LINKED | c);
    XT_CHECK_EQ(cb->ready, ~0u);
    XT_CHECK_EQ(cb->head[Q], LINK_MASK);
    XT_CHECK_EQ(cb->head[0], 0x7777u);

    XT_CHECK_EQ(hostile::unmap_grant(reinterpret_cast<uint64_t>(win), handle), GNTST_okay);
    for (unsigned p : {a, c})
        __atomic_store_n(word(p), 0u, __ATOMIC_SEQ_CST);
    cb->ready = 0;
    XT_CHECK_RC(evtchn(EVTCHNOP_send, d), 0);
    XT_CHECK_EQ(cb->head[Q], c);
    XT_CHECK_EQ(cb->ready, 1u << Q);
    XT_CHECK_RC(reset(), 0);
    XT_CHECK_EQ(
        hostile::map_grant(reinterpret_cast<uint64_t>(win), GNTMAP_host_map, 20, 0, &handle),
        GNTST_okay);
    XT_CHECK_EQ(hostile::unmap_grant(reinterpret_cast<uint64_t>(win), handle), GNTST_okay);
    hostile::pass();
}
