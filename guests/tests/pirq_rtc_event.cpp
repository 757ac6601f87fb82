// A real device interrupt reaches dom0 as an event: the RTC's periodic interrupt (GSI 8,
// edge) mapped to pirq 8 and bound to a port raises that port; after the RTC's status is
// read and the pirq EOIed, it raises it again. Closing the port stops it.
#include "evtchn_util.h"
#include "public/event_channel.h"
#include "public/physdev.h"
#include "runtime.h"

using namespace xen;

namespace {

long physdev(unsigned cmd, void* arg) {
    return xt::hypercall(HYPERVISOR_physdev_op, cmd, xt::arg(arg));
}

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

// Waits up to two seconds for the port to become pending.
bool wait_pending(unsigned port) {
    uint64_t end = xt::system_time_ns() + 2000000000ull;
    while (xt::system_time_ns() < end)
        if (ev::pending(port))
            return true;
    return false;
}

} // namespace

void test_main() {
    physdev_set_iopl iopl{1};
    XT_CHECK_RC(physdev(PHYSDEVOP_set_iopl, &iopl), 0);

    physdev_map_pirq m{};
    m.domid = DOMID_SELF;
    m.type = MAP_PIRQ_TYPE_GSI;
    m.index = 8;
    m.pirq = 8;
    XT_CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), 0);
    evtchn_bind_pirq b{8, 0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_pirq, &b), 0);
    unsigned port = b.port;
    ev::set_mask(port); // polled here, no upcall

    cmos_write(0x0a, 0x26);                   // 1024 Hz
    cmos_write(0x0b, cmos_read(0x0b) | 0x40); // periodic interrupt on
    cmos_read(0x0c);                          // acknowledge anything latched
    physdev_eoi e{8};
    XT_CHECK_RC(physdev(PHYSDEVOP_eoi, &e), 0);
    if (!wait_pending(port))
        xt::report_failure("no event on port %u from the RTC's interrupt", port);

    ev::clear_pending(port);
    cmos_read(0x0c);
    XT_CHECK_RC(physdev(PHYSDEVOP_eoi, &e), 0);
    if (!wait_pending(port))
        xt::report_failure("no second event after the EOI");

    cmos_write(0x0b, cmos_read(0x0b) & ~0x40);
    cmos_read(0x0c);
    XT_CHECK_RC(ev::close(port), 0);
    physdev_unmap_pirq um{DOMID_SELF, 8};
    XT_CHECK_RC(physdev(PHYSDEVOP_unmap_pirq, &um), 0);
    xt::report_success();
}
