// mmuext_op's other commands and its arguments: the flushes succeed; a *_MULTI bitmap
// that cannot be read is -EINVAL; SET_LDT checks its range (more than 8192 entries, an
// unaligned or hypervisor address: -EINVAL); CLEAR_PAGE and COPY_PAGE need a frame the
// domain may write (a page table: -EINVAL) but may copy from a page table; unknown
// commands are -ENOSYS, MARK_SUPER -EOPNOTSUPP. A batch stops at the first failure with
// `done` set; the domain naming itself by id is -ESRCH before anything, `done` untouched.
#include "pv_mmu.h"

alignas(4096) static uint64_t page[512];

static long one(unsigned cmd, uint64_t arg1, uint64_t arg2) {
    xen::mmuext_op op{};
    op.cmd = cmd;
    op.arg1.linear_addr = arg1;
    op.arg2.src_mfn = arg2;
    return mmu::mmuext(&op, 1, nullptr);
}

void test_main() {
    uint64_t va = mmu::va_of(page);
    static uint64_t mask = 1;
    XT_CHECK_RC(one(xen::MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    XT_CHECK_RC(one(xen::MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    XT_CHECK_RC(one(xen::MMUEXT_INVLPG_LOCAL, va, 0), 0);
    XT_CHECK_RC(one(xen::MMUEXT_INVLPG_ALL, va, 0), 0);
    XT_CHECK_RC(one(xen::MMUEXT_TLB_FLUSH_MULTI, 0, mmu::va_of(&mask)), 0);
    XT_CHECK_RC(one(xen::MMUEXT_INVLPG_MULTI, va, mmu::va_of(&mask)), 0);
    XT_CHECK_RC(one(xen::MMUEXT_TLB_FLUSH_MULTI, 0, 0x2000), -xen::XEN_EINVAL);
    XT_CHECK_RC(one(xen::MMUEXT_FLUSH_CACHE, 0, 0), 0); // the initial domain may

    XT_CHECK_RC(one(xen::MMUEXT_SET_LDT, va, 8193), -xen::XEN_EINVAL);
    XT_CHECK_RC(one(xen::MMUEXT_SET_LDT, va + 8, 1), -xen::XEN_EINVAL);
    XT_CHECK_RC(one(xen::MMUEXT_SET_LDT, 0xffff830000000000, 1), -xen::XEN_EINVAL);
    XT_CHECK_RC(one(xen::MMUEXT_SET_LDT, 0, 0), 0);

    uint64_t l4 = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
    uint64_t mine = xt::mfn_of(page);
    page[0] = 1;
    XT_CHECK_RC(one(xen::MMUEXT_CLEAR_PAGE, mine, 0), 0);
    XT_CHECK_EQ(page[0], 0);
    XT_CHECK_RC(one(xen::MMUEXT_CLEAR_PAGE, l4, 0), -xen::XEN_EINVAL);
    XT_CHECK_RC(one(xen::MMUEXT_CLEAR_PAGE, 1, 0), -xen::XEN_EINVAL);
    XT_CHECK_RC(one(xen::MMUEXT_COPY_PAGE, mine, l4), 0);
    const volatile uint64_t *cur = reinterpret_cast<const volatile uint64_t *>(xt::start_info->pt_base);
    for (unsigned i = 0; i < 512; i++)
        XT_CHECK_EQ(page[i], cur[i]);
    XT_CHECK_RC(one(xen::MMUEXT_COPY_PAGE, l4, mine), -xen::XEN_EINVAL);

    XT_CHECK_RC(one(14, 0, 0), -xen::XEN_ENOSYS);
    XT_CHECK_RC(one(99, 0, 0), -xen::XEN_ENOSYS);
    XT_CHECK_RC(one(xen::MMUEXT_MARK_SUPER, mine, 0), -xen::XEN_EOPNOTSUPP);

    xen::mmuext_op ops[3] = {};
    ops[0].cmd = xen::MMUEXT_TLB_FLUSH_LOCAL;
    ops[1].cmd = xen::MMUEXT_UNPIN_TABLE;
    ops[1].arg1.mfn = mine;
    ops[2].cmd = xen::MMUEXT_TLB_FLUSH_LOCAL;
    unsigned done = 77;
    XT_CHECK_RC(mmu::mmuext(ops, 3, &done), -xen::XEN_EINVAL);
    XT_CHECK_EQ(done, 1);
    done = 77;
    XT_CHECK_RC(mmu::mmuext(ops, 1, &done, 0), -xen::XEN_ESRCH);
    XT_CHECK_EQ(done, 77);
    done = 77;
    XT_CHECK_RC(mmu::mmuext(reinterpret_cast<xen::mmuext_op *>(0x2000), 1, &done), -xen::XEN_EFAULT);
    XT_CHECK_EQ(done, 0);
    xt::report_success();
}
