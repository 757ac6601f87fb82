// multicall with hostile counts and lists. The list (two xen_version(XENVER_version)
// calls) ends at a page boundary with the next page unmapped.
//   count 0                       -> 0
//   count 3                       -> -EFAULT after the two readable calls ran (their
//                                    results written in place)
//   count 0xffffffff, 0x80000000, 0x7fffffff -> the same: calls are read one at a time
//   count 1 << 32 | 2             -> both run (the count is an unsigned int)
//   list in the hypervisor's range, non-canonical or unmapped -> -EFAULT
#include "hostile.h"
#include "public/version.h"

alignas(4096) static uint8_t pages[2][4096];

void test_main() {
    long version = xt::xen_version(xen::XENVER_version);
    XT_CHECK(version > 0);
    auto *calls = reinterpret_cast<xen::multicall_entry *>(pages[1]) - 2;
    auto reset = [calls] {
        for (int i = 0; i < 2; i++)
            calls[i] = {xen::HYPERVISOR_xen_version, 77, {xen::XENVER_version, 0, 0, 0, 0, 0}};
    };
    uint64_t hole_pte = hostile::pte_of(pages[1]);
    XT_CHECK_RC(hostile::unmap(pages[1]), 0);

    reset();
    XT_CHECK_RC(xt::multicall(calls, 0), 0);
    XT_CHECK_EQ(calls[0].result, 77);
    reset();
    XT_CHECK_RC(xt::multicall(calls, 3), -xen::XEN_EFAULT);
    XT_CHECK_EQ(calls[0].result, version);
    XT_CHECK_EQ(calls[1].result, version);
    for (unsigned count : {0xffffffffu, 0x80000000u, 0x7fffffffu}) {
        reset();
        XT_CHECK_RC(xt::multicall(calls, count), -xen::XEN_EFAULT);
        XT_CHECK_EQ(calls[0].result, version);
        XT_CHECK_EQ(calls[1].result, version);
    }
    reset();
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_multicall, xt::arg(calls), (1ul << 32) | 2), 0);
    XT_CHECK_EQ(calls[0].result, version);
    XT_CHECK_EQ(calls[1].result, version);
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::XEN_DIRECTMAP, hostile::XEN_M2P_RO,
                                                        hostile::NONCANON_LOW, 0x1000,
                                                        reinterpret_cast<uint64_t>(pages[1])})
        XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_multicall, bad, 2), -xen::XEN_EFAULT);
    XT_CHECK_RC(hostile::remap(pages[1], hole_pte), 0);
    pages[1][0] = 1;
    hostile::pass();
}
