// VCPUOP_initialise with hostile contexts for vCPU 1, above all ones naming the
// hypervisor's own frames and addresses, each with Xen 4.17's exact answer:
// non-canonical addresses (-EINVAL), an LDT in the hypervisor's range or too large, GDT
// frames it does not own (the hypervisor's, nobody's, beyond memory) or a page table as
// a GDT frame, page-table bases that are not an L4 of its own (the hypervisor's L3 under
// its L4 slots, frame 0, a frame beyond memory, its own L1 and L3), a user base that is
// no L4 (-EINVAL each), an unreadable context (-EFAULT) and vCPUs it lacks (-ENOENT).
// After all of them vCPU 1 still has no context (VCPUOP_up -EINVAL). Selectors are not
// refused: a ring-0 one gets the guest kernel's RPL, and a rip in the hypervisor's range
// is canonical, so that context is accepted (the vCPU is never started).
#include "hostile.h"

namespace {

alignas(16) uint8_t stack[8192];
xen::vcpu_guest_context ctxt;
uint64_t xen_l3, own_l1, own_l3;

void idle(void*) {}

void good() {
    xt::vcpu_context(&ctxt, 1, idle, nullptr, stack + sizeof stack);
}

void expect(const char* what, long want) {
    long rc = xt::vcpu_op(xen::VCPUOP_initialise, 1, &ctxt);
    if (rc != want)
        xt::report_failure("%s: VCPUOP_initialise returned %ld, expected %ld", what, rc, want);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_up, 1), -xen::XEN_EINVAL);
}

} // namespace

void test_main() {
    using namespace hostile;
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_is_up, 1), 0);
    const uint64_t* l4 = l4_table();
    for (int s = 256; s < 272 && !xen_l3; s++)
        if (l4[s] & xt::PTE_P)
            xen_l3 = mfn_of_pte(l4[s]);
    walk_result w = walk(reinterpret_cast<uint64_t>(&ctxt));
    own_l1 = w.table_mfn[1];
    own_l3 = w.table_mfn[3];
    XT_CHECK(xen_l3 && own_l1 && own_l3);

    for (uint64_t bad : {NONCANON_LOW, NONCANON_HIGH, NONCANON_MID}) {
        good();
        ctxt.user_regs.rip = bad;
        expect("non-canonical rip", -xen::XEN_EINVAL);
        good();
        ctxt.trap_ctxt[14].address = bad;
        expect("non-canonical #PF handler", -xen::XEN_EINVAL);
        good();
        ctxt.kernel_sp = bad;
        expect("non-canonical kernel stack", -xen::XEN_EINVAL);
    }
    good();
    ctxt.ldt_base = XEN_DIRECTMAP;
    expect("LDT in the hypervisor's range", -xen::XEN_EINVAL);
    good();
    ctxt.ldt_ents = ~0ull;
    expect("LDT of 2^64-1 entries", -xen::XEN_EINVAL);
    good();
    ctxt.gdt_ents = ~0ull;
    expect("GDT of 2^64-1 entries", -xen::XEN_EINVAL);

    const uint64_t bad_frames[] = {xen_l3, 0, 1ull << 36, own_l1};
    for (uint64_t mfn : bad_frames) {
        good();
        ctxt.gdt_ents = 512;
        ctxt.gdt_frames[0] = mfn;
        expect("GDT frame not its own descriptor page", -xen::XEN_EINVAL);
        good();
        ctxt.ctrlreg[3] = mfn << 12;
        expect("page-table base not its L4", -xen::XEN_EINVAL);
    }
    good();
    ctxt.ctrlreg[3] = own_l3 << 12;
    expect("its L3 as the base", -xen::XEN_EINVAL);
    good();
    ctxt.ctrlreg[1] = xen_l3 << 12;
    expect("the hypervisor's L3 as the user base", -xen::XEN_EINVAL);
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_vcpu_op, xen::VCPUOP_initialise, 1, XEN_DIRECTMAP),
                -xen::XEN_EFAULT);
    for (unsigned id : {32u, 4096u, ~0u})
        XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, id, &ctxt), -xen::XEN_ENOENT);

    good();
    ctxt.user_regs.rip = XEN_DIRECTMAP;
    ctxt.user_regs.cs = 0x8; // a ring-0 selector: RPL 3 forced
    ctxt.user_regs.ss = 0;
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_initialise, 1, &ctxt), 0);
    XT_CHECK_RC(xt::vcpu_op(xen::VCPUOP_is_up, 1), 0);
    pass();
}
