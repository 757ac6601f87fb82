// XENMEM_exchange for 64-bit PV domains, as Xen 4.17 answers it: the frames listed in
// `in` are traded for fresh extents described by `out` (Linux uses it for machine-
// contiguous or low memory), one chunk at a time. A chunk is the smallest whole number
// of extents on both sides. Its input frames must be held by nothing but their
// allocation; if any step of a chunk fails, the chunk is undone and nr_exchanged counts
// the input extents of the chunks before it. The reservation does not change.
#include <stddef.h>

#include "arch/pv_mm.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/hypercalls/memory_op.h"
#include "common/memory/domain_frames.h"
#include "common/memory/page_info.h"
#include "public/errno.h"
#include "public/memory.h"

namespace memop {
namespace {

using memory::DomId;

constexpr unsigned kPageShift = 12;
constexpr unsigned kMaxNumaNodes = 64; // Xen x86's MAX_NUMNODES
constexpr unsigned kNoNode = 0xff;

memory::FrameTable& frames() {
    return memory::frame_table();
}

bool too_long(const xen::xen_memory_reservation& r) {
    return (~0ull >> r.extent_order) < r.nr_extents;
}

// Xen's propagate_node for the output's flags.
bool node_ok(uint32_t flags, const Domain& caller) {
    unsigned node = xen::XENMEMF_get_node(flags);
    if (node == kNoNode)
        return true;
    if (caller.privileged)
        return node < kMaxNumaNodes;
    return !(flags & xen::XENMEMF_exact_node_request);
}

// The frames of a chunk while it is being exchanged, linked through PageInfo::next.
struct Chunk {
    uint32_t stolen = memory::kNoFrame; // input frames, each on its own
    uint32_t fresh = memory::kNoFrame;  // output extents, by their first frame

