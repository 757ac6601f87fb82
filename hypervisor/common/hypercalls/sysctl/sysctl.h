// Internal to HYPERVISOR_sysctl (sysctl/*.cpp): one handler per command, found through
// the table in dispatch.cpp, each in the file of its concern:
//   dispatch.cpp   the hypercall: caller, argument, interface version, table
//   physinfo.cpp   the machine: CPUs, memory, topology, idle time
//   domains.cpp    the list of domains
//   console.cpp    the console ring and debug keys
//   sched.cpp      the scheduler, CPU pools and their parameters
#pragma once
#include <stdint.h>

#include "common/domain.h"
#include "public/sysctl.h"

namespace sysctl {

// One sysctl as its handler sees it: the caller's copy of the argument and the caller's
// domain. Unless the handler clears copyback, op is written back to the guest when it
// returns 0 (Xen's default).
struct Call {
    xen::xen_sysctl& op;
    Domain& self;
    bool copyback;
};

using Handler = long (*)(Call&);

// physinfo.cpp
long physinfo(Call&);
long cputopoinfo(Call&);
long numainfo(Call&);
long getcpuinfo(Call&);
// domains.cpp
long getdomaininfolist(Call&);
// console.cpp
long readconsole(Call&);
long debug_keys(Call&);
// sched.cpp
long sched_id(Call&);
long cpupool_op(Call&);
long scheduler_op(Call&);

} // namespace sysctl
