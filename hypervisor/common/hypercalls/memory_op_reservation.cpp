// XENMEM_increase_reservation, XENMEM_decrease_reservation and XENMEM_populate_physmap for
// 64-bit PV domains, as Xen 4.17 answers them. A PV domain's frame numbers are machine
// frames: populate_physmap and increase_reservation write the frames they allocated into
// the guest's list (the guest fills its own P2M), decrease_reservation reads them.
//
// The answer is always the number of extents done (counting from the start extent that
// cmd carries): anything wrong with the request stops the work there, with no error
// code. A long list is done in slices: after each the hypercall continues (the guest
// re-issues it with the start extent advanced), as Xen's preemption does.
#include "arch/pv_hypercalls.h"
#include "arch/pv_mm.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/hypercalls/memory_op.h"
#include "common/memory/domain_frames.h"
#include "common/memory/page_info.h"
#include "public/memory.h"

namespace memop {
namespace {

constexpr unsigned kPageShift = 12;
constexpr unsigned kMaxNumaNodes = 64;  // Xen x86's MAX_NUMNODES
constexpr unsigned kNoNode = 0xff;      // XENMEMF_get_node of "any node"
constexpr uint64_t kSliceFrames = 4096; // frames handled between continuations

struct Request {
    Domain* d;
    uint64_t list; // guest array of xen_pfn_t
    uint64_t nr_extents;
    unsigned order;
    uint64_t max_mfn; // allocations lie below this frame (address_bits)
    bool pod;         // XENMEMF_populate_on_demand
    uint64_t done;
    uint64_t end; // this slice stops here
};

// Xen's guest_handle_subrange_okay(list, done, nr_extents - 1).
bool list_okay(const Request& r) {
    return hc::guest_handle_okay(r.list + r.done * sizeof(uint64_t), r.nr_extents - r.done,
                                 sizeof(uint64_t));
}

unsigned order_from_pages(uint64_t pages) {
    unsigned order = 0;
    while ((1ull << order) < pages)
        order++;
    return order;
}

// Xen's construct_memop_from_reservation and propagate_node: false for flags it refuses.
bool read_flags(uint32_t flags, const Domain& caller, Request& r) {
    r.max_mfn = ~0ull;
    unsigned bits = xen::XENMEMF_get_address_bits(flags);
    if (bits && bits < order_from_pages(memory::frame_table().frame_count()) + kPageShift) {
        if (bits <= kPageShift)
            return false;
        r.max_mfn = 1ull << (bits - kPageShift);
    }
    if (flags & xen::XENMEMF_vnode)
        return true; // no virtual NUMA topology: the node is ignored
    unsigned node = xen::XENMEMF_get_node(flags);
    if (node == kNoNode)
        return true;
    if (caller.privileged)
        return node < kMaxNumaNodes; // one node: any valid one is served from it
    return !(flags & xen::XENMEMF_exact_node_request);
}

uint64_t mfn_of(memory::PageInfo* pg) {
    return memory::frame_table().mfn(pg);
}

void increase_reservation(Request& r, const Domain& caller) {
    if (r.list && !list_okay(r))
        return;
    if (r.order > max_order(caller))
        return;
    for (; r.done < r.end; r.done++) {
        memory::PageInfo* pg = memory::alloc_domain_frames(r.d->domid, r.order, r.max_mfn);
        if (!pg)
            return;
        if (r.list && arch::put_guest(r.list + r.done * sizeof(uint64_t), mfn_of(pg)))
            return; // the extent stays the domain's, as in Xen
    }
}

void populate_physmap(Request& r, const Domain& caller) {
    if (!list_okay(r))
        return;
    if (r.order > (r.pod ? kMaxOrder : max_order(caller)))
        return;
    for (; r.done < r.end; r.done++) {
        uint64_t gpfn;
        if (arch::get_guest(gpfn, r.list + r.done * sizeof(uint64_t)))
            return;
        if (r.pod) {
            // Populate-on-demand is for HVM domains: refused on oneself, and for another
            // PV domain nothing happens but the count.
            if (r.d == &caller)
                return;
            continue;
        }
        memory::PageInfo* pg = memory::alloc_domain_frames(r.d->domid, r.order, r.max_mfn);
        if (!pg)
            return;
        uint64_t mfn = mfn_of(pg);
        for (uint64_t j = 0; j < (1ull << r.order); j++)
            arch::m2p_set(mfn + j, gpfn + j);
        if (arch::put_guest(r.list + r.done * sizeof(uint64_t), mfn))
            return;
    }
}

void decrease_reservation(Request& r, const Domain& caller) {
    if (!list_okay(r) || r.order > max_order(caller))
        return;
    for (; r.done < r.end; r.done++) {
        uint64_t gmfn;
        if (arch::get_guest(gmfn, r.list + r.done * sizeof(uint64_t)))
            return;
        // A frame that is not the domain's stops the list, even part way into an extent
        // (the frames before it are given back all the same).
        for (uint64_t j = 0; j < (1ull << r.order); j++)
            if (memory::give_back_frame(gmfn + j, r.d->domid) != 0)
                return;
    }
}

} // namespace

long reservation(unsigned op, uint64_t start_extent, uint64_t arg, Domain& self) {
    xen::xen_memory_reservation res;
    if (arch::copy_from_guest(&res, arg, sizeof(res)))
        return static_cast<long>(start_extent);
    // Larger counts would not fit a continuation's cmd.
    if (res.nr_extents > (UINT32_MAX >> xen::MEMOP_EXTENT_SHIFT) || start_extent >= res.nr_extents)
        return static_cast<long>(start_extent);
    Domain* d = hc::domain_by_any_id(res.domid, self);
    if (!d)
        return static_cast<long>(start_extent);
    Request r{d, res.extent_start.p, res.nr_extents, res.extent_order, 0, false, start_extent, 0};
    if (!read_flags(res.mem_flags, self, r) || !may_target(self, *d))
        return static_cast<long>(start_extent);
    r.pod = op == xen::XENMEM_populate_physmap && (res.mem_flags & xen::XENMEMF_populate_on_demand);

    const uint64_t slice = r.order < 12 ? kSliceFrames >> r.order : 1;
    for (;;) {
        r.end = r.nr_extents - r.done > slice ? r.done + slice : r.nr_extents;
        switch (op) {
        case xen::XENMEM_increase_reservation:
            increase_reservation(r, self);
            break;
        case xen::XENMEM_decrease_reservation:
            decrease_reservation(r, self);
            break;
        default:
            populate_physmap(r, self);
            break;
        }
        // Frames given back that nothing else held, and any others released since: free
        // them (after a TLB flush) before the guest can ask for memory again.
        memory::drain_released_frames();
        if (r.done < r.end || r.done == r.nr_extents)
            return static_cast<long>(r.done); // stopped, or finished
        if (arch::pv_can_continue())
            return arch::pv_continue_hypercall(xen::HYPERVISOR_memory_op,
                                               op | (r.done << xen::MEMOP_EXTENT_SHIFT), arg, 0);
    }
}

} // namespace memop
