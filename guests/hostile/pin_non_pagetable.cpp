// Pinning what is not a page table, or switching CR3 to it, is refused:
//   - a data page that is mapped writable, as L1..L4: -EINVAL (it has a writable type);
//   - a read-only page full of entries pointing outside the domain: as L1 -EPERM (the
//     entries name frames the domain may not map), as L2..L4 -EINVAL;
//   - a hypervisor frame (behind L4 slot 256..271), a frame past the end of RAM and a
//     frame number beyond any RAM: -EINVAL;
//   - MMUEXT_NEW_BASEPTR / NEW_USER_BASEPTR to any of them: -EINVAL.
// The vCPU keeps running on its L4; the data page stays usable.
#include "hostile.h"

alignas(4096) static uint64_t data[512];
alignas(4096) static uint64_t junk[512];

void test_main() {
    using namespace xen;
    uint64_t data_mfn = xt::mfn_of(data), junk_mfn = xt::mfn_of(junk);
    data[0] = 42;
    for (unsigned cmd : {MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE,
                         MMUEXT_PIN_L4_TABLE})
        XT_CHECK_RC(hostile::mmuext1(cmd, data_mfn), -XEN_EINVAL);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_NEW_BASEPTR, data_mfn), -XEN_EINVAL);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_NEW_USER_BASEPTR, data_mfn), -XEN_EINVAL);

    for (unsigned i = 0; i < 512; i++)
        junk[i] = 0x0000dead0000f067ull + (uint64_t(i) << 12);
    uint64_t junk_pte = hostile::pte_of(junk);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(junk), hostile::pte(junk_mfn, 0),
                                      UVMF_INVLPG),
                0);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L1_TABLE, junk_mfn), -XEN_EPERM);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L2_TABLE, junk_mfn), -XEN_EINVAL);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L3_TABLE, junk_mfn), -XEN_EINVAL);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_PIN_L4_TABLE, junk_mfn), -XEN_EINVAL);
    XT_CHECK_RC(hostile::mmuext1(MMUEXT_NEW_BASEPTR, junk_mfn), -XEN_EINVAL);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(junk), junk_pte, UVMF_INVLPG), 0);
    junk[0] = 0; // writable again: no type stuck on it

    const uint64_t *l4 = hostile::l4_table();
    uint64_t xen_frame = 0;
    for (int s = 256; s < 272 && !xen_frame; s++)
        if ((l4[s] & xt::PTE_P) && hostile::mfn_of_pte(l4[s]) != hostile::l4_mfn())
            xen_frame = hostile::mfn_of_pte(l4[s]);
    XT_CHECK(xen_frame != 0);
    long max = xt::memory_op(XENMEM_maximum_ram_page, nullptr);
    for (uint64_t mfn : std::initializer_list<uint64_t>{xen_frame, uint64_t(max) + 0x100,
                                                        1ull << 40, ~0ull}) {
        for (unsigned cmd : {MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE,
                             MMUEXT_PIN_L4_TABLE, MMUEXT_NEW_BASEPTR, MMUEXT_NEW_USER_BASEPTR,
                             MMUEXT_UNPIN_TABLE}) {
            long rc = hostile::mmuext1(cmd, mfn);
            if (rc != -XEN_EINVAL)
                xt::report_failure("mmuext cmd %u on mfn %#lx = %ld, expected -EINVAL", cmd, mfn, rc);
        }
    }
    XT_CHECK_EQ(data[0], 42);
    data[1] = 43;
    hostile::pass();
}
