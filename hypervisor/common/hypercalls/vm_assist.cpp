// HYPERVISOR_vm_assist: switch optional hypervisor assists on and off for the domain.
// A 64-bit PV domain may name every type Xen 4.17 accepts for 32-bit PV (some are
// meaningless for 64-bit guests but were never refused) plus m2p_strict; anything else
// is -EINVAL before the command is even looked at.
#include "common/domain.h"
#include "common/hypercall.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

constexpr unsigned long kPv64Valid =
    (1ul << xen::VMASST_TYPE_4gb_segments) | (1ul << xen::VMASST_TYPE_4gb_segments_notify) |
    (1ul << xen::VMASST_TYPE_writable_pagetables) | (1ul << xen::VMASST_TYPE_pae_extended_cr3) |
    (1ul << xen::VMASST_TYPE_architectural_iopl) |
    (1ul << xen::VMASST_TYPE_runstate_update_flag) | (1ul << xen::VMASST_TYPE_m2p_strict);

} // namespace

long do_vm_assist(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const unsigned cmd = static_cast<unsigned>(a1);
    const unsigned type = static_cast<unsigned>(a2);
    Domain& d = *current_vcpu()->domain;
    if (type >= 64 || !(kPv64Valid & (1ul << type)))
        return -xen::XEN_EINVAL;
    switch (cmd) {
    case xen::VMASST_CMD_enable:
        __atomic_fetch_or(&d.vm_assist, 1ul << type, __ATOMIC_SEQ_CST);
        return 0;
    case xen::VMASST_CMD_disable:
        __atomic_fetch_and(&d.vm_assist, ~(1ul << type), __ATOMIC_SEQ_CST);
        return 0;
    default:
        return -xen::XEN_ENOSYS;
    }
}
