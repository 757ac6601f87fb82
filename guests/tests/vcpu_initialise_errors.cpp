// VCPUOP_initialise's errors, as Xen 4.17 gives them: -ENOENT for a vCPU the domain
// lacks, -EFAULT for a context it cannot read, -EEXIST for a vCPU that has one (vCPU 0),
// -EINVAL for each bad field (non-canonical addresses, an LDT or GDT out of bounds, user
// mode without user page tables, a page-table base that is no L4 of the domain, GDT
// frames that cannot be descriptor pages). None of them leaves vCPU 1 initialised: it
// still cannot go up, and a good context is then accepted (without VGCF_online: still
// down) and only once.
#include "vcpu_util.h"

namespace {

constexpr uint64_t kNonCanonical = 0x0000800000000000ull;
alignas(4096) uint8_t data_page[4096];
alignas(16) uint8_t stack[8192];
xen::vcpu_guest_context ctxt;

void idle(void*) {}

void good(xen::vcpu_guest_context* c) {
    xt::vcpu_context(c, 1, idle, nullptr, stack + sizeof stack);
}

using Change = void (*)(xen::vcpu_guest_context*);
struct Case {
    const char* what;
    Change change;
};

const Case cases[] = {
    {"rip", [](xen::vcpu_guest_context* c) { c->user_regs.rip = kNonCanonical; }},
    {"rsp", [](xen::vcpu_guest_context* c) { c->user_regs.rsp = kNonCanonical; }},
    {"kernel_sp", [](xen::vcpu_guest_context* c) { c->kernel_sp = kNonCanonical; }},
    {"fs_base", [](xen::vcpu_guest_context* c) { c->fs_base = kNonCanonical; }},
    {"gs_base_kernel", [](xen::vcpu_guest_context* c) { c->gs_base_kernel = kNonCanonical; }},
    {"gs_base_user", [](xen::vcpu_guest_context* c) { c->gs_base_user = kNonCanonical; }},
    {"event callback", [](xen::vcpu_guest_context* c) { c->event_callback_eip = kNonCanonical; }},
    {"failsafe callback",
     [](xen::vcpu_guest_context* c) { c->failsafe_callback_eip = kNonCanonical; }},
    {"syscall callback",
     [](xen::vcpu_guest_context* c) { c->syscall_callback_eip = kNonCanonical; }},
    {"trap 200", [](xen::vcpu_guest_context* c) { c->trap_ctxt[200].address = kNonCanonical; }},
    {"ldt_base with entries",
     [](xen::vcpu_guest_context* c) {
         c->ldt_base = kNonCanonical;
         c->ldt_ents = 1;
     }},
    {"ldt_base in the hypervisor's range",
     [](xen::vcpu_guest_context* c) { c->ldt_base = 0xffff800000000000ull; }},
    {"ldt_base unaligned",
     [](xen::vcpu_guest_context* c) {
         c->ldt_base = 0x10008;
         c->ldt_ents = 1;
     }},
    {"ldt_ents 8193", [](xen::vcpu_guest_context* c) { c->ldt_ents = 8193; }},
    {"gdt_ents 7169", [](xen::vcpu_guest_context* c) { c->gdt_ents = 7169; }},
    {"gdt_ents 2^32", [](xen::vcpu_guest_context* c) { c->gdt_ents = 1ull << 32; }},
    {"user mode without user page tables",
     [](xen::vcpu_guest_context* c) { c->flags &= ~xen::VGCF_in_kernel; }},
    {"gdt frame 0",
     [](xen::vcpu_guest_context* c) {
         c->gdt_ents = 16;
         c->gdt_frames[0] = 0;
     }},
    {"gdt frame mapped writable",
     [](xen::vcpu_guest_context* c) {
         c->gdt_ents = 16;
         c->gdt_frames[0] = xt::mfn_of(data_page);
     }},
    {"cr3 0", [](xen::vcpu_guest_context* c) { c->ctrlreg[3] = 0; }},
    {"cr3 a data page mapped writable",
     [](xen::vcpu_guest_context* c) { c->ctrlreg[3] = xt::mfn_of(data_page) << 12; }},
    {"cr3 another level's page table",
     [](xen::vcpu_guest_context* c) {
         c->ctrlreg[3] = xt::mfn_of(reinterpret_cast<void*>(xt::start_info->pt_base + 4096)) << 12;
     }},
    {"cr3 beyond memory", [](xen::vcpu_guest_context* c) { c->ctrlreg[3] = 1ull << 50; }},
    {"user cr3 a data page",
     [](xen::vcpu_guest_context* c) { c->ctrlreg[1] = xt::mfn_of(data_page) << 12; }},
};

} // namespace

void test_main() {
    vc::need_vcpu1_down();
    good(&ctxt);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 0, &ctxt), -xen::XEN_EEXIST);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 31, &ctxt), -xen::XEN_ENOENT);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 4096, &ctxt), -xen::XEN_ENOENT);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 1, nullptr), -xen::XEN_EFAULT);
    XT_CHECK_RC(
        xt::hypercall(xen::HYPERVISOR_vcpu_op, xen::VCPUOP_initialise, 1, 0xffff830000000000ull),
        -xen::XEN_EFAULT);
    // A context whose last bytes are past the end of the mapping.
    XT_CHECK_RC(
        xt::hypercall(xen::HYPERVISOR_vcpu_op, xen::VCPUOP_initialise, 1, 0x00007ffffffff000ull),
        -xen::XEN_EFAULT);
    // vCPU 0's context cannot be read either: the copy comes before the check.
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 0, nullptr), -xen::XEN_EFAULT);

    for (const Case& k : cases) {
        good(&ctxt);
        k.change(&ctxt);
        long rc = xt::vcpu_op(xen::VCPUOP_initialise, 1, &ctxt);
        xt::printf("%s: %s\n", k.what, xt::errno_name(rc));
        if (rc != -xen::XEN_EINVAL)
            xt::report_failure("%s: VCPUOP_initialise returned %ld, expected -EINVAL", k.what, rc);
        XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_up, 1), -xen::XEN_EINVAL);
    }

    good(&ctxt);
    ctxt.user_regs.cs = xen::FLAT_KERNEL_CS & ~3; // RPL 0: raised to the kernel's 3
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 1, &ctxt), 0);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_is_up, 1), 0); // no VGCF_online
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 1, &ctxt), -xen::XEN_EEXIST);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 1, nullptr), -xen::XEN_EFAULT);
    xt::report_success();
}
