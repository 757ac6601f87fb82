// The domctls that move a domain through its life: pausing it for the toolstack and
// destroying it.
#include "common/domain.h"
#include "common/hypercalls/domctl/domctl.h"
#include "common/sched/sched.h"
#include "public/errno.h"

namespace domctl {

using namespace xen;

long destroydomain(Call& c) {
    // A dying or dead domain may be destroyed again: 0 once it is dead, as on Xen.
    if (c.target == &c.self)
        return -XEN_EINVAL;
    domain_kill(*c.target);
    return 0;
}

long pausedomain(Call& c) {
    Domain& d = *c.target;
    if (&d == &c.self)
        return -XEN_EINVAL; // a domain cannot pause itself this way
    for (unsigned i = 0; i < d.vcpu_count; i++)
        vcpu_pause(d.vcpus[i]);
    d.toolstack_pauses++;
    return 0;
}

long unpausedomain(Call& c) {
    Domain& d = *c.target;
    if (&d == &c.self)
        return -XEN_EINVAL;
    if (!d.toolstack_pauses)
        return -XEN_EINVAL; // not paused
    if (!--d.toolstack_pauses)
        d.creation_finished = true;
    for (unsigned i = 0; i < d.vcpu_count; i++)
        vcpu_unpause(d.vcpus[i]);
    return 0;
}

} // namespace domctl
