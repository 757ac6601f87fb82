// The 16550 UART driver behind xenon's console.
#pragma once
#include <stdint.h>

namespace arch {

struct SerialLine {
    uint16_t port = 0x3f8; // COM1
    uint32_t baud = 115200;
    uint8_t data_bits = 8;
    char parity = 'n'; // n, o, e, m, s
    uint8_t stop_bits = 1;
};

// Programs the UART and adds it as a console sink. Called first thing at boot with the
// defaults, and again if the command line asks for other settings.
void serial_init(const SerialLine& line);
// Non-blocking read of one received byte; -1 when nothing is waiting.
int serial_getc();

} // namespace arch
