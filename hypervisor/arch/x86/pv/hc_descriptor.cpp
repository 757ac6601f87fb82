// HYPERVISOR_update_descriptor and HYPERVISOR_set_gdt: a PV guest's own segment
// descriptors. Both need the page-type system (a descriptor page must never be writable
// by the guest, nor a page table): until it exists xenon checks every argument as Xen
// 4.17 does and with Xen's errors, and answers -ENOSYS where Xen would go on to write or
// install, so no guest-controlled bytes reach a frame xenon cannot vouch for.
#include "arch/guest_access.h"
#include "arch/layout.h"
#include "arch/pv_hypercalls.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/memory/page_info.h"
#include "public/errno.h"
#include "public/xen.h"

namespace {

// Descriptor bits, in the high 32 bits of an 8-byte descriptor.
constexpr uint32_t kType = 15u << 8;
constexpr uint32_t kS = 1u << 12;   // code/data (not system)
constexpr uint32_t kDpl = 3u << 13;
constexpr uint32_t kP = 1u << 15;
constexpr uint32_t kCallGate = 0xcu << 8;

} // namespace

// Xen's check_descriptor for a 64-bit PV guest: not-present and code/data descriptors
// are fine (the DPL is raised to 3, never below the guest kernel's ring); a system
// descriptor must be type 0 (the upper half of a 16-byte gate) or a call gate to a guest
// selector, which gets DPL 0 so that its use traps; anything else is refused.
bool arch::pv_check_descriptor(uint64_t& desc) {
    uint32_t a = static_cast<uint32_t>(desc), b = static_cast<uint32_t>(desc >> 32);
    if (!(b & kP))
        return true;
    uint32_t dpl = (b >> 13) & 3;
    if (dpl < 3)
        dpl = 3;
    b = (b & ~kDpl) | (dpl << 13);
    if (b & kS) {
        desc = (uint64_t(b) << 32) | a;
        return true;
    }
    if ((b & kType) == 0)
        return true;
    if ((b & kType) != kCallGate)
        return false;
    uint16_t cs = static_cast<uint16_t>(a >> 16);
    bool selector_ok = (cs >> 3) < xen::FIRST_RESERVED_GDT_ENTRY || cs == xen::FLAT_KERNEL_CS ||
                       (cs & 4);
    if (!selector_ok)
        return false;
    b &= ~kDpl;
    cs = static_cast<uint16_t>((cs & ~3) | dpl); // the gate's DPL rides in the RPL
    a = (a & 0xffff) | (uint32_t(cs) << 16);
    if (b & 0xff) // reserved bits of a 64-bit gate
        return false;
    desc = (uint64_t(b) << 32) | a;
    return true;
}

namespace {

// A frame of the domain's own RAM (for a PV guest, the gfn is the mfn).
bool own_frame(const Domain& d, uint64_t mfn) {
    memory::FrameTable& ft = memory::frame_table();
    if (!ft.valid(mfn))
        return false;
    const memory::PageInfo* pg = ft.page(mfn);
    return pg->owner == d.domid && pg->state == memory::FrameState::allocated;
}

} // namespace

long do_update_descriptor(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const uint64_t maddr = a1;
    uint64_t desc = a2;
    Domain& d = *current_vcpu()->domain;
    // Unaligned would corrupt two descriptors.
    if ((maddr & 7) || !arch::pv_check_descriptor(desc))
        return -xen::XEN_EINVAL;
    if (!own_frame(d, maddr >> PAGE_SHIFT))
        return -xen::XEN_EINVAL;
    return -xen::XEN_ENOSYS; // the write needs a writable or descriptor type reference
}

long do_set_gdt(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const uint64_t frame_list = a1;
    const unsigned entries = static_cast<unsigned>(a2);
    Domain& d = *current_vcpu()->domain;
    if (entries > xen::FIRST_RESERVED_GDT_ENTRY)
        return -xen::XEN_EINVAL;
    unsigned nr_frames = (entries + 511) / 512;
    uint64_t frames[xen::FIRST_RESERVED_GDT_PAGE];
    if (arch::copy_from_guest(frames, frame_list, nr_frames * sizeof(uint64_t)))
        return -xen::XEN_EFAULT;
    for (unsigned i = 0; i < nr_frames; i++) {
        if (!own_frame(d, frames[i]))
            return -xen::XEN_EINVAL;
        // Every descriptor of the page must pass, as when Xen types it a descriptor page.
        const auto* descs = static_cast<const uint64_t*>(arch::phys_to_virt(frames[i] << PAGE_SHIFT));
        for (unsigned j = 0; j < 512; j++) {
            uint64_t desc = __atomic_load_n(&descs[j], __ATOMIC_RELAXED);
            if (!arch::pv_check_descriptor(desc))
                return -xen::XEN_EINVAL;
        }
    }
    if (nr_frames == 0)
        return 0; // no GDT of the guest's own: xenon's reserved entries only, as now
    return -xen::XEN_ENOSYS; // installing frames needs descriptor-page type references
}
