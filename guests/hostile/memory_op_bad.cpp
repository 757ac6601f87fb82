// memory_op with frames and sizes a guest may not use:
//   decrease_reservation of a hypervisor frame, of a frame past RAM, with extent order 40,
//   with nr_extents ~0 or 1 << 40 (list readable only at its start) -> 0 extents done
//   increase_reservation and populate_physmap with extent order 40  -> 0 extents done
//   exchange with different input and output sizes  -> -EPERM; with nr_exchanged != 0
//       -> -EINVAL; of a hypervisor frame -> -EINVAL
//   current_reservation of domain 12345 -> -ESRCH
//   an unknown command (99) -> -ENOSYS; extent bits on a command without extents -> -EINVAL
// The domain's reservation and its pages are the same afterwards.
#include "hostile.h"

alignas(4096) static uint8_t page[4096];

void test_main() {
    using namespace xen;
    page[0] = 0x42;
    uint16_t self = DOMID_SELF;
    long pages_before = xt::memory_op(XENMEM_current_reservation, &self);
    XT_CHECK(pages_before > 0);
    const uint64_t *l4 = hostile::l4_table();
    uint64_t xen_frame = 0;
    for (int s = 256; s < 272 && !xen_frame; s++)
        if ((l4[s] & xt::PTE_P) && hostile::mfn_of_pte(l4[s]) != hostile::l4_mfn())
            xen_frame = hostile::mfn_of_pte(l4[s]);
    XT_CHECK(xen_frame != 0);
    long max = xt::memory_op(XENMEM_maximum_ram_page, nullptr);
    static uint64_t ext[4];
    auto res = [](uint64_t n, uint32_t order, uint16_t dom) {
        return xen_memory_reservation{{reinterpret_cast<uint64_t>(ext)}, n, order, 0, dom};
    };

    for (uint64_t mfn : std::initializer_list<uint64_t>{xen_frame, uint64_t(max) + 0x100, ~0ull}) {
        ext[0] = mfn;
        xen_memory_reservation r = res(1, 0, DOMID_SELF);
        if (long rc = xt::memory_op(XENMEM_decrease_reservation, &r); rc != 0)
            xt::report_failure("decrease_reservation(mfn %#lx) = %ld, expected 0", mfn, rc);
    }
    ext[0] = xt::mfn_of(page);
    xen_memory_reservation r = res(1, 40, DOMID_SELF);
    XT_CHECK_RC(xt::memory_op(XENMEM_decrease_reservation, &r), 0);
    XT_CHECK_RC(xt::memory_op(XENMEM_increase_reservation, &r), 0);
    XT_CHECK_RC(xt::memory_op(XENMEM_populate_physmap, &r), 0);
    ext[0] = xen_frame;
    r = res(~0ull, 0, DOMID_SELF);
    XT_CHECK_RC(xt::memory_op(XENMEM_decrease_reservation, &r), 0);
    r = res(1ull << 40, 0, DOMID_SELF);
    XT_CHECK_RC(xt::memory_op(XENMEM_decrease_reservation, &r), 0);

    xen_memory_exchange ex{};
    ext[0] = xt::mfn_of(page);
    ex.in = res(1, 0, DOMID_SELF);
    ex.out = res(1, 40, DOMID_SELF);
    XT_CHECK_RC(xt::memory_op(XENMEM_exchange, &ex), -XEN_EPERM);
    ex.out = res(1, 0, DOMID_SELF);
    ex.nr_exchanged = 5;
    XT_CHECK_RC(xt::memory_op(XENMEM_exchange, &ex), -XEN_EINVAL);
    ex.nr_exchanged = 0;
    ext[0] = xen_frame;
    XT_CHECK_RC(xt::memory_op(XENMEM_exchange, &ex), -XEN_EINVAL);

    uint16_t other = 12345;
    XT_CHECK_RC(xt::memory_op(XENMEM_current_reservation, &other), -XEN_ESRCH);
    XT_CHECK_RC(xt::memory_op(99, page), -XEN_ENOSYS);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_memory_op, XENMEM_maximum_ram_page | (5u << 6), 0),
                -XEN_EINVAL);

    XT_CHECK_EQ(xt::memory_op(XENMEM_current_reservation, &self), pages_before);
    XT_CHECK_EQ(page[0], 0x42);
    XT_CHECK_EQ(hostile::m2p[xt::mfn_of(page)], xt::pfn_of(page));
    hostile::pass();
}
