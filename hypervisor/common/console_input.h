// Characters typed on xenon's serial line, kept for the initial domain's CONSOLEIO_read.
// The UART is polled (no interrupt is wired): on every CONSOLEIO_read and, once a guest
// has used the console, from a 20 ms timer that also raises VIRQ_CONSOLE when input came.
#pragma once
#include <stddef.h>

void console_input_start();
void console_input_poll();
