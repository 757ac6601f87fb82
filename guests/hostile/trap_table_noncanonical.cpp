// set_trap_table entries with a non-canonical handler are -EINVAL (whatever the vector,
// also 0x80). Entries are taken in order: those before the bad one are installed, those
// after it are not. A table running into an unmapped page installs what it could read and
// is -EFAULT. A handler inside the hypervisor's range is canonical and accepted (0: the
// guest would take the fault there itself). Afterwards the runtime's table is put back
// and a #UD reaches its handler.
#include "hostile.h"

extern "C" void xt_trap_4(); // the runtime's #OF entry: it reports vector 4

alignas(4096) static uint8_t pages[2][4096];

void test_main() {
    using namespace xen;
    const uint16_t cs = FLAT_KERNEL_CS;
    static trap_info t[4];
    for (uint64_t bad : std::initializer_list<uint64_t>{hostile::NONCANON_LOW, hostile::NONCANON_HIGH,
                                                        hostile::NONCANON_MID, ~0ull << 47 >> 1}) {
        for (uint8_t vec : {uint8_t(6), uint8_t(14), uint8_t(0x80)}) {
            t[0] = {vec, 4, cs, bad};
            t[1] = {};
            long rc = xt::set_trap_table(t);
            if (rc != -XEN_EINVAL)
                xt::report_failure("handler %#lx for vector %u: %ld, expected -EINVAL", bad, vec, rc);
        }
    }
    xt::fault_info fi = xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    XT_CHECK_EQ(fi.rip, xt::site);

    // In order: #BP goes to the #OF entry, then a bad entry, then #UD to the #OF entry.
    t[0] = {3, 4 | 3, cs, reinterpret_cast<uint64_t>(xt_trap_4)};
    t[1] = {13, 4, cs, hostile::NONCANON_LOW};
    t[2] = {6, 4, cs, reinterpret_cast<uint64_t>(xt_trap_4)};
    t[3] = {};
    XT_CHECK_RC(xt::set_trap_table(t), -XEN_EINVAL);
    fi = xt::expect_fault(4, [] { XT_SITE("int3"); }); // reported as vector 4
    fi = xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    XT_CHECK_RC(xt::set_trap_table(xt::trap_table()), 0);

    // A table whose second entry is on an unmapped page.
    auto *tail = reinterpret_cast<trap_info *>(pages[1]) - 1;
    tail[0] = {3, 4 | 3, cs, reinterpret_cast<uint64_t>(xt_trap_4)};
    uint64_t hole_pte = hostile::pte_of(pages[1]);
    XT_CHECK_RC(hostile::unmap(pages[1]), 0);
    XT_CHECK_RC(xt::set_trap_table(tail), -XEN_EFAULT);
    XT_CHECK_RC(hostile::remap(pages[1], hole_pte), 0);
    xt::expect_fault(4, [] { XT_SITE("int3"); });
    XT_CHECK_RC(xt::set_trap_table(xt::trap_table()), 0);

    // Canonical addresses in the hypervisor's range are accepted as handlers.
    t[0] = {6, 4, cs, hostile::XEN_DIRECTMAP};
    t[1] = {};
    XT_CHECK_RC(xt::set_trap_table(t), 0);
    XT_CHECK_RC(xt::set_trap_table(xt::trap_table()), 0);
    fi = xt::expect_fault(xt::VEC_UD, [] { XT_SITE("ud2"); });
    XT_CHECK_EQ(fi.rip, xt::site);
    hostile::pass();
}
