// Internal to HYPERVISOR_sysctl (sysctl/*.cpp): one handler per command, found through
// the table in dispatch.cpp, each in the file of its concern:
//   dispatch.cpp   the hypercall: caller, argument, interface version, table
//   physinfo.cpp   the machine: CPUs, memory, topology
#pragma once
#include <stdint.h>

#include "common/domain.h"
#include "public/sysctl.h"

namespace sysctl {

// One sysctl as its handler sees it: the caller's copy of the argument and the caller's
// domain. A handler that set copyback has op written back to the guest after it returns
// 0.
struct Call {
    xen::xen_sysctl& op;
    Domain& self;
    bool copyback;
};

using Handler = long (*)(Call&);

// physinfo.cpp
long physinfo(Call&);

} // namespace sysctl
