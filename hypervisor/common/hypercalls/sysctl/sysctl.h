// Internal to HYPERVISOR_sysctl (sysctl/*.cpp): one handler per command, found through
// the table in dispatch.cpp, each in the file of its concern:
//   dispatch.cpp   the hypercall: caller, argument, interface version, table
//   physinfo.cpp   the machine: CPUs, memory, topology, idle time
//   domains.cpp    the list of domains
//   console.cpp    the console ring and debug keys
//   sched.cpp      the scheduler, CPU pools and their parameters
//   cpu_policy.cpp the CPU featuresets and policies
#pragma once
#include <stdint.h>

#include "common/domain.h"
#include "public/sysctl.h"

namespace sysctl {

// One sysctl as its handler sees it: the caller's copy of the argument and the caller's
// domain. Unless the handler clears copyback, op is written back to the guest when it
// returns 0 (Xen's default); arg is the guest's op, for handlers that write back single
// fields whatever they return (Xen's __copy_field_to_guest).
struct Call {
    xen::xen_sysctl& op;
    Domain& self;
    bool copyback;
    uint64_t arg;
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
// cpu_policy.cpp
long get_cpu_featureset(Call&);
long get_cpu_policy(Call&);

} // namespace sysctl
