// XENMEM_exchange for a PV guest: two order-0 frames traded for one order-1 extent (the
// new frames are machine-contiguous and aligned, their M2P entries the gpfns asked for,
// the old frames are gone); the reservation is unchanged. A frame still mapped cannot be
// exchanged (-EINVAL, nothing exchanged, the frame still the guest's). Mismatched sizes:
// -EINVAL; an order above the caller's limit: -EPERM; an unreadable argument: -EFAULT.
#include "memop_util.h"

static uint64_t in[2], out[1];

static long exchange(xen::xen_memory_exchange* ex, unsigned in_order, unsigned out_order,
                     uint64_t nr_in, uint64_t nr_out) {
    *ex = {};
    ex->in = {{reinterpret_cast<uint64_t>(in)}, nr_in, in_order, 0, xen::DOMID_SELF};
    ex->out = {{reinterpret_cast<uint64_t>(out)}, nr_out, out_order, 0, xen::DOMID_SELF};
    return xt::memory_op(xen::XENMEM_exchange, ex);
}

void test_main() {
    const uint64_t base = xt::start_info->nr_pages + 0x500;
    in[0] = base;
    in[1] = base + 1;
    XT_CHECK_RC(memop::populate(in, 2), 2);
    uint64_t old[2] = {in[0], in[1]};
    long before = memop::current_pages();

    xen::xen_memory_exchange ex;
    out[0] = base + 8;
    XT_CHECK_RC(exchange(&ex, 0, 1, 2, 1), 0);
    XT_CHECK_EQ(ex.nr_exchanged, 2);
    xt::printf("in %#lx %#lx -> out %#lx\n", old[0], old[1], out[0]);
    XT_CHECK_EQ(out[0] % 2, 0);
    XT_CHECK_EQ(mmu::m2p(out[0]), base + 8);
    XT_CHECK_EQ(mmu::m2p(out[0] + 1), base + 9);
    XT_CHECK_EQ(memop::current_pages(), before);
    memop::check_usable(out[0], 1);
    memop::check_usable(out[0] + 1, 2);
    XT_CHECK_RC(memop::map_scratch(old[0]), -xen::XEN_EBUSY);
    XT_CHECK_RC(memop::map_scratch(old[1]), -xen::XEN_EBUSY);

    // A frame in use.
    in[0] = out[0];
    in[1] = out[0] + 1;
    XT_CHECK_RC(memop::map_scratch(in[1]), 0);
    out[0] = base + 16;
    XT_CHECK_RC(exchange(&ex, 0, 1, 2, 1), -xen::XEN_EINVAL);
    XT_CHECK_EQ(ex.nr_exchanged, 0);
    memop::unmap_scratch();
    memop::check_usable(in[0], 3);
    memop::check_usable(in[1], 4);
    XT_CHECK_EQ(memop::current_pages(), before);

    XT_CHECK_RC(exchange(&ex, 0, 0, 2, 1), -xen::XEN_EINVAL);
    XT_CHECK_RC(exchange(&ex, 0, 19, 2, 1), -xen::XEN_EPERM);
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_exchange, reinterpret_cast<void*>(0x1000)),
                -xen::XEN_EFAULT);
    XT_CHECK_EQ(memop::current_pages(), before);
    xt::report_success();
}
