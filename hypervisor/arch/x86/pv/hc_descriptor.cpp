// HYPERVISOR_update_descriptor and HYPERVISOR_set_gdt: a PV guest's own segment
// descriptors. Every descriptor is checked as Xen 4.17 checks it (Xen's errors for bad
// frames, unaligned addresses, too many entries, refused descriptors).
//
// Xen maps the guest's GDT frames into the hardware GDT once they are typed descriptor
// pages (never writable by the guest, never page tables). Until xenon's page-type system
// exists the CPU's GDT window (arch/gdt_window.h) instead shows xenon's own checked copy
// of those frames (per vCPU), so nothing a guest writes to its frames reaches the CPU.
// update_descriptor writes the frame (under a writable or descriptor-page type
// reference, as Xen) and the copy, when the frame is in one of the domain's GDTs.
#include "arch/cpu.h"
#include "arch/gdt_window.h"
#include "arch/guest_access.h"
#include "arch/layout.h"
#include "arch/percpu.h"
#include "arch/pv_hypercalls.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/memory/heap.h"
#include "common/memory/page_info.h"
#include "common/memory/page_type.h"
#include "lib/spinlock.h"
#include "lib/string.h"
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

constexpr unsigned kPerFrame = 512; // descriptors in a frame

// A frame of the domain's own RAM (for a PV guest, the gfn is the mfn) that may hold
// descriptors: not in use as another type (a page table, or, for a GDT frame, a
// writable mapping), as Xen's type references would refuse it.
bool own_frame(const Domain& d, uint64_t mfn, memory::PageType also_allowed) {
    memory::FrameTable& ft = memory::frame_table();
    if (!ft.valid(mfn))
        return false;
    const memory::PageInfo* pg = ft.page(mfn);
    if (pg->owner != d.domid || pg->state != memory::FrameState::allocated)
        return false;
    uint64_t type_info = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
    memory::PageType type = memory::type_of(type_info);
    bool in_use = type_info & memory::kTypeCountMask;
    return !in_use || type == memory::PageType::none || type == memory::PageType::segdesc ||
           type == also_allowed;
}

// Guards every vCPU's GDT copy (replaced by set_gdt, changed by update_descriptor, shown
// by the switch to a vCPU). Taken with interrupts off.
constinit lib::SpinLock gdt_lock;
using Guard = hc::IrqLockGuard<lib::SpinLock>;

// This CPU's GDT window shows a's copy (or blank pages). gdt_lock held.
void install_locked(const ArchVcpu& a) {
    uint64_t mfns[arch::kGuestGdtPages];
    unsigned n = a.gdt_shadow ? a.gdt_frame_count : 0;
    for (unsigned i = 0; i < n; i++)
        mfns[i] = arch::virt_to_phys(a.gdt_shadow + i * kPerFrame) >> PAGE_SHIFT;
    arch::gdt_window_load_guest(mfns, n);
}

// The domain's current copy of frame mfn (from any of its vCPUs' GDTs), or nullptr.
// gdt_lock held.
const uint64_t* known_frame_locked(const Domain& d, uint64_t mfn) {
    for (unsigned i = 0; i < d.vcpu_count; i++) {
        const ArchVcpu& a = d.vcpus[i]->arch;
        for (unsigned f = 0; a.gdt_shadow && f < a.gdt_frame_count; f++)
            if (a.gdt_frames[f] == mfn)
                return a.gdt_shadow + f * kPerFrame;
    }
    return nullptr;
}

} // namespace

namespace arch {

void pv_gdt_switch_in(Vcpu& v) {
    Guard g(gdt_lock);
    install_locked(v.arch);
}

void pv_gdt_release(Vcpu& v) {
    uint64_t* old;
    {
        Guard g(gdt_lock); // the window switches to the new copy before the old one goes
        old = v.arch.gdt_shadow;
        v.arch.gdt_shadow = nullptr;
        v.arch.gdt_frame_count = 0;
    }
    if (old)
        xfree(old);
}

} // namespace arch

