// Where each CPU sits in the machine (XEN_SYSCTL_physinfo and cputopoinfo): its thread,
// core and socket, from the APIC ids and the boot CPU's CPUID topology fields.
#pragma once
#include <stdint.h>

namespace arch {

struct CpuTopology {
    uint32_t core; // within its socket
    uint32_t socket;
};

// Of CPU `cpu` (xenon's number), which must exist.
CpuTopology cpu_topology(unsigned cpu);

} // namespace arch
