// Internal to HYPERVISOR_domctl (domctl/*.cpp): one handler per command, found through
// the table in dispatch.cpp, each in the file of its concern:
//   dispatch.cpp     the hypercall: argument, interface version, target domain, table
//   info.cpp         what the toolstack reads about a domain (getdomaininfo)
//   lifecycle.cpp    pausing, destroying domains
//   create.cpp       creating them (createdomain, max_vcpus, setdomainhandle)
//   vcpu_context.cpp a vCPU's register state (set/getvcpucontext)
//   arch_setup.cpp   a new PV domain's word size, hypercall page, clocks, frame types
//   vcpu.cpp         vCPU state and placement
//   memory.cpp       a domain's memory limits and maps
//   shadow_op.cpp    log-dirty mode for save and migration (XEN_DOMCTL_shadow_op)
//   sched.cpp        scheduler parameters
//   cpu_policy.cpp   the CPUID and MSR policy a domain is shown
//   permissions.cpp  what a domain may reach (I/O ports, memory, IRQs)
#pragma once
#include <stdint.h>

#include "common/domain.h"
#include "common/timer.h"
#include "public/domctl.h"
#include "public/vcpu.h"

namespace domctl {

// One domctl as its handler sees it: the caller's copy of the argument, the caller's
// domain and the target domain (nullptr for commands without one). A handler that sets
// copyback has op written back to the guest whatever it returns (Xen's copyback).
struct Call {
    xen::xen_domctl& op;
    Domain& self;
    Domain* target;
    bool copyback;
};

// How the dispatcher finds the target before the handler runs.
enum class Target {
    none, // the handler resolves op.domain itself (or needs none)
    live, // a domain that is not dying: -ESRCH otherwise
    any,  // a live or dying domain: -ESRCH otherwise
};

using Handler = long (*)(Call&);

// Nanoseconds v has run, its current stint included (Xen's vcpu_runstate_get).
inline uint64_t running_time(const Vcpu& v) {
    xen::vcpu_runstate_info rs = v.runstate;
    uint64_t t = rs.time[xen::RUNSTATE_running];
    if (rs.state == xen::RUNSTATE_running)
        t += system_time() - rs.state_entry_time;
    return t;
}

// The Xen info record of a domain (getdomaininfo, and sysctl getdomaininfolist).
void fill_domaininfo(const Domain& d, xen::xen_domctl_getdomaininfo& info);

// info.cpp
long getdomaininfo(Call&);
// lifecycle.cpp
long destroydomain(Call&);
long pausedomain(Call&);
long unpausedomain(Call&);
// memory.cpp
long max_mem(Call&);
// create.cpp
long createdomain(Call&);
long max_vcpus(Call&);
long setdomainhandle(Call&);
// vcpu_context.cpp
long setvcpucontext(Call&);
long getvcpucontext(Call&);
// arch_setup.cpp
long set_address_size(Call&);
long get_address_size(Call&);
long hypercall_init(Call&);
long settimeoffset(Call&);
long settscinfo(Call&);
long gettscinfo(Call&);
long getpageframeinfo3(Call&);
// shadow_op.cpp
long shadow_op(Call&); // log-dirty mode
// vcpu.cpp
long getvcpuinfo(Call&);
long vcpuaffinity(Call&); // get and set
// sched.cpp
long scheduler_op(Call&);
long nodeaffinity(Call&); // get and set
// cpu_policy.cpp
long get_cpu_policy(Call&);
long set_cpu_policy(Call&);

} // namespace domctl
