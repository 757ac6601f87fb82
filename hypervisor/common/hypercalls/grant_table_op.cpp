// HYPERVISOR_grant_table_op(cmd, uop, count): the guest side of grant tables
// (common/grant_table.h does the work). Arguments are 32-bit in Xen's prototype (cmd
// and count are unsigned int): the upper halves of the registers are ignored; a count
// with bit 31 set is -EINVAL, and so are bits above the sub-op in cmd.
//
// The per-element operations (map, unmap, unmap_and_replace, copy, swap) run in slices:
// after each slice a long batch continues as a fresh hypercall with the array pointer
// advanced and the count reduced, as Xen's continuations leave the registers (inside a
// multicall the batch runs to its end). Unmaps go in groups of 32, the calling domain's
// TLBs flushed between removing the mappings and dropping the pins, as Xen does.
//
// Implemented: map_grant_ref, unmap_grant_ref, unmap_and_replace, setup_table,
// query_size, transfer, copy, set_version (versions 1 and 2), get_version,
// get_status_frames, swap_grant_ref, cache_flush. dump_table is gone from Xen 4.17:
// -ENOSYS on both.
#include "arch/guest_access.h"
#include "arch/pv_hypercalls.h"
#include "common/domain.h"
#include "common/grant_table.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "public/errno.h"
#include "public/grant_table.h"

