// Hypercalls declared in common/hypercall.h whose handlers are not written yet: each
// answers -ENOSYS, exactly as an unknown hypercall does. A handler moves out of this file
// into the file that owns its state when it is implemented.
#include "common/hypercall.h"
#include "public/errno.h"

#define NOT_YET(name)                                                                       \
    long do_##name(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) { return -xen::XEN_ENOSYS; }

// (none at the moment)
