// Secondary vCPUs: a context for VCPUOP_initialise that runs a function of the test on a
// stack of its own, with the runtime's trap table and callbacks.
#include "public/vcpu.h"
#include "runtime.h"

extern "C" {
void xt_event_entry();
void xt_failsafe_entry();
void xt_vcpu_entry(); // head.S: calls fn(arg) (rsi, rdi), then xt_vcpu_exit(id in rbx)
[[noreturn]] void xt_vcpu_exit(unsigned id);
}

namespace xt {

namespace {
constexpr unsigned kStackSize = 16384;
alignas(16) uint8_t stacks[MAX_VCPUS][kStackSize];
} // namespace

void vcpu_context(xen::vcpu_guest_context* c, unsigned id, void (*fn)(void*), void* arg,
                  void* stack_top) {
    memset(c, 0, sizeof(*c));
    c->flags = xen::VGCF_in_kernel;
    c->user_regs.rip = reinterpret_cast<uint64_t>(xt_vcpu_entry);
    c->user_regs.rsp = reinterpret_cast<uint64_t>(stack_top);
    c->user_regs.rdi = reinterpret_cast<uint64_t>(arg);
    c->user_regs.rsi = reinterpret_cast<uint64_t>(fn);
    c->user_regs.rbx = id;
    c->user_regs.cs = xen::FLAT_KERNEL_CS;
    c->user_regs.ss = xen::FLAT_KERNEL_SS;
    c->user_regs.rflags = 0x200; // IF: events as the vcpu_info's mask says
    for (const xen::trap_info* t = trap_table(); t->address; t++)
        c->trap_ctxt[t->vector] = *t;
    c->kernel_ss = xen::FLAT_KERNEL_SS;
    c->kernel_sp = reinterpret_cast<uint64_t>(stack_top);
    c->ctrlreg[3] = mfn_of(reinterpret_cast<const void*>(start_info->pt_base)) << 12;
    c->event_callback_eip = reinterpret_cast<uint64_t>(xt_event_entry);
    c->failsafe_callback_eip = reinterpret_cast<uint64_t>(xt_failsafe_entry);
    c->flags |= xen::VGCF_failsafe_disables_events;
}

long start_vcpu(unsigned id, void (*fn)(void*), void* arg) {
    if (id == 0 || id >= MAX_VCPUS)
        return -xen::XEN_EINVAL;
    // Upcalls go to vCPU 0's dispatcher: a secondary vCPU keeps events masked.
    shared->vcpu_info[id].evtchn_upcall_mask = 1;
    static xen::vcpu_guest_context ctxt;
    vcpu_context(&ctxt, id, fn, arg, stacks[id] + kStackSize);
    long rc = vcpu_op(xen::VCPUOP_initialise, id, &ctxt);
    if (rc)
        return rc;
    return vcpu_op(xen::VCPUOP_up, id);
}

} // namespace xt

extern "C" void xt_vcpu_exit(unsigned id) {
    for (;;)
        xt::vcpu_op(xen::VCPUOP_down, id);
}
