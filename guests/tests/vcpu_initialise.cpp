// VCPUOP_initialise gives a down vCPU its first context; VCPUOP_up then runs it there: the
// registers given (rip, rsp, rdi), the page tables named in ctrlreg[3]. Refused: a vCPU
// that has a context (vCPU 0, and vCPU 1 once done: -EEXIST), a vCPU the domain lacks
// (-ENOENT), a non-canonical rip or a bad LDT (-EINVAL), a user-mode start without user
// page tables (-EINVAL), a "page table" that is a writable data page (-EINVAL), an
// unreadable context (-EFAULT).
#include "public/vcpu.h"
#include "runtime.h"

namespace {

alignas(4096) uint8_t stack1[4096];
alignas(4096) uint8_t data_page[4096];
xen::vcpu_guest_context ctx;
volatile uint64_t seen_rdi;

long vcpu_op(unsigned cmd, unsigned id, const void* arg) {
    return xt::hypercall(xen::HYPERVISOR_vcpu_op, cmd, id, xt::arg(arg));
}

extern "C" [[noreturn]] void vcpu1_main(uint64_t rdi) {
    seen_rdi = rdi;
    for (;;)
        vcpu_op(xen::VCPUOP_down, 1, nullptr);
}

void fill(xen::vcpu_guest_context& c) {
    memset(&c, 0, sizeof(c));
    c.flags = xen::VGCF_in_kernel;
    c.user_regs.rip = reinterpret_cast<uint64_t>(vcpu1_main);
    c.user_regs.rsp = reinterpret_cast<uint64_t>(stack1 + sizeof(stack1) - 8);
    c.user_regs.rdi = 0x5eed;
    c.user_regs.cs = xen::FLAT_KERNEL_CS64;
    c.user_regs.ss = xen::FLAT_RING3_SS64;
    c.user_regs.rflags = 0x2;
    c.kernel_ss = xen::FLAT_RING3_SS64;
    c.kernel_sp = c.user_regs.rsp;
    c.ctrlreg[3] = xt::mfn_of(reinterpret_cast<void*>(xt::start_info->pt_base)) << 12;
}

} // namespace

void test_main() {
    if (vcpu_op(xen::VCPUOP_is_up, 1, nullptr) < 0)
        xt::report_skip("one vCPU only");
    XT_CHECK_EQ(vcpu_op(xen::VCPUOP_is_up, 1, nullptr), 0);
    fill(ctx);
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 0, &ctx), -xen::XEN_EEXIST);
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 4096, &ctx), -xen::XEN_ENOENT);
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, reinterpret_cast<void*>(0x1000)),
                -xen::XEN_EFAULT);
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_up, 1, nullptr), -xen::XEN_EINVAL); // no context yet

    ctx.user_regs.rip = 0x0000800000000000ul;
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, &ctx), -xen::XEN_EINVAL);
    fill(ctx);
    ctx.ldt_ents = 8193;
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, &ctx), -xen::XEN_EINVAL);
    fill(ctx);
    ctx.ldt_base = 0x1234;
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, &ctx), -xen::XEN_EINVAL);
    fill(ctx);
    ctx.flags = 0; // user mode, and no user page tables
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, &ctx), -xen::XEN_EINVAL);
    fill(ctx);
    data_page[0] = 1;
    ctx.ctrlreg[3] = xt::mfn_of(data_page) << 12;
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, &ctx), -xen::XEN_EINVAL);

    fill(ctx);
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, &ctx), 0);
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_initialise, 1, &ctx), -xen::XEN_EEXIST);
    XT_CHECK_RC(vcpu_op(xen::VCPUOP_up, 1, nullptr), 0);
    for (unsigned i = 0; i < 100000000 && seen_rdi != 0x5eed; i++)
        asm volatile("pause");
    XT_CHECK_EQ(seen_rdi, 0x5eed);
    for (unsigned i = 0; i < 100000000 && vcpu_op(xen::VCPUOP_is_up, 1, nullptr) != 0; i++)
        asm volatile("pause");
    XT_CHECK_EQ(vcpu_op(xen::VCPUOP_is_up, 1, nullptr), 0);
    xt::report_success();
}
