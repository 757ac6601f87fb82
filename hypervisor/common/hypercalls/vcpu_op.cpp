// HYPERVISOR_vcpu_op: per-vCPU state: up/down, runstate, timers, where vcpu_info and the
// time areas live. Errors as Xen 4.17: a vCPU id the domain lacks is -ENOENT before the
// command is looked at.
#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/pv.h"
#include "common/domain.h"
#include "common/event_channel.h"
#include "common/hypercall.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/memory/page_info.h"
#include "common/memory/page_type.h"
#include "common/sched/sched.h"
#include "common/vcpu_time.h"
#include "lib/string.h"
#include "public/errno.h"
#include "public/sched.h"
#include "public/vcpu.h"

namespace {

constexpr uint64_t kMillisecond = 1'000'000;
constexpr uint64_t kStimeDeltaMax = ~uint64_t(0) >> 2; // Xen's STIME_DELTA_MAX

// VCPUOP_register_vcpu_info: the vCPU's vcpu_info moves into a frame of the guest's own.
long register_vcpu_info(Vcpu& v, const xen::vcpu_register_vcpu_info& info) {
    Domain& d = *v.domain;
    if (info.offset > 4096 - sizeof(xen::vcpu_info))
        return -xen::XEN_ENXIO;
    if (info.offset & (alignof(xen::vcpu_info) - 1))
        return -xen::XEN_ENXIO;
    if (v.vcpu_info_mfn) // once only
        return -xen::XEN_EINVAL;
    if (&v != current_vcpu() && !v.sched.down)
        return -xen::XEN_EINVAL;
    // The frame must be the domain's own RAM and stay writable-typed while xenon writes
    // into it (Xen holds a writable type reference for as long as it is registered), so
    // that it can never become a page table.
    memory::PageInfo* pg = memory::get_page_from_mfn(info.mfn, d.domid);
    if (!pg)
        return -xen::XEN_EINVAL;
    if (memory::get_page_type(pg, memory::PageType::writable)) {
        memory::put_page(pg);
        return -xen::XEN_EINVAL;
    }

    auto* page = static_cast<uint8_t*>(arch::phys_to_virt(info.mfn << PAGE_SHIFT));
    auto* new_info = reinterpret_cast<xen::vcpu_info*>(page + info.offset);
    uint64_t flags = arch::irq_save();
    memcpy(new_info, v.vcpu_info, sizeof(*new_info));
    v.vcpu_info = new_info;
    v.vcpu_info_mfn = info.mfn;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    // Everything is marked pending so nothing raised meanwhile is lost; the guest sees
    // one spurious upcall, as with Xen.
    __atomic_store_n(&new_info->evtchn_pending_sel, ~uint64_t(0), __ATOMIC_SEQ_CST);
    evtchn::mark_events_pending(v);
    arch::irq_restore(flags);
    vcpu_time_update(v);
    return 0;
}

} // namespace

