// HYPERVISOR_memory_op: a domain's memory. The low MEMOP_EXTENT_SHIFT bits of cmd pick
// the sub-op; the bits above carry a continuation's start extent, which the sub-ops
// without extents refuse with -EINVAL, as Xen does.
//
// Here: the dispatch, the queries (maximum_ram_page, current/maximum_reservation,
// maximum_gpfn, machphys_mapping) and the memory maps. The sub-ops that move frames are
// in memory_op_reservation.cpp and memory_op_exchange.cpp, the physmap ones in
// memory_op_physmap.cpp, the M2P frame lists in memory_op_machphys.cpp, a domain's own
// memory map in memory_op_memmap.cpp.
#include "common/hypercalls/memory_op.h"
#include "arch/pv_mm.h"
#include "common/bootinfo.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/memory/machine_map.h"
#include "common/memory/page_info.h"
#include "public/errno.h"
#include "public/memory.h"

namespace arch {
const BootInfo& boot_information(); // arch/x86/setup.cpp
}

namespace {

constexpr size_t kMaxDenied = 32;

long reservation_query(unsigned op, uint64_t start_extent, uint64_t arg, Domain& self) {
    if (start_extent)
        return -xen::XEN_EINVAL;
    xen::xen_memory_domain md;
    if (arch::copy_from_guest(&md, arg, sizeof(md)))
        return -xen::XEN_EFAULT;
    Domain* d = hc::domain_by_any_id(md.domid, self);
    if (!d)
        return -xen::XEN_ESRCH;
    if (!memop::may_target(self, *d))
        return -xen::XEN_EPERM;
    switch (op) {
    case xen::XENMEM_current_reservation:
        return static_cast<long>(__atomic_load_n(&d->tot_pages, __ATOMIC_RELAXED));
    case xen::XENMEM_maximum_reservation:
        return static_cast<long>(__atomic_load_n(&d->max_pages, __ATOMIC_RELAXED));
    default: {
        // A PV guest tells the hypervisor how big its p2m is (shared_info arch.max_pfn,
        // zero until it does); the highest gpfn is one below that, and 0 when unset.
        uint64_t max_pfn = __atomic_load_n(&d->shared_info->arch.max_pfn, __ATOMIC_RELAXED);
        return static_cast<long>((max_pfn ? max_pfn : 1) - 1);
    }
    }
}

// XENMEM_claim_pages (the toolstack's, before it populates a new domain): Xen's checks in
// its order; an unknown domain (DOMID_SELF too) is -EINVAL, an unprivileged caller -EPERM.
long claim_pages(uint64_t start_extent, uint64_t arg, Domain& self) {
    if (start_extent)
        return -xen::XEN_EINVAL;
    xen::xen_memory_reservation r;
    if (arch::copy_from_guest(&r, arg, sizeof(r)))
        return -xen::XEN_EFAULT;
    if (r.extent_start.p || r.extent_order || r.mem_flags)
        return -xen::XEN_EINVAL;
    Domain* d = hc::domain_by_id(r.domid);
    if (!d)
        return -xen::XEN_EINVAL;
    if (!self.privileged)
        return -xen::XEN_EPERM;
    return domain_claim_pages(*d, r.nr_extents);
}

bool store_e820(void* buffer, size_t n, const memory::E820Entry& e) {
    xen::e820entry out{e.addr, e.size, e.type};
    uint64_t at = reinterpret_cast<uint64_t>(buffer) + n * sizeof(out);
    return arch::copy_to_guest(at, &out, sizeof(out)) == 0;
}

// XENMEM_machine_memory_map (control domain only): the host's E820 as the loader gave it,
// with the frames dom0 may not map in its gaps (common/memory/machine_map.h). A null
// buffer only counts the entries.
long machine_memory_map(uint64_t arg, const Domain& self) {
    if (!self.privileged)
        return -xen::XEN_EPERM;
    xen::xen_memory_map map;
    if (arch::copy_from_guest(&map, arg, sizeof(map)))
        return -xen::XEN_EFAULT;
    const BootInfo& info = arch::boot_information();
    bool store = map.buffer.p != 0;
    if (store && !hc::guest_handle_okay(map.buffer.p, map.nr_entries, sizeof(xen::e820entry)))
        return -xen::XEN_EFAULT;
    memory::E820Entry e820[BootInfo::kMaxMemoryRegions];
    for (size_t i = 0; i < info.memory_count; i++)
        e820[i] = {info.memory[i].base, info.memory[i].length, info.memory[i].type};
    memory::FrameRange denied[kMaxDenied];
    size_t denied_count = arch::dom0_denied_frames(denied, kMaxDenied);
    memory::MachineMapSink sink{store_e820, reinterpret_cast<void*>(map.buffer.p),
                                store ? map.nr_entries : 0};
    long n = memory::machine_memory_map(e820, info.memory_count, denied, denied_count,
                                        arch::phys_frame_limit(), sink);
    if (n < 0)
        return n;
    map.nr_entries = static_cast<uint32_t>(n);
    return arch::copy_to_guest(arg, &map, sizeof(map)) ? -xen::XEN_EFAULT : 0;
}

} // namespace

