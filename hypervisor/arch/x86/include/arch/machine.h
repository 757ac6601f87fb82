// Ending the machine's run: power off, reboot, halt, and stopping the other CPUs.
#pragma once
#include <stdint.h>

namespace arch {

// With debug_exit=<port> on the command line xenon reports how it ended to QEMU's
// isa-debug-exit device before ending (QEMU then exits with status 2 * code + 1), so
// tests can tell a clean end from a failure without reading the log.
enum class ExitCode : uint8_t { kClean = 0x10, kFailure = 0x11 };

void machine_set_debug_exit_port(uint16_t port);
void machine_set_noreboot(bool noreboot);

[[noreturn]] void machine_power_off();
[[noreturn]] void machine_restart();
// After a panic or fatal boot error: halt with noreboot, else reboot after a pause.
[[noreturn]] void machine_fail();
// Sends every other CPU into a halt loop (used by panic and at power off).
void machine_stop_other_cpus();

} // namespace arch