    static uint32_t pop(uint32_t& head) {
        uint32_t mfn = head;
        head = frames().page(mfn)->next;
        frames().page(mfn)->next = memory::kNoFrame;
        return mfn;
    }
    static void push(uint32_t& head, uint64_t mfn) {
        frames().page(mfn)->next = head;
        head = static_cast<uint32_t>(mfn);
    }
    // A failed chunk: the input frames go back to d, the output extents to the allocator.
    void undo(DomId d, unsigned out_order) {
        while (stolen != memory::kNoFrame)
            memory::return_stolen_frame(pop(stolen), d);
        while (fresh != memory::kNoFrame)
            memory::free_unowned_frames(frames().page(pop(fresh)), out_order);
    }
};

long exchange_chunks(xen::xen_memory_exchange& ex, Domain& d, uint64_t max_mfn) {
    const unsigned in_order = ex.in.extent_order, out_order = ex.out.extent_order;
    const unsigned in_chunk = in_order <= out_order ? out_order - in_order : 0;
    const unsigned out_chunk = in_order <= out_order ? 0 : in_order - out_order;
    const uint64_t in_list = ex.in.extent_start.p, out_list = ex.out.extent_start.p;
    uint64_t i = ex.nr_exchanged >> in_chunk;
    for (; i < (ex.in.nr_extents >> in_chunk); i++) {
        Chunk c;
        long rc = 0;
        for (uint64_t j = 0; j < (1ull << in_chunk) && !rc; j++) {
            uint64_t gmfn;
            if (arch::get_guest(gmfn, in_list + ((i << in_chunk) + j) * sizeof(uint64_t))) {
                rc = -xen::XEN_EFAULT;
                break;
            }
            for (uint64_t k = 0; k < (1ull << in_order) && !rc; k++) {
                rc = memory::steal_frame(gmfn + k, d.domid);
                if (!rc)
                    Chunk::push(c.stolen, gmfn + k);
            }
        }
        for (uint64_t j = 0; j < (1ull << out_chunk) && !rc; j++) {
            memory::PageInfo* pg = memory::alloc_unowned_frames(out_order, max_mfn);
            if (!pg)
                rc = -xen::XEN_ENOMEM;
            else
                Chunk::push(c.fresh, frames().mfn(pg));
        }
        if (rc) {
            c.undo(d.domid, out_order);
            ex.nr_exchanged = i << in_chunk;
            return rc;
        }
        // The chunk cannot fail any more: the inputs are freed, the outputs are d's.
        while (c.stolen != memory::kNoFrame)
            memory::free_stolen_frame(Chunk::pop(c.stolen));
        // Extents were pushed in reverse: fill the output list back to front.
        for (uint64_t j = 1ull << out_chunk; j-- > 0;) {
            uint64_t mfn = Chunk::pop(c.fresh);
            memory::assign_frames(frames().page(mfn), out_order, d.domid);
            uint64_t slot = out_list + ((i << out_chunk) + j) * sizeof(uint64_t);
            uint64_t gpfn;
            if (arch::get_guest(gpfn, slot)) {
                rc = -xen::XEN_EFAULT;
                continue; // the extent is the domain's all the same
            }
            for (uint64_t k = 0; k < (1ull << out_order); k++)
                arch::m2p_set(mfn + k, gpfn + k);
            if (arch::put_guest(slot, mfn))
                rc = -xen::XEN_EFAULT;
        }
        if (rc) {
            ex.nr_exchanged = i << in_chunk;
            return rc;
        }
    }
    ex.nr_exchanged = ex.in.nr_extents;
    return 0;
}

} // namespace

long exchange(uint64_t arg, Domain& self) {
    xen::xen_memory_exchange ex;
    if (arch::copy_from_guest(&ex, arg, sizeof(ex)))
        return -xen::XEN_EFAULT;
    // Every answer after this point tells the guest how far it got.
    auto answer = [&](long rc) -> long {
        if (arch::put_guest(arg + offsetof(xen::xen_memory_exchange, nr_exchanged),
                            ex.nr_exchanged))
            return -xen::XEN_EFAULT;
        return rc;
    };
    const unsigned in_order = ex.in.extent_order, out_order = ex.out.extent_order;
    if ((in_order > out_order ? in_order : out_order) > max_order(self))
        return answer(-xen::XEN_EPERM);
    if (ex.nr_exchanged > ex.in.nr_extents || ex.in.domid != ex.out.domid || too_long(ex.in) ||
        too_long(ex.out) || (ex.in.nr_extents << in_order) != (ex.out.nr_extents << out_order))
        return answer(-xen::XEN_EINVAL);
    if (ex.nr_exchanged == ex.in.nr_extents)
        return 0;
    if (!hc::guest_handle_okay(ex.in.extent_start.p + ex.nr_exchanged * sizeof(uint64_t),
                               ex.in.nr_extents - ex.nr_exchanged, sizeof(uint64_t)))
        return answer(-xen::XEN_EFAULT);
    uint64_t out_first = in_order <= out_order ? ex.nr_exchanged >> (out_order - in_order)
                                               : ex.nr_exchanged << (in_order - out_order);
    if (!hc::guest_handle_okay(ex.out.extent_start.p + out_first * sizeof(uint64_t),
                               ex.out.nr_extents - out_first, sizeof(uint64_t)))
        return answer(-xen::XEN_EFAULT);
    if (!node_ok(ex.out.mem_flags, self))
        return answer(-xen::XEN_EINVAL);
    Domain* d = hc::domain_by_any_id(ex.in.domid, self);
    if (!d)
        return answer(-xen::XEN_ESRCH);
    if (!may_target(self, *d))
        return answer(-xen::XEN_EPERM);
    // The output's address width (0: any); too few bits leave nothing to allocate.
    unsigned bits = xen::XENMEMF_get_address_bits(ex.out.mem_flags);
    uint64_t max_mfn = ~0ull;
    if (bits && bits < 64)
        max_mfn = bits > kPageShift ? 1ull << (bits - kPageShift) : 0;
    long rc = exchange_chunks(ex, *d, max_mfn);
    memory::drain_released_frames();
    return answer(rc);
}

} // namespace memop
