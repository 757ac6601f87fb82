// The sysctls about the hypervisor's console: reading its ring (`xl dmesg`) and pressing
// its debug keys (`xl debug-keys`).
#include "common/console.h"
#include "arch/guest_access.h"
#include "common/debug_keys.h"
#include "common/hypercalls/sysctl/sysctl.h"
#include "public/errno.h"

namespace {

using namespace xen;

bool copy_out(void* ctx, uint32_t at, const char* data, uint32_t len) {
    uint64_t buffer = *static_cast<uint64_t*>(ctx);
    return arch::copy_to_guest(buffer + at, data, len) == 0;
}

} // namespace

namespace sysctl {

long readconsole(Call& c) {
    xen_sysctl_readconsole& rc = c.op.u.readconsole;
    console::RingRead r{rc.clear != 0, rc.incremental != 0, rc.index, rc.count};
    uint64_t buffer = rc.buffer.p;
    if (console::read_ring(r, copy_out, &buffer))
        return -XEN_EFAULT;
    rc.index = r.index;
    rc.count = r.count;
    return 0;
}

// As Xen: each key in turn; a fault on one stops there (-EFAULT); nothing is written
// back.
long debug_keys(Call& c) {
    const xen_sysctl_debug_keys& k = c.op.u.debug_keys;
    c.copyback = false;
    for (uint32_t i = 0; i < k.nr_keys; i++) {
        char key;
        if (arch::copy_from_guest(&key, k.keys.p + i, 1))
            return -XEN_EFAULT;
        debug_key_press(key);
    }
    return 0;
}

} // namespace sysctl