namespace {

constexpr unsigned kCmdMask = (1u << 12) - 1; // Xen's GNTTABOP_CMD_MASK
constexpr unsigned kSlice = 128;              // elements per run before a continuation
constexpr unsigned kUnmapGroup = 32;          // Xen's GNTTAB_UNMAP_BATCH_SIZE

gnttab::Caller caller_of(const Vcpu& v) {
    return {v.domain->domid, v.id, v.domain->privileged};
}

bool handle_ok(uint64_t uop, unsigned count, size_t size) {
    return hc::guest_handle_okay(uop, count, size);
}

// Continues a per-element sub-op at element `done` when a slice is over.
bool slice_over(unsigned done) {
    return done && done % kSlice == 0 && arch::pv_can_continue();
}
long continue_at(unsigned cmd, uint64_t uop, unsigned count, unsigned done, size_t size) {
    return arch::pv_continue_hypercall(xen::HYPERVISOR_grant_table_op, cmd,
                                       uop + uint64_t(done) * size, count - done);
}

long map_grant_ref(const gnttab::Caller& c, unsigned cmd, uint64_t uop, unsigned count) {
    constexpr size_t kSize = sizeof(xen::gnttab_map_grant_ref);
    if (!handle_ok(uop, count, kSize))
        return -xen::XEN_EFAULT;
    for (unsigned i = 0; i < count; i++) {
        if (slice_over(i))
            return continue_at(cmd, uop, count, i, kSize);
        xen::gnttab_map_grant_ref op;
        if (arch::copy_from_guest(&op, uop + uint64_t(i) * kSize, kSize))
            return -xen::XEN_EFAULT;
        gnttab::map_grant_ref(c, op);
        if (arch::copy_to_guest(uop + uint64_t(i) * kSize, &op, kSize))
            return -xen::XEN_EFAULT;
    }
    return 0;
}

// unmap_grant_ref and unmap_and_replace: the same work, two layouts (the status field is
// at offset 20 in both).
long unmap(const gnttab::Caller& c, unsigned cmd, uint64_t uop, unsigned count) {
    const bool replace = cmd == xen::GNTTABOP_unmap_and_replace;
    const size_t size =
        replace ? sizeof(xen::gnttab_unmap_and_replace) : sizeof(xen::gnttab_unmap_grant_ref);
    static_assert(offsetof(xen::gnttab_unmap_grant_ref, status) ==
                  offsetof(xen::gnttab_unmap_and_replace, status));
    constexpr size_t kStatus = offsetof(xen::gnttab_unmap_grant_ref, status);
    if (!handle_ok(uop, count, size))
        return -xen::XEN_EFAULT;
    Domain& d = *current_vcpu()->domain;
    gnttab::Unmap ops[kUnmapGroup];
    unsigned done = 0;
    long rc = 0;
    while (done < count && rc == 0) {
        if (slice_over(done))
            return continue_at(cmd, uop, count, done, size);
        unsigned n = count - done < kUnmapGroup ? count - done : kUnmapGroup;
        unsigned started = 0;
        for (; started < n; started++) {
            uint64_t at = uop + uint64_t(done + started) * size;
            gnttab::Unmap& u = ops[started];
            if (replace) {
                xen::gnttab_unmap_and_replace in;
                if (arch::copy_from_guest(&in, at, sizeof(in))) {
                    rc = -xen::XEN_EFAULT;
                    break;
                }
                u = gnttab::Unmap{};
                u.host_addr = in.host_addr;
                u.new_addr = in.new_addr;
                u.handle = in.handle;
            } else {
                xen::gnttab_unmap_grant_ref in;
                if (arch::copy_from_guest(&in, at, sizeof(in))) {
                    rc = -xen::XEN_EFAULT;
                    break;
                }
                u = gnttab::Unmap{};
                u.host_addr = in.host_addr;
                u.dev_bus_addr = in.dev_bus_addr;
                u.handle = in.handle;
            }
            gnttab::unmap_begin(c, u);
            if (arch::put_guest(at + kStatus, u.status)) {
                started++; // removed all the same: complete it below
                rc = -xen::XEN_EFAULT;
                break;
            }
        }
        // No translation of a frame may outlive its pin.
        gnttab::flush_tlb(d.domid);
        for (unsigned i = 0; i < started; i++)
            gnttab::unmap_complete(c, ops[i]);
        done += n;
    }
    return rc;
}

long transfer(const gnttab::Caller& c, unsigned cmd, uint64_t uop, unsigned count) {
    constexpr size_t kSize = sizeof(xen::gnttab_transfer);
    if (!handle_ok(uop, count, kSize))
        return -xen::XEN_EFAULT;
    for (unsigned i = 0; i < count; i++) {
        if (slice_over(i))
            return continue_at(cmd, uop, count, i, kSize);
        xen::gnttab_transfer op;
        uint64_t at = uop + uint64_t(i) * kSize;
        if (arch::copy_from_guest(&op, at, kSize))
            return -xen::XEN_EFAULT;
        op.status = gnttab::transfer(c, op.mfn, op.domid, op.ref);
        if (arch::put_guest(at + offsetof(xen::gnttab_transfer, status), op.status))
            return -xen::XEN_EFAULT;
    }
    return 0;
}

long setup_table(const gnttab::Caller& c, uint64_t uop, unsigned count) {
    if (count != 1)
        return -xen::XEN_EINVAL;
    xen::gnttab_setup_table op;
    if (arch::copy_from_guest(&op, uop, sizeof(op)))
        return -xen::XEN_EFAULT;
    if (!handle_ok(op.frame_list.p, op.nr_frames, sizeof(xen::xen_pfn_t)))
        return -xen::XEN_EFAULT;
    uint64_t mfns[gnttab::kMaxFrames];
    op.status = gnttab::setup_table(c, op.dom, op.nr_frames, mfns);
    if (op.status == xen::GNTST_okay) {
        for (uint32_t i = 0; i < op.nr_frames; i++) {
            xen::xen_pfn_t f = mfns[i];
            if (arch::put_guest(op.frame_list.p + uint64_t(i) * sizeof(f), f))
                op.status = xen::GNTST_bad_virt_addr;
        }
    }
    if (arch::put_guest(uop + offsetof(xen::gnttab_setup_table, status), op.status))
        return -xen::XEN_EFAULT;
    return 0;
}

long query_size(const gnttab::Caller& c, uint64_t uop, unsigned count) {
    if (count != 1)
        return -xen::XEN_EINVAL;
    xen::gnttab_query_size op;
    if (arch::copy_from_guest(&op, uop, sizeof(op)))
        return -xen::XEN_EFAULT;
    op.status = gnttab::query_size(c, op.dom, &op.nr_frames, &op.max_nr_frames);
    return arch::copy_to_guest(uop, &op, sizeof(op)) ? -xen::XEN_EFAULT : 0;
}

long copy(const gnttab::Caller& c, unsigned cmd, uint64_t uop, unsigned count) {
    constexpr size_t kSize = sizeof(xen::gnttab_copy);
    if (!handle_ok(uop, count, kSize))
        return -xen::XEN_EFAULT;
    gnttab::CopyState st{};
    long rc = 0;
    for (unsigned i = 0; i < count; i++) {
        if (slice_over(i)) {
            gnttab::copy_release(st);
            return continue_at(cmd, uop, count, i, kSize);
        }
        xen::gnttab_copy op;
        uint64_t at = uop + uint64_t(i) * kSize;
        if (arch::copy_from_guest(&op, at, kSize)) {
            rc = -xen::XEN_EFAULT;
            break;
        }
        int16_t status = gnttab::copy_one(c, op, st);
        if (status == gnttab::kCopyRestart) {
            gnttab::copy_release(st);
            if (arch::pv_can_continue())
                return continue_at(cmd, uop, count, i, kSize);
            i--; // inside a multicall: again at once
            continue;
        }
        if (arch::put_guest(at + offsetof(xen::gnttab_copy, status), status)) {
            rc = -xen::XEN_EFAULT;
            break;
        }
    }
    gnttab::copy_release(st);
    return rc;
}

long set_version(const gnttab::Caller& c, uint64_t uop) {
    xen::gnttab_set_version op;
    if (arch::copy_from_guest(&op, uop, sizeof(op)))
        return -xen::XEN_EFAULT;
    long rc = gnttab::set_version(c, op.version, current_vcpu()->domain->config.max_grant_version,
                                  &op.version);
    return arch::copy_to_guest(uop, &op, sizeof(op)) ? -xen::XEN_EFAULT : rc;
}

long get_version(const gnttab::Caller& c, uint64_t uop) {
    xen::gnttab_get_version op;
    if (arch::copy_from_guest(&op, uop, sizeof(op)))
        return -xen::XEN_EFAULT;
    if (long rc = gnttab::get_version(c, op.dom, &op.version))
        return rc;
    if (arch::put_guest(uop + offsetof(xen::gnttab_get_version, version), op.version))
        return -xen::XEN_EFAULT;
    return 0;
}

long get_status_frames(const gnttab::Caller& c, uint64_t uop, unsigned count) {
    if (count != 1)
        return -xen::XEN_EINVAL;
    xen::gnttab_get_status_frames op;
    if (arch::copy_from_guest(&op, uop, sizeof(op)))
        return -xen::XEN_EFAULT;
    if (!handle_ok(op.frame_list.p, op.nr_frames, sizeof(uint64_t)))
        return -xen::XEN_EFAULT;
    uint64_t mfns[gnttab::kMaxStatusFrames];
    op.status = gnttab::get_status_frames(c, op.dom, op.nr_frames, mfns);
    if (op.status == xen::GNTST_okay) {
        for (uint32_t i = 0; i < op.nr_frames; i++)
            if (arch::put_guest(op.frame_list.p + uint64_t(i) * sizeof(uint64_t), mfns[i]))
                op.status = xen::GNTST_bad_virt_addr;
    }
    if (arch::put_guest(uop + offsetof(xen::gnttab_get_status_frames, status), op.status))
        return -xen::XEN_EFAULT;
    return 0;
}

long swap_grant_ref(const gnttab::Caller& c, unsigned cmd, uint64_t uop, unsigned count) {
    constexpr size_t kSize = sizeof(xen::gnttab_swap_grant_ref);
    if (!handle_ok(uop, count, kSize))
        return -xen::XEN_EFAULT;
    for (unsigned i = 0; i < count; i++) {
        if (slice_over(i))
            return continue_at(cmd, uop, count, i, kSize);
        xen::gnttab_swap_grant_ref op;
        uint64_t at = uop + uint64_t(i) * kSize;
        if (arch::copy_from_guest(&op, at, kSize))
            return -xen::XEN_EFAULT;
        op.status = gnttab::swap_grant_ref(c, op.ref_a, op.ref_b);
        if (arch::put_guest(at + offsetof(xen::gnttab_swap_grant_ref, status), op.status))
            return -xen::XEN_EFAULT;
    }
    return 0;
}

// The high bits of cmd are the continuation's grant ref (Xen's opaque argument).
long cache_flush(const gnttab::Caller& c, unsigned cmd_in, uint64_t uop, unsigned count) {
    constexpr size_t kSize = sizeof(xen::gnttab_cache_flush);
    if (!handle_ok(uop, count, kSize))
        return -xen::XEN_EFAULT;
    uint32_t start_ref = cmd_in & ~kCmdMask;
    for (unsigned i = 0; i < count; i++) {
        if (slice_over(i))
            return continue_at(xen::GNTTABOP_cache_flush, uop, count, i, kSize);
        xen::gnttab_cache_flush op;
        if (arch::copy_from_guest(&op, uop + uint64_t(i) * kSize, kSize))
            return -xen::XEN_EFAULT;
        if (long rc = gnttab::cache_flush(c, op, start_ref); rc < 0)
            return rc;
        start_ref = 0;
    }
    return 0;
}

} // namespace

