// MMUEXT_NEW_USER_BASEPTR takes a read-only frame of the guest as the user-mode L4
// (validating it: the hypervisor's slots are filled in, all but the read-only M2P's,
// which only a kernel base pointer gets) and 0 for none; a frame mapped
// writable is -EINVAL, and while in use the L4 cannot be mapped writable (-EBUSY).
// MMUEXT_NEW_BASEPTR switches the kernel's L4: to a copy of the current one (%cr3 then
// reads the copy) and back; another domain's frame is -EINVAL.
#include "pv_mmu.h"

alignas(4096) static uint64_t user_l4[512];
alignas(4096) static uint64_t kernel_l4[512];

static uint64_t read_cr3() {
    uint64_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

void test_main() {
    uint64_t mfn = xt::mfn_of(user_l4);
    uint64_t rw = (mfn << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A | xt::PTE_D;
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_NEW_USER_BASEPTR, mfn), -xen::XEN_EINVAL);
    mmu::make_readonly(user_l4);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_NEW_USER_BASEPTR, mfn), 0);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_NEW_USER_BASEPTR, mfn), 0);
    XT_CHECK(user_l4[261] != 0); // the hypervisor's text slot
    XT_CHECK_EQ(user_l4[256], 0); // no M2P for it (it is not a kernel base pointer)
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(user_l4), rw, xen::UVMF_INVLPG), -xen::XEN_EBUSY);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_NEW_USER_BASEPTR, 0), 0);
    XT_CHECK_RC(xt::update_va_mapping(mmu::va_of(user_l4), rw, xen::UVMF_INVLPG), 0);

    const volatile uint64_t *cur = reinterpret_cast<const volatile uint64_t *>(xt::start_info->pt_base);
    uint64_t cur_mfn = xt::mfn_of(cur);
    XT_CHECK_EQ(read_cr3() >> 12, cur_mfn);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_NEW_BASEPTR, cur_mfn), 0);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_NEW_BASEPTR, 0), -xen::XEN_EINVAL);
    for (unsigned i = 0; i < 512; i++)
        kernel_l4[i] = (i >= 256 && i < 272) ? 0 : cur[i];
    mmu::make_readonly(kernel_l4);
    uint64_t new_mfn = xt::mfn_of(kernel_l4);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_NEW_BASEPTR, new_mfn), 0);
    XT_CHECK_EQ(read_cr3() >> 12, new_mfn);
    XT_CHECK(kernel_l4[256] != 0); // the read-only M2P, for a kernel base pointer
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_NEW_BASEPTR, cur_mfn), 0);
    XT_CHECK_EQ(read_cr3() >> 12, cur_mfn);
    mmu::make_writable(kernel_l4);
    xt::report_success();
}