long do_vcpu_op(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t, uint64_t) {
    const int cmd = static_cast<int>(a1);
    const unsigned vcpuid = static_cast<unsigned>(a2);
    const uint64_t arg = a3;
    Vcpu& self = *current_vcpu();
    Domain& d = *self.domain;
    if (vcpuid >= d.vcpu_count || !d.vcpus[vcpuid])
        return -xen::XEN_ENOENT;
    Vcpu& v = *d.vcpus[vcpuid];

    switch (cmd) {
    case xen::VCPUOP_up:
        // Only a vCPU that has a context (the builder's, or VCPUOP_initialise's) can run.
        if (!v.arch.cr3_kernel)
            return -xen::XEN_EINVAL;
        if (v.sched.down)
            vcpu_up(&v);
        return 0;

    case xen::VCPUOP_down: {
        bool others_up = false;
        for (unsigned i = 0; i < d.vcpu_count; i++)
            if (i != vcpuid && d.vcpus[i] && !d.vcpus[i]->sched.down)
                others_up = true;
        if (!others_up) {
            // The last vCPU going down is the domain powering off, as in Xen.
            domain_shutdown(d, xen::SHUTDOWN_poweroff);
            return 0;
        }
        if (!v.sched.down) {
            v.sched.down = true;
            if (&v == &self) {
                sched_yield_current(); // off its CPU on the way back
            } else {
                vcpu_pause(&v); // makes the scheduler look at it again
                vcpu_unpause(&v);
            }
        }
        return 0;
    }

    case xen::VCPUOP_is_up:
        return v.sched.down ? 0 : 1;

    case xen::VCPUOP_get_runstate_info: {
        xen::vcpu_runstate_info rs;
        vcpu_runstate_get(v, rs);
        return arch::copy_to_guest(arg, &rs, sizeof(rs)) ? -xen::XEN_EFAULT : 0;
    }

    case xen::VCPUOP_register_runstate_memory_area: {
        xen::vcpu_register_runstate_memory_area area;
        if (arch::copy_from_guest(&area, arg, sizeof(area)))
            return -xen::XEN_EFAULT;
        if (!hc::guest_handle_okay(area.addr.p, 1, sizeof(xen::vcpu_runstate_info)))
            return -xen::XEN_EFAULT;
        v.runstate_guest_area = area.addr.p;
        // The first copy is written now (a failure is not the caller's error).
        xen::vcpu_runstate_info rs;
        if (&v == &self)
            rs = v.runstate;
        else
            vcpu_runstate_get(v, rs);
        if (area.addr.p)
            arch::copy_to_guest(area.addr.p, &rs, sizeof(rs));
        return 0;
    }

    case xen::VCPUOP_set_periodic_timer: {
        xen::vcpu_set_periodic_timer set;
        if (arch::copy_from_guest(&set, arg, sizeof(set)))
            return -xen::XEN_EFAULT;
        if (set.period_ns < kMillisecond || set.period_ns > kStimeDeltaMax)
            return -xen::XEN_EINVAL;
        vcpu_set_periodic(v, set.period_ns);
        return 0;
    }

    case xen::VCPUOP_stop_periodic_timer:
        vcpu_set_periodic(v, 0);
        return 0;

    case xen::VCPUOP_set_singleshot_timer: {
        if (&v != &self)
            return -xen::XEN_EINVAL;
        xen::vcpu_set_singleshot_timer set;
        if (arch::copy_from_guest(&set, arg, sizeof(set)))
            return -xen::XEN_EFAULT;
        // Xen 4.17 ignores VCPU_SSHOTTMR_future: a deadline in the past raises the event
        // at once and succeeds.
        vcpu_set_singleshot(v, set.timeout_abs_ns);
        return 0;
    }

    case xen::VCPUOP_stop_singleshot_timer:
        if (&v != &self)
            return -xen::XEN_EINVAL;
        vcpu_stop_singleshot(v);
        return 0;

    case xen::VCPUOP_register_vcpu_info: {
        xen::vcpu_register_vcpu_info info;
        if (arch::copy_from_guest(&info, arg, sizeof(info)))
            return -xen::XEN_EFAULT;
        return register_vcpu_info(v, info);
    }

    case xen::VCPUOP_register_vcpu_time_memory_area: {
        xen::vcpu_register_time_memory_area area;
        if (arch::copy_from_guest(&area, arg, sizeof(area)))
            return -xen::XEN_EFAULT;
        if (!hc::guest_handle_okay(area.addr.p, 1, sizeof(xen::vcpu_time_info)))
            return -xen::XEN_EFAULT;
        v.time_area_guest = area.addr.p;
        vcpu_time_update(v);
        return 0;
    }

    case xen::VCPUOP_get_physid:
        // Only for a hardware domain whose vCPUs are pinned (dom0_vcpus_pin); they are not.
        return -xen::XEN_EINVAL;

    case xen::VCPUOP_initialise:
        return arch::pv_vcpu_initialise(v, arg);

    default:
        // VCPUOP_send_nmi needs the NMI path.
        return -xen::XEN_ENOSYS;
    }
}
