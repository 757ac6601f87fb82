// HYPERVISOR_callback_op and the older HYPERVISOR_set_callbacks: where Xen enters the
// guest kernel for events, failed returns, system calls from user space, and NMIs. As in
// Xen, the address is checked (canonical, else -EINVAL) before the type (unknown: -ENOSYS),
// and only the NMI callback can be unregistered (the others answer -EINVAL).
#include "arch/guest_access.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "lib/string.h"
#include "public/callback.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

constexpr unsigned kNmiVector = 2;
constexpr uint8_t kTrapMaskEvents = 4; // trap_info flags bit 2

long register_callback(Vcpu& v, const xen::callback_register& reg) {
    if (!hc::is_canonical(reg.address))
        return -xen::XEN_EINVAL;
    bool mask = reg.flags & xen::CALLBACKF_mask_events;
    ArchVcpu& a = v.arch;
    switch (reg.type) {
    case xen::CALLBACKTYPE_event:
        a.event_callback = reg.address; // upcalls always mask events
        return 0;
    case xen::CALLBACKTYPE_failsafe:
        a.failsafe_callback = reg.address;
        a.failsafe_disables_events = mask;
        return 0;
    case xen::CALLBACKTYPE_syscall:
        a.syscall_callback = reg.address;
        a.syscall_disables_events = mask;
        return 0;
    case xen::CALLBACKTYPE_syscall32:
        a.syscall32_callback = reg.address;
        a.syscall32_disables_events = mask;
        return 0;
    case xen::CALLBACKTYPE_sysenter:
        a.sysenter_callback = reg.address;
        a.sysenter_disables_events = mask;
        return 0;
    case xen::CALLBACKTYPE_nmi: {
        // The NMI callback is the virtual IDT's vector 2, entered with events masked.
        GuestTrap& t = a.traps[kNmiVector];
        t.address = reg.address;
        t.cs = xen::FLAT_KERNEL_CS;
        t.flags = kTrapMaskEvents;
        a.nmi_callback = reg.address;
        return 0;
    }
    default:
        return -xen::XEN_ENOSYS;
    }
}

long unregister_callback(Vcpu& v, const xen::callback_unregister& unreg) {
    switch (unreg.type) {
    case xen::CALLBACKTYPE_event:
    case xen::CALLBACKTYPE_failsafe:
    case xen::CALLBACKTYPE_syscall:
    case xen::CALLBACKTYPE_syscall32:
    case xen::CALLBACKTYPE_sysenter:
        return -xen::XEN_EINVAL;
    case xen::CALLBACKTYPE_nmi:
        memset(&v.arch.traps[kNmiVector], 0, sizeof(GuestTrap));
        v.arch.nmi_callback = 0;
        return 0;
    default:
        return -xen::XEN_ENOSYS;
    }
}

} // namespace

long do_callback_op(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const int cmd = static_cast<int>(a1);
    Vcpu& v = *current_vcpu();
    switch (cmd) {
    case xen::CALLBACKOP_register: {
        xen::callback_register reg;
        if (arch::copy_from_guest(&reg, a2, sizeof(reg)))
            return -xen::XEN_EFAULT;
        return register_callback(v, reg);
    }
    case xen::CALLBACKOP_unregister: {
        xen::callback_unregister unreg;
        if (arch::copy_from_guest(&unreg, a2, sizeof(unreg)))
            return -xen::XEN_EFAULT;
        return unregister_callback(v, unreg);
    }
    default:
        return -xen::XEN_ENOSYS;
    }
}

// Event, failsafe and syscall entry points at once, without flags; each is registered on
// its own, errors are ignored and the answer is always 0 (as in Xen).
long do_set_callbacks(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t, uint64_t) {
    Vcpu& v = *current_vcpu();
    register_callback(v, {xen::CALLBACKTYPE_event, 0, a1});
    register_callback(v, {xen::CALLBACKTYPE_failsafe, 0, a2});
    register_callback(v, {xen::CALLBACKTYPE_syscall, 0, a3});
    return 0;
}
