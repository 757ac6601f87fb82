// HYPERVISOR_set_trap_table: the guest's virtual IDT. Entries are read until one whose
// address is zero; a null table clears every vector. A non-canonical handler stops the
// walk with -EINVAL (the entries before it stay installed), a bad pointer with -EFAULT.
// Selectors get the guest kernel's RPL (3) when they ask for less privilege than that.
#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "arch/pv_hypercalls.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {
// Long tables are taken in slices: after this many entries the hypercall restarts itself
// at the next entry (as Xen's continuations do), so the scheduler gets its say.
constexpr unsigned kSlice = 1024;
constexpr uint64_t kSyscallInsnLen = 2;
} // namespace

namespace arch {

bool pv_can_continue() {
    Vcpu* v = current_vcpu();
    return v && !v->in_multicall;
}

long pv_continue_hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3) {
    TrapFrame& f = *guest_frame();
    f.rip -= kSyscallInsnLen; // back onto the SYSCALL
    f.rdi = a1;
    f.rsi = a2;
    f.rdx = a3;
    return nr;
}

} // namespace arch

long do_set_trap_table(uint64_t a1, uint64_t, uint64_t, uint64_t, uint64_t) {
    uint64_t traps = a1;
    Vcpu& v = *current_vcpu();
    if (!traps) {
        memset(v.arch.traps, 0, sizeof(v.arch.traps));
        return 0;
    }
    for (unsigned n = 0;; n++) {
        if (n == kSlice && arch::pv_can_continue())
            return arch::pv_continue_hypercall(xen::HYPERVISOR_set_trap_table, traps, 0, 0);
        xen::trap_info ti;
        if (arch::copy_from_guest(&ti, traps, sizeof(ti)))
            return -xen::XEN_EFAULT;
        if (ti.address == 0)
            return 0;
        if (!hc::is_canonical(ti.address))
            return -xen::XEN_EINVAL;
        uint16_t cs = (ti.cs & 3) >= 3 ? ti.cs : static_cast<uint16_t>(ti.cs | 3);
        GuestTrap& t = v.arch.traps[ti.vector];
        t.address = ti.address;
        t.cs = cs;
        t.flags = ti.flags;
        traps += sizeof(ti);
    }
}
