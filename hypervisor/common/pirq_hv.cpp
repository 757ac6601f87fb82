// The hardware domain's pirqs: which GSI each is, the port it is bound to, and the
// interrupt path from the IOAPIC to that port.
#include "common/pirq.h"

#include "arch/ioapic.h"
#include "arch/lapic.h"
#include "arch/traps.h"
#include "common/event_channel.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/timer.h"
#include "lib/spinlock.h"
#include "public/errno.h"

namespace pirq {

namespace {

struct Gsi {
    int32_t pirq = -1; // the pirq mapped to it, or -1
    uint32_t port = 0; // the bound port, or 0
    bool mode_set = false, level = false, active_low = false;
    bool awaiting_eoi = false; // a level line masked since its last interrupt
    Timer eoi_timer{};         // Xen's: unmasks the line 1 ms on if dom0 has not EOIed
    bool timer_ready = false;
};

// Lines xenon keeps, as Xen does: the timer (GSI 0) is never mapped; the PICs' cascade
// (2) and COM1 (4), the console's, are mapped but never bound.
constexpr unsigned kTimerGsi = 0, kCascadeGsi = 2, kCom1Gsi = 4;

lib::SpinLock lock;
constinit Gsi gsis[kNrIrqsGsi];
Domain* owner; // the domain the bound ports belong to

using Guard = hc::IrqLockGuard<lib::SpinLock>;

int gsi_of(uint32_t pirq) {
    for (unsigned g = 0; g < kNrIrqsGsi; g++)
        if (gsis[g].pirq >= 0 && static_cast<uint32_t>(gsis[g].pirq) == pirq)
            return static_cast<int>(g);
    return -1;
}

// Timers are armed and stopped outside `lock`: their expiry takes it.
constexpr uint64_t kForcedEoiNs = 1000000;

void forced_eoi(Timer* t) {
    unsigned gsi = static_cast<unsigned>(reinterpret_cast<uintptr_t>(t->data));
    Guard g(lock);
    if (gsis[gsi].awaiting_eoi && gsis[gsi].port) {
        gsis[gsi].awaiting_eoi = false;
        arch::ioapic_mask_gsi(gsi, false);
    }
}

void on_interrupt(arch::TrapFrame& frame) {
    unsigned gsi = frame.vector - arch::kVecGsiBase;
    uint32_t port = 0;
    Domain* d = nullptr;
    bool arm = false;
    if (gsi < kNrIrqsGsi) {
        Guard g(lock);
        Gsi& s = gsis[gsi];
        port = s.port;
        d = owner;
        if (!port || s.level) {
            arch::ioapic_mask_gsi(gsi, true);
            s.awaiting_eoi = arm = port != 0;
        }
    }
    arch::lapic_eoi();
    if (arm)
        timer_set(&gsis[gsi].eoi_timer, system_time() + kForcedEoiNs);
    if (port && d)
        evtchn::send_pirq(*d, port);
}

} // namespace

long map_gsi(int gsi, int* pirq) {
    if (gsi == kTimerGsi)
        return -xen::XEN_EPERM;
    Guard g(lock);
    Gsi& s = gsis[gsi];
    if (s.pirq >= 0) {
        if (*pirq >= 0 && *pirq != s.pirq)
            return -xen::XEN_EEXIST;
        *pirq = s.pirq;
        return 0;
    }
    int want = *pirq < 0 ? gsi : *pirq;
    if (static_cast<uint32_t>(want) >= 416)
        return -xen::XEN_EINVAL;
    if (gsi_of(static_cast<uint32_t>(want)) >= 0)
        return -xen::XEN_EEXIST;
    s.pirq = want;
    *pirq = want;
    return 0;
}

long unmap(int pirq) {
    Guard g(lock);
    int gsi = pirq < 0 ? -1 : gsi_of(static_cast<uint32_t>(pirq));
    if (gsi < 0)
        return -xen::XEN_EINVAL;
    Gsi& s = gsis[gsi];
    if (s.port)
        arch::ioapic_mask_gsi(static_cast<unsigned>(gsi), true);
    s.pirq = -1;
    s.port = 0;
    s.awaiting_eoi = false;
    return 0;
}

long setup_gsi(int gsi, bool level, bool active_low) {
    Guard g(lock);
    Gsi& s = gsis[gsi];
    if (gsi == kTimerGsi || gsi == kCom1Gsi || s.port)
        return -xen::XEN_EEXIST;
    s.mode_set = true;
    s.level = level;
    s.active_low = active_low;
    return 0;
}

long eoi(uint32_t pirq) {
    Guard g(lock);
    int gsi = gsi_of(pirq);
    if (gsi < 0)
        return -xen::XEN_EINVAL;
    Gsi& s = gsis[gsi];
    if (s.awaiting_eoi && s.port) {
        s.awaiting_eoi = false;
        arch::ioapic_mask_gsi(static_cast<unsigned>(gsi), false);
    }
    return 0;
}

uint32_t bound_port(uint32_t pirq) {
    Guard g(lock);
    int gsi = gsi_of(pirq);
    return gsi < 0 ? 0 : gsis[gsi].port;
}

long bind(Domain& d, uint32_t pirq, uint32_t port) {
    Guard g(lock);
    int gsi = gsi_of(pirq);
    if (gsi < 0 || !arch::ioapic_has_gsi(static_cast<unsigned>(gsi)))
        return -xen::XEN_EINVAL;
    if (gsi == kCascadeGsi || gsi == kCom1Gsi)
        return -xen::XEN_EBUSY;
    Gsi& s = gsis[gsi];
    if (s.port)
        return -xen::XEN_EEXIST;
    if (!s.mode_set)
        arch::gsi_default_mode(static_cast<unsigned>(gsi), &s.level, &s.active_low);
    s.mode_set = true;
    s.port = port;
    s.awaiting_eoi = false;
    owner = &d;
    if (!s.timer_ready) // initialised once: it may still be armed from an earlier binding
        timer_init(&s.eoi_timer, forced_eoi, reinterpret_cast<void*>(uintptr_t(gsi)),
                   arch::this_cpu_id());
    s.timer_ready = true;
    arch::set_irq_handler(static_cast<uint8_t>(arch::kVecGsiBase + gsi), on_interrupt);
    arch::ioapic_route_gsi(static_cast<unsigned>(gsi), s.level, s.active_low);
    arch::ioapic_mask_gsi(static_cast<unsigned>(gsi), false);
    return 0;
}

void unbind(uint32_t pirq, uint32_t port) {
    Guard g(lock);
    int gsi = gsi_of(pirq);
    if (gsi < 0 || gsis[gsi].port != port)
        return;
    arch::ioapic_mask_gsi(static_cast<unsigned>(gsi), true);
    gsis[gsi].port = 0;
    gsis[gsi].awaiting_eoi = false;
}

} // namespace pirq
