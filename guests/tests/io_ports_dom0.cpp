// Port I/O of dom0's kernel with a virtual IOPL of 1 (PHYSDEVOP_set_iopl). Ports the
// hypervisor keeps for itself (its COM1 UART, the PICs) do not fault: reads give all ones
// and writes are dropped. PIT channel 2 and the speaker gate (port 0x61) are dom0's, as
// Linux needs them to calibrate its TSC: a one-shot count started there runs down.
#include "public/physdev.h"
#include "runtime.h"

namespace {

long set_iopl(uint32_t iopl) {
    xen::physdev_set_iopl p{iopl};
    return xt::hypercall(xen::HYPERVISOR_physdev_op, xen::PHYSDEVOP_set_iopl, xt::arg(&p));
}

uint8_t in8(uint16_t port) {
    uint8_t v;
    asm volatile("inb %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
uint16_t in16(uint16_t port) {
    uint16_t v;
    asm volatile("inw %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
uint32_t in32(uint16_t port) {
    uint32_t v;
    asm volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
void out8(uint16_t port, uint8_t v) {
    asm volatile("outb %0, %w1" : : "a"(v), "Nd"(port));
}

// Latches counter 2 and reads its 16-bit count, low byte first.
uint16_t pit2_count() {
    out8(0x43, 0x80);
    uint16_t lo = in8(0x42);
    return static_cast<uint16_t>(lo | in8(0x42) << 8);
}

} // namespace

void test_main() {
    XT_CHECK_RC(set_iopl(1), 0);

    XT_CHECK_EQ(in8(0x3fd), 0xff); // the UART's line status
    XT_CHECK_EQ(in16(0x3fc), 0xffff);
    XT_CHECK_EQ(in32(0x3f8), 0xffffffffu);
    XT_CHECK_EQ(in8(0x21), 0xff); // the master PIC's mask
    out8(0x3f9, 0);               // the UART's interrupt enable: dropped
    out8(0x21, 0);                // unmask every PIC line: dropped
    XT_CHECK_EQ(in8(0x21), 0xff);

    uint8_t saved61 = in8(0x61);
    out8(0x61, (saved61 & ~2) | 1); // gate 2 on, speaker off
    XT_CHECK_EQ(in8(0x61) & 3, 1);
    out8(0x43, 0xb0); // counter 2: low then high byte, mode 0, binary
    out8(0x42, 0xff);
    out8(0x42, 0xff);
    uint16_t first = pit2_count();
    uint16_t later = first;
    for (int i = 0; i < 100000 && later == first; i++)
        later = pit2_count();
    out8(0x61, saved61);
    if (later >= first)
        xt::report_failure("PIT counter 2 does not run down: %#x then %#x", first, later);

    XT_CHECK_RC(set_iopl(0), 0);
    xt::report_success();
}
