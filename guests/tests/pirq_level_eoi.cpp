// A level-triggered pirq: the ACPI SCI (GSI 9, level, active high on q35) asserted by the
// PM timer's overflow (TMR_EN in the PM1a enable register at 0x602) raises the bound
// port. The hypervisor does not wait for an EOI that does not come: 1 ms on it unmasks
// the line itself, so a source left asserted raises the port again without one; the EOI
// with the line still asserted brings another; once the source is cleared, none comes.
// conformance: timeout=30
#include "evtchn_util.h"
#include "public/event_channel.h"
#include "public/physdev.h"
#include "runtime.h"

using namespace xen;

namespace {

constexpr uint16_t kPm1aSts = 0x600, kPm1aEn = 0x602;
constexpr uint16_t kTmr = 1u << 0;

void out16(uint16_t port, uint16_t v) {
    asm volatile("outw %0, %w1" : : "a"(v), "Nd"(port));
}
uint16_t in16(uint16_t port) {
    uint16_t v;
    asm volatile("inw %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

} // namespace

void test_main() {
    physdev_set_iopl iopl{1};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);
    physdev_map_pirq m{};
    m.domid = DOMID_SELF;
    m.type = MAP_PIRQ_TYPE_GSI;
    m.index = 9;
    m.pirq = 9;
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_map_pirq, &m), 0);
    physdev_setup_gsi sg{9, 1, 0}; // level, active high
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_setup_gsi, &sg), 0);
    evtchn_bind_pirq b{9, 0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_pirq, &b), 0);
    unsigned port = b.port;
    ev::set_mask(port);
    physdev_eoi e{9};

    out16(kPm1aSts, kTmr);
    out16(kPm1aEn, in16(kPm1aEn) | kTmr);
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_eoi, &e), 0);
    if (!ev::wait_pending(port, 6000000000ull))
        xt::report_failure("no SCI event from the PM timer");
    XT_CHECK(in16(kPm1aSts) & kTmr);

    ev::clear_pending(port);
    if (!ev::wait_pending(port, 200000000ull))
        xt::report_failure("no second event from the line left asserted, without an EOI");
    ev::clear_pending(port);
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_eoi, &e), 0);
    if (!ev::wait_pending(port, 200000000ull))
        xt::report_failure("no event after the EOI of a line still asserted");

    out16(kPm1aEn, in16(kPm1aEn) & ~kTmr);
    out16(kPm1aSts, kTmr);
    ev::clear_pending(port);
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_eoi, &e), 0);
    if (ev::wait_pending(port, 200000000ull))
        xt::report_failure("an event after the line was cleared");
    XT_CHECK_RC(ev::close(port), 0);
    xt::report_success();
}
