// VCPUOP_initialise with contexts that name what the domain may not use: page tables that
// are not its frames (frame 0, I/O memory; a frame past RAM), user page tables of the
// same kind, GDT frames that are not its own, too many GDT entries, a non-canonical
// kernel stack or callback: each -EINVAL, and none leaves the vCPU half set up or a
// reference behind: the good context after them is taken, and the vCPU runs on it.
#include "hostile.h"

alignas(4096) static uint8_t stack1[4096];
static xen::vcpu_guest_context ctx;
static volatile uint64_t seen;

static long vcpu_op(unsigned cmd, unsigned id, const void* arg) {
    return xt::hypercall(xen::HYPERVISOR_vcpu_op, cmd, id, xt::arg(arg));
}

extern "C" [[noreturn]] void bad_vcpu1_main(uint64_t rdi) {
    seen = rdi;
    for (;;)
        vcpu_op(xen::VCPUOP_down, 1, nullptr);
}

static void fill() {
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = xen::VGCF_in_kernel;
    ctx.user_regs.rip = reinterpret_cast<uint64_t>(bad_vcpu1_main);
    ctx.user_regs.rsp = reinterpret_cast<uint64_t>(stack1 + sizeof(stack1) - 8);
    ctx.user_regs.rdi = 0xbad0;
    ctx.user_regs.cs = xen::FLAT_KERNEL_CS64;
    ctx.user_regs.ss = xen::FLAT_RING3_SS64;
    ctx.user_regs.rflags = 0x2;
    ctx.kernel_ss = xen::FLAT_RING3_SS64;
    ctx.kernel_sp = ctx.user_regs.rsp;
    ctx.ctrlreg[3] = xt::mfn_of(reinterpret_cast<void*>(xt::start_info->pt_base)) << 12;
}

static void refused(const char* what) {
    long rc = vcpu_op(xen::VCPUOP_initialise, 1, &ctx);
    if (rc != -xen::XEN_EINVAL)
        xt::report_failure("%s: %ld, expected -EINVAL", what, rc);
    fill();
}

void test_main() {
    if (vcpu_op(xen::VCPUOP_is_up, 1, nullptr) < 0)
        hostile::pass("one vCPU only");
    fill();
    ctx.ctrlreg[3] = 0;
    refused("cr3 frame 0");
    ctx.ctrlreg[3] = 0xf0000;
    refused("cr3 in the BIOS area");
    ctx.ctrlreg[3] = 0xfffffff000ul;
    refused("cr3 past RAM");
    ctx.ctrlreg[3] = xt::mfn_of(stack1) << 12;
    refused("cr3 a writable data page");
    ctx.ctrlreg[1] = 0xf0000;
    refused("user cr3 in the BIOS area");
    ctx.gdt_ents = 1;
    ctx.gdt_frames[0] = 0;
    refused("GDT frame 0");
    ctx.gdt_ents = 17 * 512;
    refused("17 GDT frames");
    ctx.kernel_sp = 0x0000800000000000ul;
    refused("non-canonical kernel stack");
    ctx.event_callback_eip = 0xffff000000000000ul;
    refused("non-canonical event callback");
    ctx.trap_ctxt[14].address = 0x8000000000000000ul;
    refused("non-canonical #PF handler");

    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, &ctx), 0);
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_up, 1, nullptr), 0);
    for (unsigned i = 0; i < 100000000 && seen != 0xbad0; i++)
        asm volatile("pause");
    XT_CHECK_EQ(seen, 0xbad0);
    hostile::pass();
}
