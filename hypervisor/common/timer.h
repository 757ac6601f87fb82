// Software timers on the hardware one-shot timer of each CPU: the vCPU timers, the
// scheduler's time slices, anything that must happen at a point in system time.
#pragma once
#include <stdint.h>

struct Timer {
    uint64_t expires;          // system time (ns) at which fn runs
    void (*fn)(Timer* timer);  // runs on `cpu` with interrupts off; may re-arm the timer
    void* data;
    unsigned cpu;
    bool active;
    Timer* next;
};

// System time: nanoseconds since boot, the same on every CPU.
uint64_t system_time();

void timer_init(Timer* t, void (*fn)(Timer*), void* data, unsigned cpu);
// (Re)arms the timer; an expiry in the past runs it at the next timer interrupt.
void timer_set(Timer* t, uint64_t expires);
void timer_stop(Timer* t);
// Runs every expired timer of this CPU and programs the hardware for the next one.
// Called from the timer interrupt.
void timer_run_expired();
// Hooks the timer interrupt up on this CPU.
void timer_cpu_init();