long do_memory_op(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const uint64_t cmd = a1; // unsigned long in Xen: nothing is truncated
    const uint64_t arg = a2;
    const unsigned op = cmd & xen::MEMOP_CMD_MASK;
    const uint64_t start_extent = cmd >> xen::MEMOP_EXTENT_SHIFT;
    Domain& self = *current_vcpu()->domain;

    switch (op) {
    case xen::XENMEM_maximum_ram_page:
        if (start_extent)
            return -xen::XEN_EINVAL;
        // One past the highest machine frame of RAM.
        return static_cast<long>(memory::frame_table().frame_count());

    case xen::XENMEM_current_reservation:
    case xen::XENMEM_maximum_reservation:
    case xen::XENMEM_maximum_gpfn:
        return reservation_query(op, start_extent, arg, self);

    case xen::XENMEM_increase_reservation:
    case xen::XENMEM_decrease_reservation:
    case xen::XENMEM_populate_physmap:
        return memop::reservation(op, start_extent, arg, self);

    case xen::XENMEM_claim_pages:
        return claim_pages(start_extent, arg, self);

    case xen::XENMEM_exchange:
        if (start_extent)
            return -xen::XEN_EINVAL;
        return memop::exchange(arg, self);

    case xen::XENMEM_add_to_physmap:
        return memop::add_to_physmap(start_extent, arg, self);
    case xen::XENMEM_add_to_physmap_batch:
        return memop::add_to_physmap_batch(start_extent, arg, self);
    case xen::XENMEM_remove_from_physmap:
        return memop::remove_from_physmap(start_extent, arg, self);
    case xen::XENMEM_acquire_resource:
        return memop::acquire_resource(start_extent, arg, self);

    default:
        break;
    }

    // The architecture's sub-ops are matched on the whole cmd: extent bits make them
    // unknown.
    switch (cmd) {
    case xen::XENMEM_memory_map:
        return memop::memory_map(arg, self);
    case xen::XENMEM_set_memory_map:
        return memop::set_memory_map(arg, self);
    case xen::XENMEM_machine_memory_map:
        return machine_memory_map(arg, self);
    case xen::XENMEM_machphys_mfn_list:
        return memop::machphys_mfn_list(arg);
    case xen::XENMEM_machphys_compat_mfn_list:
        return memop::machphys_compat_mfn_list(arg);
    case xen::XENMEM_machphys_mapping: {
        // Where the read-only machine-to-physical table is; the initial domain is told the
        // last frame that exists (no memory hotplug), others the table's capacity.
        xen::xen_machphys_mapping m{xen::MACH2PHYS_VIRT_START, xen::MACH2PHYS_VIRT_END,
                                    xen::MACH2PHYS_NR_ENTRIES - 1};
        if (self.privileged)
            m.max_mfn = memory::frame_table().frame_count() - 1;
        return arch::copy_to_guest(arg, &m, sizeof(m)) ? -xen::XEN_EFAULT : 0;
    }
    default:
        return -xen::XEN_ENOSYS;
    }
}