long do_grant_table_op(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t, uint64_t) {
    const auto cmd_in = static_cast<uint32_t>(a1);
    const uint64_t uop = a2;
    const auto count = static_cast<uint32_t>(a3);
    if (static_cast<int32_t>(count) < 0)
        return -xen::XEN_EINVAL;
    const unsigned cmd = cmd_in & kCmdMask;
    if (cmd != xen::GNTTABOP_cache_flush && (cmd_in & ~kCmdMask))
        return -xen::XEN_EINVAL; // continuation bits belong to cache_flush only
    gnttab::init_arch_env();
    const gnttab::Caller c = caller_of(*current_vcpu());

    switch (cmd) {
    case xen::GNTTABOP_map_grant_ref:
        return map_grant_ref(c, cmd, uop, count);
    case xen::GNTTABOP_unmap_grant_ref:
    case xen::GNTTABOP_unmap_and_replace:
        return unmap(c, cmd, uop, count);
    case xen::GNTTABOP_setup_table:
        return setup_table(c, uop, count);
    case xen::GNTTABOP_copy:
        return copy(c, cmd, uop, count);
    case xen::GNTTABOP_query_size:
        return query_size(c, uop, count);
    case xen::GNTTABOP_set_version:
        return set_version(c, uop);
    case xen::GNTTABOP_get_status_frames:
        return get_status_frames(c, uop, count);
    case xen::GNTTABOP_get_version:
        return get_version(c, uop);
    case xen::GNTTABOP_swap_grant_ref:
        return swap_grant_ref(c, cmd, uop, count);
    case xen::GNTTABOP_transfer:
        return transfer(c, cmd, uop, count);
    case xen::GNTTABOP_cache_flush:
        return cache_flush(c, cmd_in, uop, count);
    default:
        return -xen::XEN_ENOSYS; // dump_table (gone from Xen 4.17 too), unknown
    }
}
