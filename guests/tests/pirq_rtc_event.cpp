// A real device interrupt reaches dom0 as an event: the RTC's periodic interrupt (GSI 8,
// edge) mapped to pirq 8 and bound to a port raises that port; after the RTC's status is
// read and the pirq EOIed, it raises it again. Closing the port stops it.
#include "evtchn_util.h"
#include "public/event_channel.h"
#include "public/physdev.h"
#include "runtime.h"

using namespace xen;

namespace {

void out8(uint16_t port, uint8_t v) {
    asm volatile("outb %0, %w1" : : "a"(v), "Nd"(port));
}
uint8_t in8(uint16_t port) {
    uint8_t v;
    asm volatile("inb %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
uint8_t cmos_read(uint8_t reg) {
    out8(0x70, reg);
    return in8(0x71);
}
void cmos_write(uint8_t reg, uint8_t v) {
    out8(0x70, reg);
    out8(0x71, v);
}

} // namespace

void test_main() {
    physdev_set_iopl iopl{1};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);

    physdev_map_pirq m{};
    m.domid = DOMID_SELF;
    m.type = MAP_PIRQ_TYPE_GSI;
    m.index = 8;
    m.pirq = 8;
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_map_pirq, &m), 0);
    evtchn_bind_pirq b{8, 0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_pirq, &b), 0);
    unsigned port = b.port;
    ev::set_mask(port); // polled here, no upcall

    cmos_write(0x0a, 0x26);                   // 1024 Hz
    cmos_write(0x0b, cmos_read(0x0b) | 0x40); // periodic interrupt on
    cmos_read(0x0c);                          // acknowledge anything latched
    physdev_eoi e{8};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_eoi, &e), 0);
    if (!ev::wait_pending(port, 2000000000ull))
        xt::report_failure("no event on port %u from the RTC's interrupt", port);

    ev::clear_pending(port);
    cmos_read(0x0c);
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_eoi, &e), 0);
    if (!ev::wait_pending(port, 2000000000ull))
        xt::report_failure("no second event after the EOI");

    cmos_write(0x0b, cmos_read(0x0b) & ~0x40);
    cmos_read(0x0c);
    XT_CHECK_RC(ev::close(port), 0);
    physdev_unmap_pirq um{DOMID_SELF, 8};
    XT_CHECK_RC(xt::physdev_op(PHYSDEVOP_unmap_pirq, &um), 0);
    xt::report_success();
}
