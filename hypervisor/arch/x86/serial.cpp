#include "arch/serial.h"

#include "arch/io.h"
#include "common/console.h"

namespace arch {
namespace {

constexpr uint32_t kUartClock = 115200; // divisor base of a PC 16550

enum Reg : uint16_t { kData = 0, kIer = 1, kFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5, kDll = 0, kDlm = 1 };
constexpr uint8_t kLsrDataReady = 0x01;
constexpr uint8_t kLsrThrEmpty = 0x20;
constexpr uint8_t kLcrDlab = 0x80;

constinit uint16_t port = 0;

void put_byte(uint8_t c) {
    // Bounded wait: a UART that never drains (absent hardware) must not hang the console.
    for (int spins = 0; spins < 100000 && !(inb(port + kLsr) & kLsrThrEmpty); spins++)
        asm volatile("pause");
    outb(port + kData, c);
}

void serial_sink(const char* text, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            put_byte('\r');
        put_byte(static_cast<uint8_t>(text[i]));
    }
}

} // namespace

void serial_init(const SerialLine& line) {
    bool first = port == 0;
    port = line.port;
    uint32_t divisor = line.baud ? kUartClock / line.baud : 1;
    if (divisor == 0)
        divisor = 1;
    uint8_t lcr = static_cast<uint8_t>((line.data_bits - 5) & 3);
    if (line.stop_bits == 2)
        lcr |= 0x04;
    switch (line.parity) {
    case 'o': lcr |= 0x08; break;
    case 'e': lcr |= 0x18; break;
    case 'm': lcr |= 0x28; break;
    case 's': lcr |= 0x38; break;
    default: break;
    }
    outb(port + kIer, 0); // polled: no UART interrupts
    outb(port + kLcr, kLcrDlab);
    outb(port + kDll, divisor & 0xff);
    outb(port + kDlm, (divisor >> 8) & 0xff);
    outb(port + kLcr, lcr);
    outb(port + kFcr, 0x07); // enable and clear FIFOs
    outb(port + kMcr, 0x03); // DTR, RTS
    if (first)
        console::add_sink(serial_sink);
}

int serial_getc() {
    if (!port || !(inb(port + kLsr) & kLsrDataReady))
        return -1;
    return inb(port + kData);
}

} // namespace arch
