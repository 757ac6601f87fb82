// XENMEM_machphys_mfn_list and XENMEM_machphys_compat_mfn_list: the machine frames behind
// the read-only M2P table, one per 2 MiB of it (the superpages guests see it through), so
// that a guest can map it elsewhere. Any PV domain may ask.
#include "arch/pv_mm.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/hypercalls/memory_op.h"
#include "public/errno.h"
#include "public/memory.h"

namespace memop {

long machphys_mfn_list(uint64_t arg) {
    xen::xen_machphys_mfn_list ml;
    if (arch::copy_from_guest(&ml, arg, sizeof(ml)))
        return -xen::XEN_EFAULT;
    uint64_t chunks = arch::m2p_chunk_count();
    uint32_t i = 0;
    // As Xen: max_extents 0 asks for nothing.
    for (; i != ml.max_extents && i < chunks; i++)
        if (arch::put_guest(ml.extent_start.p + i * sizeof(uint64_t), arch::m2p_chunk_mfn(i)))
            return -xen::XEN_EFAULT;
    ml.nr_extents = i;
    return arch::copy_to_guest(arg, &ml, sizeof(ml)) ? -xen::XEN_EFAULT : 0;
}

// The 32-bit guests' compat M2P: xenon runs no 32-bit PV guests and keeps none, as Xen
// built or booted without PV32 support answers.
long machphys_compat_mfn_list(uint64_t) {
    return -xen::XEN_EOPNOTSUPP;
}

} // namespace memop