long do_update_descriptor(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const uint64_t maddr = a1;
    uint64_t desc = a2;
    Vcpu& self = *current_vcpu();
    Domain& d = *self.domain;
    // Unaligned would corrupt two descriptors.
    if ((maddr & 7) || !arch::pv_check_descriptor(desc))
        return -xen::XEN_EINVAL;
    const uint64_t mfn = maddr >> PAGE_SHIFT;
    // As Xen: the frame must be the domain's, and take a descriptor-page or writable type
    // reference for the write (so it is not, and cannot meanwhile become, a page table).
    memory::PageInfo* pg = memory::get_page_from_mfn(mfn, d.domid);
    if (!pg)
        return -xen::XEN_EINVAL;
    memory::PageType type = memory::type_of(__atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE)) ==
                                    memory::PageType::segdesc
                                ? memory::PageType::segdesc
                                : memory::PageType::writable;
    if (memory::get_page_type(pg, type)) {
        memory::put_page(pg);
        return -xen::XEN_EINVAL;
    }
    auto* frame = static_cast<uint64_t*>(arch::phys_to_virt(mfn << PAGE_SHIFT));
    const unsigned index = (maddr & (PAGE_SIZE - 1)) / sizeof(uint64_t);
    __atomic_store_n(&frame[index], desc, __ATOMIC_RELEASE);
    {
        // A frame of a current GDT: the copy the CPUs show changes too, at once.
        Guard g(gdt_lock);
        for (unsigned i = 0; i < d.vcpu_count; i++) {
            ArchVcpu& a = d.vcpus[i]->arch;
            for (unsigned f = 0; a.gdt_shadow && f < a.gdt_frame_count; f++)
                if (a.gdt_frames[f] == mfn)
                    __atomic_store_n(&a.gdt_shadow[f * kPerFrame + index], desc,
                                     __ATOMIC_RELEASE);
        }
    }
    memory::put_page_type(pg);
    memory::put_page(pg);
    return 0;
}

long do_set_gdt(uint64_t a1, uint64_t a2, uint64_t, uint64_t, uint64_t) {
    const uint64_t frame_list = a1;
    const unsigned entries = static_cast<unsigned>(a2);
    if (entries > xen::FIRST_RESERVED_GDT_ENTRY)
        return -xen::XEN_EINVAL;
    const unsigned nr_frames = (entries + kPerFrame - 1) / kPerFrame;
    uint64_t frames[xen::FIRST_RESERVED_GDT_PAGE];
    if (arch::copy_from_guest(frames, frame_list, nr_frames * sizeof(uint64_t)))
        return -xen::XEN_EFAULT;
    return arch::pv_set_gdt(*current_vcpu(), frames, entries);
}

long arch::pv_set_gdt(Vcpu& v, const uint64_t* frames, unsigned entries) {
    Domain& d = *v.domain;
    if (entries > xen::FIRST_RESERVED_GDT_ENTRY)
        return -xen::XEN_EINVAL;
    const unsigned nr_frames = (entries + kPerFrame - 1) / kPerFrame;
    for (unsigned i = 0; i < nr_frames; i++)
        if (!own_frame(d, frames[i], memory::PageType::segdesc))
            return -xen::XEN_EINVAL;

    uint64_t* shadow = nullptr;
    if (nr_frames) {
        shadow = static_cast<uint64_t*>(xzalloc(nr_frames * PAGE_SIZE, PAGE_SIZE));
        if (!shadow)
            return -xen::XEN_ENOMEM;
    }
    // Each descriptor is read once and checked as read (the guest may be changing the
    // frame meanwhile). A frame already in one of the domain's GDTs keeps the copy
    // xenon has (with its update_descriptor changes): the frame itself was never written.
    for (unsigned i = 0; i < nr_frames; i++) {
        uint64_t* out = shadow + i * kPerFrame;
        {
            Guard g(gdt_lock);
            if (const uint64_t* known = known_frame_locked(d, frames[i])) {
                memcpy(out, known, PAGE_SIZE);
                continue;
            }
        }
        const auto* in = static_cast<const uint64_t*>(arch::phys_to_virt(frames[i] << PAGE_SHIFT));
        for (unsigned j = 0; j < kPerFrame; j++) {
            uint64_t desc = __atomic_load_n(&in[j], __ATOMIC_RELAXED);
            if (!arch::pv_check_descriptor(desc)) {
                xfree(shadow);
                return -xen::XEN_EINVAL;
            }
            out[j] = desc;
        }
    }

    uint64_t* old;
    {
        Guard g(gdt_lock); // the window switches to the new copy before the old one goes
        ArchVcpu& a = v.arch;
        old = a.gdt_shadow;
        a.gdt_shadow = shadow;
        a.gdt_frame_count = nr_frames;
        for (unsigned i = 0; i < nr_frames; i++)
            a.gdt_frames[i] = frames[i];
        if (&v == current_vcpu()) // another vCPU's goes in when it is switched to
            install_locked(a);
    }
    if (old)
        xfree(old);
    return 0;
}
