// Guest user mode for tests: a user page table (a read-only, pinned copy of the kernel's
// L4, installed with MMUEXT_NEW_USER_BASEPTR), the syscall callback, and the way in
// (HYPERVISOR_iret to a ring-3 CS) and out (a syscall with a reserved number).
#include "user.h"
#include "public/callback.h"
#include "runtime.h"

extern "C" {
void xt_syscall_entry();
long xt_user_enter(void (*fn)(), uint64_t user_rsp, uint64_t rflags);
volatile uint64_t xt_syscalls_seen;
volatile uint64_t xt_syscall_last_cs, xt_syscall_last_rflags;
}

namespace xt {
namespace {

alignas(4096) uint64_t user_l4[512];
alignas(16) uint8_t kernel_stack[16384];
alignas(16) uint8_t user_stack[16384];
bool ready;

} // namespace

long user_mode_init() {
    if (ready)
        return 0;
    const auto* kernel_l4 = reinterpret_cast<const uint64_t*>(start_info->pt_base);
    for (unsigned i = 0; i < 512; i++)
        user_l4[i] = kernel_l4[i];
    uint64_t mfn = mfn_of(user_l4);
    long rc = update_va_mapping(reinterpret_cast<uint64_t>(user_l4),
                                (mfn << 12) | PTE_P | PTE_US | PTE_A, xen::UVMF_INVLPG);
    if (rc)
        return rc;
    xen::mmuext_op ops[2] = {};
    ops[0].cmd = xen::MMUEXT_PIN_L4_TABLE;
    ops[0].arg1.mfn = mfn;
    ops[1].cmd = xen::MMUEXT_NEW_USER_BASEPTR;
    ops[1].arg1.mfn = mfn;
    rc = hypercall(xen::HYPERVISOR_mmuext_op, arg(ops), 2, 0, xen::DOMID_SELF);
    if (rc)
        return rc;
    xen::callback_register cb{xen::CALLBACKTYPE_syscall, xen::CALLBACKF_mask_events,
                              reinterpret_cast<uint64_t>(xt_syscall_entry)};
    rc = callback_op(xen::CALLBACKOP_register, &cb);
    if (rc)
        return rc;
    rc = hypercall(xen::HYPERVISOR_stack_switch, xen::FLAT_KERNEL_SS,
                   reinterpret_cast<uint64_t>(kernel_stack + sizeof(kernel_stack)));
    if (rc)
        return rc;
    ready = true;
    return 0;
}

long run_in_user_mode(void (*fn)(), uint64_t rflags) {
    return xt_user_enter(fn, reinterpret_cast<uint64_t>(user_stack + sizeof(user_stack)), rflags);
}

} // namespace xt
