// VCPUOP_initialise for a 64-bit PV vCPU: its first context, given by the guest (Linux
// brings up its secondary CPUs this way), checked and taken as Xen 4.17's
// arch_set_info_guest does. Refused: a vCPU that already has a context (-EEXIST), an
// unreadable context (-EFAULT), a non-canonical address or a bad LDT (-EINVAL), no page
// tables for the mode it starts in (-EINVAL), a GDT or page table the domain may not use
// (set_gdt's and the page-type errors).
#include "arch/guest_access.h"
#include "arch/pv.h"
#include "arch/pv_hypercalls.h"
#include "common/domain.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/memory/heap.h"
#include "common/memory/page_info.h"
#include "common/memory/page_type.h"
#include "emulate_cr.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm.h"
#include "public/errno.h"
#include "public/xen.h"

namespace arch {
namespace {

constexpr uint64_t kIopl = 3 << 12, kIf = 1 << 9;
constexpr uint64_t kCr0Ts = 1 << 3;
constexpr unsigned kMaxLdtEntries = 8192;
constexpr unsigned long kVmAssistM2pStrict = 1ul << xen::VMASST_TYPE_m2p_strict;
// What a 64-bit PV domain may enable (as HYPERVISOR_vm_assist accepts).
constexpr unsigned long kVmAssistValid =
    (1ul << xen::VMASST_TYPE_4gb_segments) | (1ul << xen::VMASST_TYPE_4gb_segments_notify) |
    (1ul << xen::VMASST_TYPE_writable_pagetables) | (1ul << xen::VMASST_TYPE_pae_extended_cr3) |
    (1ul << xen::VMASST_TYPE_architectural_iopl) |
    (1ul << xen::VMASST_TYPE_runstate_update_flag) | kVmAssistM2pStrict;

// One initialisation at a time: the "has no context yet" check and the taking of the
// page-table references go together.
constinit lib::SpinLock g_lock;

// Xen's fixup_guest_{code,stack}_selector for a 64-bit guest: ring 0 selectors become RPL 3.
uint16_t fixup_selector(uint16_t sel) {
    return (sel & 3) ? sel : static_cast<uint16_t>(sel | 3);
}

// In the guest's part of the address space (not xenon's hole).
bool guest_address(uint64_t va) {
    return hc::is_canonical(va) &&
           (va < xen::HYPERVISOR_VIRT_START || va >= xen::HYPERVISOR_VIRT_END);
}

long check(const xen::vcpu_guest_context& c) {
    const xen::cpu_user_regs& r = c.user_regs;
    uint64_t addrs[] = {r.rip,
                        r.rsp,
                        c.kernel_sp,
                        c.fs_base,
                        c.gs_base_kernel,
                        c.gs_base_user,
                        c.event_callback_eip,
                        c.syscall_callback_eip,
                        c.failsafe_callback_eip};
    for (uint64_t a : addrs)
        if (!hc::is_canonical(a))
            return -xen::XEN_EINVAL;
    for (const xen::trap_info& t : c.trap_ctxt)
        if (!hc::is_canonical(t.address))
            return -xen::XEN_EINVAL;
    if (c.ldt_ents && !hc::is_canonical(c.ldt_base))
        return -xen::XEN_EINVAL;
    if (!guest_address(c.ldt_base) || (c.ldt_base & (PAGE_SIZE - 1)) || c.ldt_ents > kMaxLdtEntries)
        return -xen::XEN_EINVAL;
    if ((c.gdt_ents + 511) / 512 > sizeof(c.gdt_frames) / sizeof(c.gdt_frames[0]))
        return -xen::XEN_EINVAL;
    if (!(c.flags & xen::VGCF_in_kernel) && !c.ctrlreg[1])
        return -xen::XEN_EINVAL;
    return 0;
}

uint64_t cr3_to_mfn(uint64_t cr3) {
    return (cr3 >> PAGE_SHIFT) | (cr3 << 52);
}

// A base pointer: an L4 of the domain, validated and referenced (Xen's get_page_from_mfn
// and get_page_type(PGT_root_page_table)), its read-only M2P slot as MMUEXT_NEW_BASEPTR
// and MMUEXT_NEW_USER_BASEPTR leave it.
long take_l4(Domain& d, uint64_t mfn, bool user) {
    if (!memory::frame_table().valid(mfn))
        return -xen::XEN_EINVAL;
    if (int rc = memory::get_page_and_type(mfn, d.domid, memory::PageType::l4))
        return rc;
    if (!user && !(d.vm_assist & kVmAssistM2pStrict))
        m2p_fill_slot(mfn);
    if (user && (d.vm_assist & kVmAssistM2pStrict))
        m2p_zap_slot(mfn);
    return 0;
}

void load(Vcpu& v, const xen::vcpu_guest_context& c) {
    ArchVcpu& a = v.arch;
    const xen::cpu_user_regs& r = c.user_regs;
    TrapFrame& f = a.regs;
    memset(&f, 0, sizeof(f));
    f.r15 = r.r15, f.r14 = r.r14, f.r13 = r.r13, f.r12 = r.r12, f.rbp = r.rbp, f.rbx = r.rbx;
    f.r11 = r.r11, f.r10 = r.r10, f.r9 = r.r9, f.r8 = r.r8, f.rax = r.rax, f.rcx = r.rcx;
    f.rdx = r.rdx, f.rsi = r.rsi, f.rdi = r.rdi;
    f.rip = r.rip, f.rsp = r.rsp;
    f.cs = fixup_selector(r.cs);
    f.ss = fixup_selector(r.ss);
    // The IOPL is virtual (as PHYSDEVOP_set_iopl); hardware interrupts stay on.
    a.iopl = (r.rflags & kIopl) >> 12;
    f.rflags = (r.rflags & ~kIopl) | kIf;
    for (unsigned i = 0; i < 256; i++) {
        const xen::trap_info& t = c.trap_ctxt[i];
        a.traps[i] = {t.address, fixup_selector(t.cs), t.flags};
    }
    a.event_callback = c.event_callback_eip;
    a.failsafe_callback = c.failsafe_callback_eip;
    a.failsafe_disables_events = c.flags & xen::VGCF_failsafe_disables_events;
    a.syscall_callback = c.syscall_callback_eip;
    a.syscall_disables_events = c.flags & xen::VGCF_syscall_disables_events;
    a.kernel_ss = fixup_selector(static_cast<uint16_t>(c.kernel_ss));
    a.kernel_sp = c.kernel_sp;
    a.fs_base = c.fs_base;
    a.gs_base_kernel = c.gs_base_kernel;
    a.gs_base_user = c.gs_base_user;
    a.ldt_base = c.ldt_ents ? c.ldt_base : 0;
    a.ldt_ents = static_cast<uint32_t>(c.ldt_ents);
    a.fpu_ts = c.ctrlreg[0] & kCr0Ts;
    a.cr4_guest = pv_guest_cr4_bits(c.ctrlreg[4]);
    // Debug registers start clear (Xen drops values its checks refuse; none are needed
    // to start a CPU).
    memset(a.debugreg, 0, sizeof(a.debugreg));
    if (c.flags & xen::VGCF_I387_VALID)
        memcpy(a.fpu_area, c.fpu_ctxt, sizeof(c.fpu_ctxt)); // the legacy (FXSAVE) region
    a.in_kernel = c.flags & xen::VGCF_in_kernel;
}

long initialise(Vcpu& v, const xen::vcpu_guest_context& c) {
    Domain& d = *v.domain;
    lib::LockGuard<lib::SpinLock> g(g_lock);
    if (v.arch.cr3_kernel)
        return -xen::XEN_EEXIST;
    if (long rc = check(c))
        return rc;
    if (long rc = pv_set_gdt(v, c.gdt_frames, static_cast<unsigned>(c.gdt_ents)))
        return rc;
    uint64_t kernel_mfn = cr3_to_mfn(c.ctrlreg[3]);
    if (long rc = take_l4(d, kernel_mfn, false))
        return rc;
    uint64_t user_mfn = c.ctrlreg[1] ? cr3_to_mfn(c.ctrlreg[1]) : 0;
    if (user_mfn) {
        if (long rc = take_l4(d, user_mfn, true)) {
            memory::put_page_and_type(memory::frame_table().page(kernel_mfn));
            return rc;
        }
    }
    load(v, c);
    v.arch.cr3_user = user_mfn << PAGE_SHIFT;
    v.arch.cr3_kernel = kernel_mfn << PAGE_SHIFT; // last: the vCPU now has a context
    return 0;
}

} // namespace

long pv_vcpu_set_context(Vcpu& v, const xen::vcpu_guest_context& c) {
    // vCPU 0's context carries the domain's assists (Xen's arch_set_info_guest).
    if (v.id == 0 && (c.vm_assist & ~kVmAssistValid))
        return -xen::XEN_EINVAL;
    if (v.arch.cr3_kernel) {
        // A vCPU that has a context keeps its page tables: another L4 is refused.
        if (cr3_to_mfn(c.ctrlreg[3]) != v.arch.cr3_kernel >> PAGE_SHIFT)
            return -xen::XEN_EOPNOTSUPP;
        return 0;
    }
    if (v.id == 0)
        v.domain->vm_assist = c.vm_assist;
    return initialise(v, c);
}

void pv_vcpu_get_context(const Vcpu& v, xen::vcpu_guest_context& c) {
    const ArchVcpu& a = v.arch;
    const TrapFrame& f = a.regs;
    memset(&c, 0, sizeof(c));
    memcpy(c.fpu_ctxt, a.fpu_area, sizeof(c.fpu_ctxt));
    c.flags = xen::VGCF_I387_VALID | (a.in_kernel ? xen::VGCF_in_kernel : 0) |
              (v.sched.down ? 0 : xen::VGCF_online) |
              (a.failsafe_disables_events ? xen::VGCF_failsafe_disables_events : 0) |
              (a.syscall_disables_events ? xen::VGCF_syscall_disables_events : 0);
    xen::cpu_user_regs& r = c.user_regs;
    r.r15 = f.r15, r.r14 = f.r14, r.r13 = f.r13, r.r12 = f.r12, r.rbp = f.rbp, r.rbx = f.rbx;
    r.r11 = f.r11, r.r10 = f.r10, r.r9 = f.r9, r.r8 = f.r8, r.rax = f.rax, r.rcx = f.rcx;
    r.rdx = f.rdx, r.rsi = f.rsi, r.rdi = f.rdi;
    r.rip = f.rip, r.rsp = f.rsp, r.cs = static_cast<uint16_t>(f.cs);
    r.ss = static_cast<uint16_t>(f.ss);
    r.rflags = (f.rflags & ~kIopl) | (a.iopl << 12);
    for (unsigned i = 0; i < 256; i++) {
        const GuestTrap& t = a.traps[i];
        c.trap_ctxt[i] = {static_cast<uint8_t>(i), t.flags, t.cs, t.address};
    }
    c.ldt_base = a.ldt_base;
    c.ldt_ents = a.ldt_ents;
    for (unsigned i = 0; i < a.gdt_frame_count; i++)
        c.gdt_frames[i] = a.gdt_frames[i];
    c.gdt_ents = a.gdt_frame_count * 512;
    c.kernel_ss = a.kernel_ss;
    c.kernel_sp = a.kernel_sp;
    c.ctrlreg[0] = a.fpu_ts ? kCr0Ts : 0;
    c.ctrlreg[3] = a.cr3_kernel;
    c.ctrlreg[1] = a.cr3_user;
    c.ctrlreg[4] = a.cr4_guest;
    memcpy(c.debugreg, a.debugreg, sizeof(c.debugreg));
    c.event_callback_eip = a.event_callback;
    c.failsafe_callback_eip = a.failsafe_callback;
    c.syscall_callback_eip = a.syscall_callback;
    c.vm_assist = v.domain->vm_assist;
    c.fs_base = a.fs_base;
    c.gs_base_kernel = a.gs_base_kernel;
    c.gs_base_user = a.gs_base_user;
}

long pv_vcpu_initialise(Vcpu& v, uint64_t guest_context) {
    auto* c = static_cast<xen::vcpu_guest_context*>(xmalloc(sizeof(xen::vcpu_guest_context), 16));
    if (!c)
        return -xen::XEN_ENOMEM;
    long rc = copy_from_guest(c, guest_context, sizeof(*c)) ? -xen::XEN_EFAULT : initialise(v, *c);
    xfree(c);
    return rc;
}

} // namespace arch
