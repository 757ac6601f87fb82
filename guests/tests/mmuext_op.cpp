// mmuext_op: MMUEXT_TLB_FLUSH_LOCAL and MMUEXT_INVLPG_LOCAL succeed (done = 1); unused or
// unknown commands (14, 99) are -ENOSYS with done = 0; pinning an ordinary writable page
// as an L1 table, or making it the base pointer, is -EINVAL; an unreadable batch -EFAULT.
#include "runtime.h"

alignas(4096) static uint8_t page[4096];

static long one(uint32_t cmd, uint64_t arg1, unsigned *done) {
    xen::mmuext_op op{};
    op.cmd = cmd;
    op.arg1.linear_addr = arg1;
    *done = 77;
    return xt::hypercall(xen::HYPERVISOR_mmuext_op, xt::arg(&op), 1, xt::arg(done), xen::DOMID_SELF);
}

void test_main() {
    using namespace xen;
    unsigned done;
    XT_CHECK_RC(one(MMUEXT_TLB_FLUSH_LOCAL, 0, &done), 0);
    XT_CHECK_EQ(done, 1);
    XT_CHECK_RC(one(MMUEXT_INVLPG_LOCAL, reinterpret_cast<uint64_t>(page), &done), 0);
    XT_CHECK_EQ(done, 1);
    XT_CHECK_RC(one(14, 0, &done), -XEN_ENOSYS);
    XT_CHECK_EQ(done, 0);
    XT_CHECK_RC(one(99, 0, &done), -XEN_ENOSYS);
    XT_CHECK_EQ(done, 0);
    XT_CHECK_RC(one(MMUEXT_PIN_L1_TABLE, xt::mfn_of(page), &done), -XEN_EINVAL);
    XT_CHECK_EQ(done, 0);
    XT_CHECK_RC(one(MMUEXT_NEW_BASEPTR, xt::mfn_of(page), &done), -XEN_EINVAL);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_mmuext_op, 0x1000, 1, xt::arg(&done), DOMID_SELF),
                -XEN_EFAULT);
    page[0] = 1; // still writable
    xt::report_success();
}
