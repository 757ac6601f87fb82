// A multicall's entries are handled one at a time: each is read, run, and its result
// written back before the next is read. With the list on a page the guest maps read-only,
// the first entry runs (its side effect happens: an unbound port is allocated and written
// to its argument) but its result cannot be written, so the batch ends there with -EFAULT
// and the second entry never runs (its argument untouched, no second port), as in Xen 4.17.
#include "evtchn_util.h"
#include "pv_mmu.h"

namespace {

alignas(4096) xen::multicall_entry list[64];
xen::evtchn_alloc_unbound first, second;

} // namespace

void test_main() {
    using namespace xen;
    first = {DOMID_SELF, DOMID_SELF, 0x7777};
    second = {DOMID_SELF, DOMID_SELF, 0x7777};
    list[0] = {HYPERVISOR_event_channel_op, 0x5555, {EVTCHNOP_alloc_unbound, xt::arg(&first)}};
    list[1] = {HYPERVISOR_event_channel_op, 0x5555, {EVTCHNOP_alloc_unbound, xt::arg(&second)}};
    mmu::make_readonly(list);
    XT_CHECK_RC(xt::multicall(list, 2), -XEN_EFAULT);
    mmu::make_writable(list);
    XT_CHECK_EQ(first.port, 1u);
    XT_CHECK_EQ(second.port, 0x7777u);
    XT_CHECK_EQ(list[0].result, 0x5555u);
    evtchn_status st;
    XT_CHECK_RC(ev::status(1, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    XT_CHECK_RC(ev::status(2, &st), 0);
    XT_CHECK_EQ(st.status, EVTCHNSTAT_closed);

    // Writable again, both run.
    XT_CHECK_RC(xt::multicall(list, 2), 0);
    XT_CHECK_EQ(list[0].result, 0u);
    XT_CHECK_EQ(first.port, 2u);
    XT_CHECK_EQ(second.port, 3u);
    xt::report_success();
}
