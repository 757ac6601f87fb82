// CONSOLEIO_write reading from places a guest cannot read through: the read-only m2p and
// the rest of the hypervisor's range (0xffff8000_00000000..0xffff87ff_ffffffff), a
// non-canonical address, a buffer straddling the end of the lower half, one wrapping past
// the top of the address space, and a 0xffffffff-byte buffer that runs into an unmapped
// page: -EFAULT each, with nothing printed from the bad part. A count of 0 reads nothing
// (0, even from the hypervisor's range); the count is an unsigned int (1 << 32 | n is n).
// An unknown command is -ENOSYS.
#include "hostile.h"

alignas(4096) static char pages[2][4096];

void test_main() {
    using namespace xen;
    for (uint64_t a : std::initializer_list<uint64_t>{
             hostile::XEN_M2P_RO, hostile::XEN_DIRECTMAP, hostile::XEN_TEXT, hostile::XEN_AREA_TOP,
             hostile::NONCANON_LOW, hostile::NONCANON_MID, 0x00007ffffffffff8ull,
             0xfffffffffffffff8ull, 0x1000}) {
        long rc = xt::console_io(CONSOLEIO_write, 16, reinterpret_cast<void *>(a));
        if (rc != -XEN_EFAULT)
            xt::report_failure("CONSOLEIO_write(16, %#lx) = %ld, expected -EFAULT", a, rc);
    }
    char *tail = pages[1] - 16;
    memcpy(tail, "hostile: tail\n\n\n", 16);
    uint64_t hole_pte = hostile::pte_of(pages[1]);
    XT_CHECK_RC(hostile::unmap(pages[1]), 0);
    XT_CHECK_RC(xt::console_io(CONSOLEIO_write, 0xffffffff, tail), -XEN_EFAULT);
    XT_CHECK_RC(xt::console_io(CONSOLEIO_write, 17, tail), -XEN_EFAULT);
    XT_CHECK_RC(hostile::remap(pages[1], hole_pte), 0);
    XT_CHECK_RC(xt::console_io(CONSOLEIO_write, 0, reinterpret_cast<void *>(hostile::XEN_DIRECTMAP)),
                0);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_console_io, CONSOLEIO_write, (1ul << 32) | 14, xt::arg(tail)),
                0);
    XT_CHECK_RC(xt::console_io(99, 16, tail), -XEN_ENOSYS);
    hostile::pass();
}
