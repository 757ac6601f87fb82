// The domctls libxl and libxc send while they set a new PV domain up, each as Xen 4.17
// answers it for a 64-bit PV domain: its word size, its hypercall page, its wall-clock
// offset, its TSC mode, and the types of its frames (getpageframeinfo3, for save).
#include "arch/guest_access.h"
#include "arch/paging.h"
#include "arch/pv.h"
#include "arch/time.h"
#include "common/domain.h"
#include "common/hypercalls/domctl/domctl.h"
#include "common/memory/page_info.h"
#include "common/memory/page_type.h"
#include "common/vcpu_time.h"
#include "public/errno.h"

namespace domctl {

using namespace xen;

long set_address_size(Call& c) {
    switch (c.op.u.address_size.size) {
    case 64:
        return 0;
    case 32:
        return -XEN_EOPNOTSUPP; // no 32-bit PV guests (Xen without CONFIG_PV32)
    default:
        return -XEN_EINVAL;
    }
}

long get_address_size(Call& c) {
    c.op.u.address_size.size = 64;
    c.copyback = true;
    return 0;
}

long hypercall_init(Call& c) {
    // A frame of the domain's (-EINVAL otherwise) that may be written (-EPERM if it is a
    // page table or descriptor page), filled with the hypercall stubs.
    Domain& d = *c.target;
    memory::PageInfo* pg = memory::get_page_from_mfn(c.op.u.hypercall_init.gmfn, d.domid);
    if (!pg)
        return -XEN_EINVAL;
    if (memory::get_page_type(pg, memory::PageType::writable) != 0) {
        memory::put_page(pg);
        return -XEN_EPERM;
    }
    uint64_t mfn = memory::frame_table().mfn(pg);
    arch::pv_write_hypercall_page(static_cast<uint8_t*>(arch::phys_to_virt(mfn << PAGE_SHIFT)));
    memory::put_page_and_type(pg);
    return 0;
}

long settimeoffset(Call& c) {
    Domain& d = *c.target;
    d.config.time_offset_seconds = c.op.u.settimeoffset.time_offset_seconds;
    domain_wallclock_update(d);
    return 0;
}

// The mode is kept and reported; xenon never emulates the TSC (every mode reads the
// host's, which is what Xen's default mode does on a host with a safe TSC).
long settscinfo(Call& c) {
    Domain& d = *c.target;
    if (&d == &c.self)
        return -XEN_EINVAL;
    if (d.privileged)
        return 0; // Xen ignores it for the PV hardware domain
    uint32_t mode = c.op.u.tsc_info.tsc_mode;
    if (mode != XEN_TSC_MODE_DEFAULT && mode != XEN_TSC_MODE_ALWAYS_EMULATE &&
        mode != XEN_TSC_MODE_NEVER_EMULATE)
        return -XEN_EINVAL;
    d.config.tsc_mode = mode;
    return 0;
}

long gettscinfo(Call& c) {
    Domain& d = *c.target;
    if (&d == &c.self)
        return -XEN_EINVAL;
    xen_domctl_tsc_info& t = c.op.u.tsc_info;
    t = {};
    t.tsc_mode = d.config.tsc_mode;
    t.gtsc_khz = static_cast<uint32_t>(arch::tsc_khz());
    t.incarnation = 1;
    c.copyback = true;
    return 0;
}

namespace {

uint64_t frame_type(Domain& d, uint64_t mfn) {
    memory::PageInfo* pg = memory::get_page_from_mfn(mfn, d.domid);
    if (!pg)
        return XEN_DOMCTL_PFINFO_XTAB;
    uint64_t type = XEN_DOMCTL_PFINFO_NOTAB;
    if (pg->count_info & memory::kCountXenHeap) {
        type = XEN_DOMCTL_PFINFO_XTAB; // shared_info, grant frames: not the guest's RAM
    } else {
        uint64_t ti = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
        switch (memory::type_of(ti)) {
        case memory::PageType::l1:
            type = XEN_DOMCTL_PFINFO_L1TAB;
            break;
        case memory::PageType::l2:
            type = XEN_DOMCTL_PFINFO_L2TAB;
            break;
        case memory::PageType::l3:
            type = XEN_DOMCTL_PFINFO_L3TAB;
            break;
        case memory::PageType::l4:
            type = XEN_DOMCTL_PFINFO_L4TAB;
            break;
        default:
            break;
        }
        if (ti & memory::kTypePinned)
            type |= XEN_DOMCTL_PFINFO_LPINTAB;
        else if (!(ti & memory::kTypeValidated))
            type = XEN_DOMCTL_PFINFO_NOTAB;
    }
    memory::put_page(pg);
    return type;
}

} // namespace

long getpageframeinfo3(Call& c) {
    const uint64_t num = c.op.u.getpageframeinfo3.num;
    const uint64_t array = c.op.u.getpageframeinfo3.array.p;
    if (num > 1024)
        return -XEN_E2BIG;
    for (uint64_t i = 0; i < num; i++) {
        uint64_t mfn;
        if (arch::get_guest(mfn, array + i * 8))
            return -XEN_EFAULT;
        if (arch::put_guest(array + i * 8, frame_type(*c.target, mfn)))
            return -XEN_EFAULT;
    }
    return 0;
}

} // namespace domctl
