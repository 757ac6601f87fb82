// Hypercalls from HVM/PVH guests (VMMCALL, usually through the hypercall page): Xen's
// hvm64 table. The PV-only families (page tables, descriptor tables, trap tables,
// callbacks, iret, segment bases) are absent (-ENOSYS); memory_op and vcpu_op take the
// sub-ops that make sense for a translated guest; the rest are the common handlers.
#include "arch/x86/hvm/hvm.h"

#include "arch/guest_access.h"
#include "arch/hvm.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/memory/domain_frames.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/memory.h"
#include "public/vcpu.h"
#include "public/xen.h"

long do_hvm_op(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t); // hvm/hvm_op.cpp

namespace hvm {
namespace {

constexpr unsigned kIret = 23;

// XENMEM_add_to_physmap for a translated domain: shared_info (index 0) at gpfn. The RAM
// page that was there goes back to the allocator, as Xen's guest_remove_page; an earlier
// place of shared_info is unmapped.
long add_to_physmap(Domain& self, uint64_t arg) {
    xen::xen_add_to_physmap a;
    if (arch::copy_from_guest(&a, arg, sizeof(a)))
        return -xen::XEN_EFAULT;
    if (a.domid != xen::DOMID_SELF && a.domid != self.domid)
        return -xen::XEN_ESRCH; // foreign maps are not there yet
    if (a.space != xen::XENMAPSPACE_shared_info)
        return -xen::XEN_ENOSYS;
    if (a.idx != 0)
        return -xen::XEN_EINVAL;
    if (a.gpfn > kMaxGfn)
        return -xen::XEN_EINVAL;
    HvmDomain& hd = domain_of(self);
    P2mType old_type;
    uint64_t old_mfn = p2m_lookup(hd.p2m, a.gpfn, &old_type);
    if (old_mfn == self.shared_info_mfn)
        return 0;
    if (int rc = p2m_set(hd.p2m, a.gpfn, self.shared_info_mfn, 0, P2mType::xen_page))
        return rc;
    if (hd.shared_info_gfn != ~0ull)
        p2m_set(hd.p2m, hd.shared_info_gfn, kInvalidMfn, 0, P2mType::none);
    hd.shared_info_gfn = a.gpfn;
    hvm_flush_guest_tlbs(self);
    if (old_mfn != kInvalidMfn && old_type == P2mType::ram)
        memory::give_back_frame(old_mfn, self.domid);
    return 0;
}

long hvm_memory_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t) {
    Domain& self = *current_vcpu()->domain;
    switch (cmd) {
    case xen::XENMEM_current_reservation:
    case xen::XENMEM_maximum_reservation:
    case xen::XENMEM_memory_map:
    case xen::XENMEM_machine_memory_map:
        return do_memory_op(cmd, arg, 0, 0, 0);
    case xen::XENMEM_maximum_gpfn: {
        xen::domid_t domid;
        if (arch::copy_from_guest(&domid, arg, sizeof(domid)))
            return -xen::XEN_EFAULT;
        if (domid != xen::DOMID_SELF && domid != self.domid)
            return -xen::XEN_ESRCH;
        return static_cast<long>(domain_of(self).p2m.max_mapped_gfn);
    }
    case xen::XENMEM_add_to_physmap:
        return add_to_physmap(self, arg);
    default:
        return -xen::XEN_ENOSYS; // the reservation ops are not there for HVM yet
    }
}

// The vCPU sub-ops whose arguments are not PV state (VCPUOP_initialise takes a
// vcpu_hvm_context and register_vcpu_info a gfn for HVM: not there yet).
long hvm_vcpu_op(uint64_t cmd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5) {
    switch (cmd) {
    case xen::VCPUOP_up:
    case xen::VCPUOP_down:
    case xen::VCPUOP_is_up:
    case xen::VCPUOP_get_runstate_info:
    case xen::VCPUOP_register_runstate_memory_area:
    case xen::VCPUOP_set_periodic_timer:
    case xen::VCPUOP_stop_periodic_timer:
    case xen::VCPUOP_set_singleshot_timer:
    case xen::VCPUOP_stop_singleshot_timer:
        return do_vcpu_op(cmd, a2, a3, a4, a5);
    default:
        return -xen::XEN_ENOSYS;
    }
}

struct Table {
    HypercallFn fn[kHypercallCount];
};

constexpr Table make_table() {
    Table t{};
    t.fn[xen::HYPERVISOR_platform_op] = do_platform_op;
    t.fn[xen::HYPERVISOR_memory_op] = hvm_memory_op;
    t.fn[xen::HYPERVISOR_set_timer_op] = do_set_timer_op;
    t.fn[xen::HYPERVISOR_xen_version] = do_xen_version;
    t.fn[xen::HYPERVISOR_console_io] = do_console_io;
    t.fn[xen::HYPERVISOR_vcpu_op] = hvm_vcpu_op;
    t.fn[xen::HYPERVISOR_sched_op] = do_sched_op;
    t.fn[xen::HYPERVISOR_event_channel_op] = do_event_channel_op;
    t.fn[xen::HYPERVISOR_hvm_op] = do_hvm_op;
    t.fn[xen::HYPERVISOR_sysctl] = do_sysctl;
    t.fn[xen::HYPERVISOR_domctl] = do_domctl;
    return t;
}

constinit const Table kTable = make_table();

} // namespace

long hvm_hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5) {
    if (nr >= kHypercallCount || !kTable.fn[nr])
        return -xen::XEN_ENOSYS;
    long rc = kTable.fn[nr](a1, a2, a3, a4, a5);
    if (__builtin_expect(memory::released_frames_pending(), 0))
        memory::drain_released_frames();
    return rc;
}

void write_hypercall_page(uint8_t* page) {
    memset(page, 0xcc, 4096);
    for (unsigned i = 0; i < 4096 / 32; i++) {
        uint8_t* p = page + i * 32;
        if (i == kIret) { // no HYPERVISOR_iret for HVM: ud2
            p[0] = 0x0f, p[1] = 0x0b;
            continue;
        }
        p[0] = 0xb8; // mov $i, %eax
        memcpy(p + 1, &i, 4);
        p[5] = 0x0f, p[6] = 0x01, p[7] = 0xd9; // vmmcall
        p[8] = 0xc3;                           // ret
    }
}

} // namespace hvm
