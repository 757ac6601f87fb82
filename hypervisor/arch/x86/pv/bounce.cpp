// Bouncing exceptions and events to a PV guest: the guest kernel sees the same frame an
// x86 CPU would push, plus RCX and R11 on top, on its own kernel stack.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "common/domain.h"

namespace arch {
namespace {

constexpr uint64_t kRflagsIf = 1 << 9;
constexpr uint64_t kRflagsTf = 1 << 8;
constexpr uint64_t kRflagsNt = 1 << 14;
constexpr uint64_t kRflagsRf = 1 << 16;

// Pushes the guest-visible exception frame and points the guest at `handler`.
// `from_user` frames switch to the guest kernel's stack and page tables first.
[[gnu::hot]] void build_frame(TrapFrame& f, Vcpu& v, uint64_t handler, bool has_error_code,
                              uint32_t error_code, bool mask_events) {
    // IRETQ to a non-canonical address would fault inside xenon: never let one through.
    if (uint64_t(int64_t(handler << 16) >> 16) != handler)
        domain_crash(*v.domain, "guest callback or trap handler address is not canonical");
    bool was_kernel = v.arch.in_kernel;
    uint8_t saved_mask = v.vcpu_info->evtchn_upcall_mask;
    uint64_t sp = f.rsp;
    if (!was_kernel) {
        pv_toggle_guest_mode(v);
        sp = v.arch.kernel_sp;
    }
    // The interrupted CS: RPL 0 tells the guest kernel it interrupted itself. The
    // guest's event mask at the time rides in bits 32-39, as Xen puts it there.
    uint64_t cs = (was_kernel ? (f.cs & ~uint64_t(3)) : f.cs) | (uint64_t(saved_mask) << 32);
    // The guest's virtual interrupt flag is its event mask, its IOPL the virtual one.
    uint64_t rflags = (f.rflags & ~kRflagsIf) | (saved_mask ? 0 : kRflagsIf) | pv_frame_iopl(v);
    sp &= ~uint64_t(15);
    int rc;
    if (has_error_code) {
        const uint64_t words[8] = {f.rcx, f.r11, error_code, f.rip, cs, rflags, f.rsp, f.ss};
        sp -= sizeof(words);
        rc = copy_words_to_guest(sp, words);
    } else {
        const uint64_t words[7] = {f.rcx, f.r11, f.rip, cs, rflags, f.rsp, f.ss};
        sp -= sizeof(words);
        rc = copy_words_to_guest(sp, words);
    }
    if (rc)
        domain_crash(*v.domain, "exception frame could not be written to the guest stack");
    f.rsp = sp;
    f.rip = handler;
    f.cs = SEL_RING3_CS64;
    f.ss = SEL_RING3_DS;
    f.rflags &= ~(kRflagsTf | kRflagsNt | kRflagsRf);
    f.vector |= FRAME_SYSRET_OK; // rcx and r11 are saved in the frame just written
    if (mask_events)
        v.vcpu_info->evtchn_upcall_mask = 1;
}

} // namespace

[[gnu::hot]] bool pv_bounce_exception(TrapFrame& f, unsigned vector, bool has_error_code,
                                      uint32_t error_code) {
    Vcpu& v = *current_vcpu();
    const GuestTrap& t = v.arch.traps[vector & 0xff];
    if (!t.address)
        return false;
    // A PV kernel thinks of itself as supervisor: its page faults do not carry the
    // user-mode bit the hardware set because it really runs in ring 3.
    constexpr uint32_t kPfUser = 1 << 2;
    if (vector == kVecPageFault && v.arch.in_kernel)
        error_code &= ~kPfUser;
    build_frame(f, v, t.address, has_error_code, error_code, t.flags & 4);
    return true;
}

[[gnu::hot]] void pv_deliver_events(TrapFrame& f, Vcpu& v) {
    xen::vcpu_info* info = v.vcpu_info;
    if (info->evtchn_upcall_pending && !info->evtchn_upcall_mask && v.arch.event_callback)
        build_frame(f, v, v.arch.event_callback, false, 0, true);
}

} // namespace arch
