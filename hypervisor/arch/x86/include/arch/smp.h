// Multiprocessor bring-up and cross-CPU calls.
#pragma once
#include <stdint.h>

namespace arch {

// Starts every enabled CPU the firmware lists, up to max_cpus in all (0: no limit).
// The low page (below 1 MiB) holds the real-mode start-up code.
void smp_boot_aps(unsigned max_cpus, uint64_t trampoline_page);

// Runs fn(arg) on every other online CPU and waits until all have finished.
void smp_call_others(void (*fn)(void* arg), void* arg);
// Interrupts `cpu` so that it looks at its timers and run queue again.
void smp_kick(unsigned cpu);
// Runs fn(arg) on every online CPU, this one included.
void on_each_cpu(void (*fn)(void* arg), void* arg);

} // namespace arch
