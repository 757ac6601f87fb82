// Which registers each kind of guest entry changes, as Xen 4.17 (a release build) does it.
// Every general-purpose register but rsp holds a distinct canary (arguments where the
// call takes them) and rflags a pattern of CF PF AF ZF SF OF DF; each entry runs twice,
// with the two patterns complementary, and from an rsp that is 8 mod 16, then aligned.
//
//   (a) every stub of the hypercall page but iret's (0..55, harmless arguments):
//       only rax changes (the result); the stub keeps rcx and r11, the arguments stay;
//   (b) SYSCALL from the guest kernel: rax, rcx (the address after the SYSCALL) and r11
//       (rflags at the SYSCALL) change, nothing else;
//   (c) a trap bounce (#UD from ud2, #BP from int3): the kernel's handler sees the
//       interrupted registers and flags, but rcx and r11, which are on its stack (rcx, r11,
//       rip, cs, rflags, rsp, ss) at (rsp & ~15) - 56; after its HYPERVISOR_iret (page stub
//       and SYSCALL, flags 0) the interrupted code sees every register and flag it had;
//   (d) an event upcall (VIRQ_TIMER) interrupting a spinning loop: as (c);
//   (e) a multicall: as (a) and (b) around the hypercall, but rdi and rsi, which come back
//       as Xen's continuation left them if it was continued (Xen 4.17 continues it after
//       a sched_op yield: the list k entries on, the count k less); each entry gets its
//       call's result, its op and arguments stay.
// Xen 4.17's debug builds would poison the argument registers of a call (and multicall
// entries); Debian's build is a release build, as xenon.
#include "public/callback.h"
#include "public/event_channel.h"
#include "public/memory.h"
#include "public/sched.h"
#include "public/vcpu.h"
#include "public/version.h"
#include "runtime.h"

using namespace xen;

namespace {

enum Reg { RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8, R9, R10, R11, R12, R13, R14, R15, NGPR };
const char* const kNames[NGPR] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
                                  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
const Reg kArgRegs[5] = {RDI, RSI, RDX, R10, R8};

// CF PF AF ZF SF DF OF: the bits a guest sets with popf and Xen hands back.
constexpr uint64_t kFlags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x400 | 0x800;
constexpr uint64_t kFlagPattern[2] = {0x1 | 0x40 | 0x400 | 0x800, 0x4 | 0x10 | 0x80};
constexpr uint64_t kIf = 1 << 9;

} // namespace

// Register files the assembly below reads and writes (layout: Reg, then rflags, rsp).
struct regs {
    uint64_t r[NGPR];
    uint64_t rflags, rsp;
};
static_assert(sizeof(regs) == 17 * 8);

extern "C" {
regs rp_in;             // loaded before the entry (rflags: the pattern given to popf)
regs rp_out;            // as the code after the entry found them
regs rp_seen;           // as the guest kernel's handler found them on entry
uint64_t rp_frame[7];   // the handler's stack: rcx, r11, rip, cs, rflags, rsp, ss
uint64_t rp_live_flags; // rflags right before the entry (popf keeps IF, reserved bits)
uint64_t rp_saved_rsp, rp_rsp_adjust, rp_target, rp_skip, rp_redirect, rp_entries;
uint8_t rp_iret_direct;
alignas(4096) uint8_t rp_shared[4096]; // shared_info, mapped again for the event probe

void rp_call();    // call *rp_target (a hypercall page stub)
void rp_syscall(); // SYSCALL
void rp_ud2();     // ud2, resumed by the handler 2 bytes on
void rp_int3();    // int3
void rp_spin();    // unmasks events, spins until the upcall redirects it
void rp_handler(); // trap table and event callback entry
extern char rp_syscall_ret[], rp_ud2_site[], rp_int3_site[], rp_spin_loop[], rp_spin_exit[];
}

// Each probe: save the callee-saved registers, move rsp down by rp_rsp_adjust, load rp_in,
// record the live rflags, enter, store everything into rp_out, return. Nothing between
// the loads and the entry changes a register or a flag.
asm(R"(
    .macro RP_ENTER
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, rp_saved_rsp(%rip)
    sub rp_rsp_adjust(%rip), %rsp
    mov %rsp, rp_in+128(%rip)
    pushq rp_in+120(%rip)
    popfq
    mov rp_in+0(%rip), %rax
    mov rp_in+8(%rip), %rbx
    mov rp_in+16(%rip), %rcx
    mov rp_in+24(%rip), %rdx
    mov rp_in+32(%rip), %rsi
    mov rp_in+40(%rip), %rdi
    mov rp_in+48(%rip), %rbp
    mov rp_in+56(%rip), %r8
    mov rp_in+64(%rip), %r9
    mov rp_in+72(%rip), %r10
    mov rp_in+80(%rip), %r11
    mov rp_in+88(%rip), %r12
    mov rp_in+96(%rip), %r13
    mov rp_in+104(%rip), %r14
    mov rp_in+112(%rip), %r15
    pushfq
    popq rp_live_flags(%rip)
    .endm

    .macro RP_STORE to
    mov %rax, \to+0(%rip)
    mov %rbx, \to+8(%rip)
    mov %rcx, \to+16(%rip)
    mov %rdx, \to+24(%rip)
    mov %rsi, \to+32(%rip)
    mov %rdi, \to+40(%rip)
    mov %rbp, \to+48(%rip)
    mov %r8, \to+56(%rip)
    mov %r9, \to+64(%rip)
    mov %r10, \to+72(%rip)
    mov %r11, \to+80(%rip)
    mov %r12, \to+88(%rip)
    mov %r13, \to+96(%rip)
    mov %r14, \to+104(%rip)
    mov %r15, \to+112(%rip)
    pushfq
    popq \to+120(%rip)
    mov %rsp, \to+128(%rip)
    .endm

    .macro RP_LEAVE
    RP_STORE rp_out
    cld
    mov rp_saved_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .endm

    .text
    .globl rp_call, rp_syscall, rp_ud2, rp_int3, rp_spin, rp_handler
    .globl rp_syscall_ret, rp_ud2_site, rp_int3_site, rp_spin_loop, rp_spin_exit
rp_call:
    RP_ENTER
    call *rp_target(%rip)
    RP_LEAVE

rp_syscall:
    RP_ENTER
    syscall
rp_syscall_ret:
    RP_LEAVE

rp_ud2:
    RP_ENTER
rp_ud2_site:
    ud2
    RP_LEAVE

rp_int3:
    RP_ENTER
rp_int3_site:
    int3
    RP_LEAVE

rp_spin:
    RP_ENTER
    movb $0, rp_shared+1(%rip)          # vcpu_info[0].evtchn_upcall_mask
rp_spin_loop:
    jmp rp_spin_loop
rp_spin_exit:
    RP_LEAVE

# As a Linux guest's entry: rcx and r11 are the interrupted ones on the stack, every
# other register is live. Record them all, resume rp_skip bytes on (or at rp_redirect,
# events masked), and leave through HYPERVISOR_iret with rcx and r11 reloaded from the
# frame and rax live: the page's stub (it pushes rcx, r11, rax) or the same by hand.
rp_handler:
    RP_STORE rp_seen
    .irp off, 0, 8, 16, 24, 32, 40, 48  # the frame: rcx, r11, rip, cs, rflags, rsp, ss
    mov \off(%rsp), %rcx
    mov %rcx, rp_frame+\off(%rip)
    .endr
    incq rp_entries(%rip)
    mov rp_skip(%rip), %rcx
    add %rcx, 16(%rsp)
    mov rp_redirect(%rip), %rcx
    test %rcx, %rcx
    jz 1f
    mov %rcx, 16(%rsp)
    andq $~0x200, 32(%rsp)
1:  mov 0(%rsp), %rcx
    mov 8(%rsp), %r11
    add $16, %rsp
    pushq $0                            # flags: not VGCF_in_syscall
    cmpb $0, rp_iret_direct(%rip)
    jne 2f
    jmp hypercall_page + 23 * 32
2:  push %rcx
    push %r11
    push %rax
    mov $23, %eax
    syscall
    ud2
)");

namespace {

unsigned pass;   // 0 or 1: which canaries and flag pattern
unsigned checks; // entries checked
bool failed;

uint64_t canary(unsigned r) {
    return 0xc0de000000000000ull ^ (uint64_t(pass + 1) << 44) ^ (uint64_t(r + 1) * 0x1111111011ull);
}

void load_canaries() {
    for (unsigned r = 0; r < NGPR; r++)
        rp_in.r[r] = canary(r);
    rp_in.rflags = kFlagPattern[pass] | 2;
    rp_rsp_adjust = pass ? 8 : 0; // rsp: 8 mod 16 after a call and six pushes, then 0
}

// The set of registers whose values differ, as "{rax, rcx}".
unsigned changed(const regs& a, const regs& b) {
    unsigned m = 0;
    for (unsigned r = 0; r < NGPR; r++)
        if (a.r[r] != b.r[r])
            m |= 1u << r;
    return m;
}

void set_string(unsigned m, char* buf, size_t n) {
    size_t at = size_t(xt::snprintf(buf, n, "{"));
    for (unsigned r = 0; r < NGPR; r++)
        if (m & (1u << r))
            at += size_t(xt::snprintf(buf + at, n - at, "%s%s", at > 1 ? ", " : "", kNames[r]));
    xt::snprintf(buf + at, n - at, "}");
}

void fail(const char* what, const char* fmt, uint64_t a = 0, uint64_t b = 0) {
    char msg[160];
    xt::snprintf(msg, sizeof msg, fmt, a, b);
    xt::printf("FAIL %s (pass %u): %s\n", what, pass, msg);
    failed = true;
}

// got's registers must equal want's except exactly the set `expect`; its flags must carry
// the pattern, its rsp want's.
void expect_set(const char* what, const regs& want, const regs& got, unsigned expect) {
    unsigned m = changed(want, got);
    if (m != expect) {
        char gs[96], ws[96];
        set_string(m, gs, sizeof gs);
        set_string(expect, ws, sizeof ws);
        xt::printf("FAIL %s (pass %u): changed %s, expected %s\n", what, pass, gs, ws);
        for (unsigned r = 0; r < NGPR; r++)
            if ((m ^ expect) & (1u << r))
                xt::printf("  %s: %#lx -> %#lx\n", kNames[r], want.r[r], got.r[r]);
        failed = true;
    }
    if ((got.rflags ^ rp_live_flags) & kFlags)
        fail(what, "rflags %#lx, expected %#lx in CF PF AF ZF SF DF OF", got.rflags, rp_live_flags);
    if (got.rsp != want.rsp)
        fail(what, "rsp %#lx, expected %#lx", got.rsp, want.rsp);
    checks++;
}

// ---------------------------------------------------------------------------------------
// (a), (b): hypercalls.

constexpr long kPositive = -0x7fff0001; // not a result: the call returns more than zero

struct call {
    unsigned nr;
    const char* name;
    unsigned nargs;
    uint64_t a[5];
    long want;
    bool or_enosys = false; // xenon does not implement it yet (docs/abi.md "no"): -ENOSYS there
};

xen::trap_info no_traps[1]; // a trap table with only its terminator: changes nothing
domid_t self = DOMID_SELF;

constexpr uint64_t kXenVa = 0xffff830000000000ull; // inside Xen's area
constexpr uint64_t kNoMem = 0x1000;                // nothing mapped in the low half

// Harmless calls for stubs 0..55 but iret's, with what Xen 4.17 answers dom0 (kexec_op's
// unknown command passes its XSM check and does nothing: 0).
call calls[] = {
    {0, "set_trap_table", 1, {0 /* no_traps */}, 0},
    {1, "mmu_update", 4, {0, 0, 0, DOMID_SELF}, 0},
    {2, "set_gdt", 2, {kNoMem, 65536}, -XEN_EINVAL},
    {3, "stack_switch", 2, {FLAT_KERNEL_SS, 0}, 0},
    {4, "set_callbacks", 3, {0, 0, 0}, 0},
    {5, "fpu_taskswitch", 1, {0}, 0},
    {6, "sched_op_compat", 2, {SCHEDOP_yield, 0}, 0},
    {7, "platform_op", 1, {kNoMem}, -XEN_EFAULT},
    {8, "set_debugreg", 2, {8, 0}, -XEN_ENODEV},
    {9, "get_debugreg", 1, {8}, -XEN_ENODEV},
    {10, "update_descriptor", 2, {1, 0}, -XEN_EINVAL},
    {11, "(unused 11)", 0, {}, -XEN_ENOSYS},
    {12, "memory_op", 2, {XENMEM_current_reservation, 0 /* &self */}, kPositive},
    {13, "multicall", 2, {0, 0}, 0},
    {14, "update_va_mapping", 3, {kXenVa, 0, 0}, -XEN_EINVAL},
    {15, "set_timer_op", 1, {0}, 0},
    {16, "event_channel_op_compat", 1, {kNoMem}, -XEN_EFAULT, true},
    {17, "xen_version", 2, {XENVER_version, 0}, 0x40011},
    {18, "console_io", 3, {99, 0, 0}, -XEN_ENOSYS},
    {19, "physdev_op_compat", 1, {kNoMem}, -XEN_EFAULT, true},
    {20, "grant_table_op", 3, {99, 0, 0}, -XEN_ENOSYS},
    {21, "vm_assist", 2, {99, 0}, -XEN_ENOSYS},
    {22, "update_va_mapping_otherdomain", 4, {kXenVa, 0, 0, DOMID_SELF}, -XEN_EINVAL},
    {24, "vcpu_op", 3, {VCPUOP_is_up, 0, 0}, 1},
    {25, "set_segment_base", 2, {99, 0}, -XEN_EINVAL},
    {26, "mmuext_op", 4, {0, 0, 0, DOMID_SELF}, 0},
    {27, "xsm_op", 1, {kNoMem}, -XEN_ENOSYS},
    {28, "nmi_op", 2, {99, 0}, -XEN_ENOSYS},
    {29, "sched_op", 2, {SCHEDOP_yield, 0}, 0},
    {30, "callback_op", 2, {99, 0}, -XEN_ENOSYS},
    {31, "xenoprof_op", 2, {99, 0}, -XEN_EINVAL, true},
    {32, "event_channel_op", 2, {99, 0}, -XEN_ENOSYS},
    {33, "physdev_op", 2, {99, 0}, -XEN_ENOSYS},
    {34, "hvm_op", 2, {99, 0}, -XEN_ENOSYS},
    {35, "sysctl", 1, {kNoMem}, -XEN_EFAULT},
    {36, "domctl", 1, {kNoMem}, -XEN_EFAULT},
    {37, "kexec_op", 2, {99, kNoMem}, 0, true},
    {38, "tmem_op", 1, {kNoMem}, -XEN_ENOSYS},
    {39, "argo_op", 5, {99, 0, 0, 0, 0}, -XEN_ENOSYS},
    {40, "xenpmu_op", 2, {99, 0}, -XEN_EOPNOTSUPP, true},
    {41, "dm_op", 3, {DOMID_SELF, 0, 0}, -XEN_ENODATA, true},
    {42, "hypfs_op", 5, {99, 0, 0, 0, 0}, -XEN_EINVAL, true},
    {43, "(unused 43)", 0, {}, -XEN_ENOSYS},
    {44, "(unused 44)", 0, {}, -XEN_ENOSYS},
    {45, "(unused 45)", 0, {}, -XEN_ENOSYS},
    {46, "(unused 46)", 0, {}, -XEN_ENOSYS},
    {47, "(unused 47)", 0, {}, -XEN_ENOSYS},
    {48, "mca", 1, {kNoMem}, -XEN_EFAULT, true},
    {49, "paging_domctl_cont", 1, {kNoMem}, -XEN_EFAULT, true},
    {50, "arch_2", 0, {}, -XEN_ENOSYS},
    {51, "arch_3", 0, {}, -XEN_ENOSYS},
    {52, "arch_4", 0, {}, -XEN_ENOSYS},
    {53, "arch_5", 0, {}, -XEN_ENOSYS},
    {54, "arch_6", 0, {}, -XEN_ENOSYS},
    {55, "arch_7", 0, {}, -XEN_ENOSYS},
    {~0u, nullptr, 0, {}, 0},
};

extern "C" void xt_event_entry();
extern "C" void xt_failsafe_entry();
extern "C" uint8_t xt_boot_stack_top[];

void check_rc(const call& c, const char* how, long rc) {
    bool ok = c.want == kPositive ? rc > 0 : rc == c.want || (c.or_enosys && rc == -XEN_ENOSYS);
    if (!ok) {
        char what[64];
        xt::snprintf(what, sizeof what, "%s %u %s", how, c.nr, c.name);
        fail(what, "returned %ld (%#lx), expected another answer", uint64_t(rc), uint64_t(rc));
    }
}

// Loads the canaries and c's arguments, makes the call one way, checks what changed
// (the caller checks the registers in `own`).
void hypercall_probe(const call& c, bool direct, unsigned own = 0) {
    load_canaries();
    for (unsigned i = 0; i < c.nargs; i++)
        rp_in.r[kArgRegs[i]] = c.a[i];
    char what[64];
    xt::snprintf(what, sizeof what, "%s %u %s", direct ? "syscall" : "page", c.nr, c.name);
    if (direct) {
        rp_in.r[RAX] = c.nr;
        rp_syscall();
    } else {
        rp_target = reinterpret_cast<uint64_t>(hypercall_page) + c.nr * 32;
        rp_call();
    }
    // rax is the result (checked below), whatever its value.
    regs want = rp_in;
    want.r[RAX] = rp_out.r[RAX];
    for (unsigned r = 0; r < NGPR; r++)
        if (own & (1u << r))
            want.r[r] = rp_out.r[r];
    unsigned expect = 0;
    if (direct) {
        // SYSRET: rcx is where the SYSCALL left off, r11 the rflags it was made with.
        expect = 1u << RCX | 1u << R11;
        if (rp_out.r[RCX] != reinterpret_cast<uint64_t>(rp_syscall_ret))
            fail(what, "rcx %#lx, expected the address after the syscall %#lx", rp_out.r[RCX],
                 reinterpret_cast<uint64_t>(rp_syscall_ret));
        if (rp_out.r[R11] != rp_live_flags)
            fail(what, "r11 %#lx, expected the rflags at the syscall %#lx", rp_out.r[R11],
                 rp_live_flags);
    }
    expect_set(what, want, rp_out, expect);
    check_rc(c, direct ? "syscall" : "page", long(rp_out.r[RAX]));
}

void put_back_runtime_state() {
    // stack_switch, set_callbacks and fpu_taskswitch changed state the runtime set up: put
    // its callbacks back (with their event masking).
    callback_register ev{CALLBACKTYPE_event, CALLBACKF_mask_events,
                         reinterpret_cast<uint64_t>(xt_event_entry)};
    callback_register fs{CALLBACKTYPE_failsafe, CALLBACKF_mask_events,
                         reinterpret_cast<uint64_t>(xt_failsafe_entry)};
    if (xt::callback_op(CALLBACKOP_register, &ev) || xt::callback_op(CALLBACKOP_register, &fs))
        xt::report_error("cannot register the runtime's callbacks again");
}

void hypercalls() {
    // The addresses (no global constructors run in a guest).
    for (call* c = calls; c->name; c++) {
        if (c->nr == HYPERVISOR_set_trap_table)
            c->a[0] = xt::arg(no_traps);
        if (c->nr == HYPERVISOR_memory_op)
            c->a[1] = xt::arg(&self);
        if (c->nr == HYPERVISOR_stack_switch)
            c->a[1] = reinterpret_cast<uint64_t>(xt_boot_stack_top);
        if (c->nr == HYPERVISOR_set_callbacks) {
            c->a[0] = reinterpret_cast<uint64_t>(xt_event_entry);
            c->a[1] = reinterpret_cast<uint64_t>(xt_failsafe_entry);
        }
    }
    unsigned before = checks;
    for (pass = 0; pass < 2; pass++)
        for (const call* k = calls; k->name; k++) {
            hypercall_probe(*k, false);
            hypercall_probe(*k, true);
        }
    put_back_runtime_state();
    xt::printf("hypercall page, stubs 0-55 but iret (%u calls): changed {rax}\n",
               (checks - before) / 2);
    xt::printf("syscall, the same calls: changed {rax, rcx, r11} (rcx: next rip, r11: "
               "rflags)\n");
}

// ---------------------------------------------------------------------------------------
// (c), (d): bounces to the guest kernel and HYPERVISOR_iret back.

constexpr uint64_t kFrameWords = 7; // rcx, r11, rip, cs, rflags, rsp, ss (no error code)

// Runs a probe that enters the handler once at `site`; checks what the handler found, its
// frame, and what the interrupted code found after the iret.
void bounce_probe(const char* kind, void (*probe)(), uint64_t site, uint64_t skip,
                  uint64_t redirect, bool events_on) {
    for (int direct = 0; direct < 2; direct++) {
        char what[64];
        xt::snprintf(what, sizeof what, "%s handler", kind);
        load_canaries();
        rp_skip = skip;
        rp_redirect = redirect;
        rp_iret_direct = uint8_t(direct);
        rp_entries = 0;
        probe();
        if (rp_entries != 1) {
            fail(what, "entered %lu times, expected once", rp_entries);
            continue;
        }
        regs want = rp_in;
        want.rsp = (rp_in.rsp & ~15ull) - kFrameWords * 8;
        expect_set(what, want, rp_seen, 1u << RCX | 1u << R11);
        if (rp_frame[0] != rp_in.r[RCX] || rp_frame[1] != rp_in.r[R11])
            fail(what, "rcx, r11 on the stack %#lx, %#lx: not the interrupted ones", rp_frame[0],
                 rp_frame[1]);
        if (rp_frame[2] != site)
            fail(what, "rip on the stack %#lx, expected %#lx", rp_frame[2], site);
        if ((rp_frame[4] ^ rp_live_flags) & kFlags)
            fail(what, "rflags on the stack %#lx, interrupted code's %#lx", rp_frame[4],
                 rp_live_flags);
        if ((rp_frame[4] & kIf) != (events_on ? kIf : 0))
            fail(what, "rflags on the stack %#lx: IF is not the inverse of the event mask",
                 rp_frame[4]);
        if (rp_frame[5] != rp_in.rsp)
            fail(what, "rsp on the stack %#lx, expected %#lx", rp_frame[5], rp_in.rsp);
        xt::snprintf(what, sizeof what, "%s, after %s iret", kind,
                     direct ? "a SYSCALL" : "the page's");
        expect_set(what, rp_in, rp_out, 0);
    }
}

void trap_bounces() {
    const xen::trap_info mine[] = {
        {xt::VEC_UD, 0, FLAT_KERNEL_CS, reinterpret_cast<uint64_t>(rp_handler)},
        {xt::VEC_BP, 3, FLAT_KERNEL_CS, reinterpret_cast<uint64_t>(rp_handler)},
        {0, 0, 0, 0},
    };
    XT_CHECK_RC(xt::set_trap_table(mine), 0);
    for (pass = 0; pass < 2; pass++) {
        bounce_probe("#UD", rp_ud2, reinterpret_cast<uint64_t>(rp_ud2_site), 2, 0, false);
        bounce_probe("#BP", rp_int3, reinterpret_cast<uint64_t>(rp_int3_site) + 1, 0, 0, false);
    }
    XT_CHECK_RC(xt::set_trap_table(xt::trap_table()), 0);
    xt::printf("trap bounce (#UD, #BP): the handler found {rcx, r11} changed (theirs on its "
               "stack); after iret (page stub, syscall): {}\n");
}

void event_upcalls() {
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(rp_shared),
                                      xt::start_info->shared_info | xt::PTE_P | xt::PTE_RW |
                                          xt::PTE_A | xt::PTE_D,
                                      UVMF_INVLPG),
                0);
    xt::timer_init(); // VIRQ_TIMER bound and unmasked
    xt::mask_events();
    callback_register cb{CALLBACKTYPE_event, CALLBACKF_mask_events,
                         reinterpret_cast<uint64_t>(rp_handler)};
    XT_CHECK_RC(xt::callback_op(CALLBACKOP_register, &cb), 0);
    unsigned port = xt::timer_port;
    for (pass = 0; pass < 2; pass++) {
        // A tick every millisecond: whichever one is pending when the loop unmasks events
        // is delivered at the next interrupt.
        vcpu_set_periodic_timer period{1000000};
        XT_CHECK_RC(xt::vcpu_op(VCPUOP_set_periodic_timer, 0, &period), 0);
        bounce_probe("event upcall", rp_spin, reinterpret_cast<uint64_t>(rp_spin_loop), 0,
                     reinterpret_cast<uint64_t>(rp_spin_exit), true);
        XT_CHECK_RC(xt::vcpu_op(VCPUOP_stop_periodic_timer, 0), 0);
        XT_CHECK_EQ(xt::vcpu->evtchn_upcall_mask, 1); // the handler's iret masked them
        __atomic_fetch_and(&xt::shared->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                           __ATOMIC_SEQ_CST);
        xt::vcpu->evtchn_pending_sel = 0;
        xt::vcpu->evtchn_upcall_pending = 0;
    }
    put_back_runtime_state();
    xt::printf("event upcall: the handler found {rcx, r11} changed (theirs on its stack); "
               "after iret (page stub, syscall): {}\n");
}

// ---------------------------------------------------------------------------------------
// (e): a multicall.

void multicalls() {
    static multicall_entry mc[7];
    struct entry {
        uint64_t op, args[2];
        long want;
    };
    const entry e[7] = {
        {HYPERVISOR_xen_version, {XENVER_version, 0}, 0x40011},
        {HYPERVISOR_vcpu_op, {VCPUOP_is_up, 0}, 1},
        {HYPERVISOR_console_io, {99, 0}, -XEN_ENOSYS},
        {11, {0, 0}, -XEN_ENOSYS},
        {HYPERVISOR_sched_op, {SCHEDOP_yield, 0}, 0},
        {HYPERVISOR_set_segment_base, {99, 0}, -XEN_EINVAL},
        {HYPERVISOR_memory_op, {XENMEM_current_reservation, xt::arg(&self)}, kPositive},
    };
    unsigned before = checks;
    for (pass = 0; pass < 2; pass++)
        for (int direct = 0; direct < 2; direct++) {
            for (unsigned i = 0; i < 7; i++) {
                mc[i].op = e[i].op;
                mc[i].result = 0x5555555555555555ull;
                for (unsigned j = 0; j < 6; j++)
                    mc[i].args[j] = j < 2 ? e[i].args[j] : canary(j) ^ i;
            }
            const call c{HYPERVISOR_multicall, "multicall", 2, {xt::arg(mc), 7}, 0, false};
            hypercall_probe(c, direct, 1u << RDI | 1u << RSI);
            // A continued multicall (Xen 4.17 continues one whenever a softirq is pending
            // after an entry, as the yield leaves one) comes back with its arguments as
            // the continuation left them: the list k entries on, k fewer entries.
            uint64_t on = rp_out.r[RDI] - xt::arg(mc), k = on / sizeof(mc[0]);
            if (on % sizeof(mc[0]) || k >= 7 || rp_out.r[RSI] != 7 - k)
                fail("multicall", "rdi %#lx, rsi %#lx: neither the arguments nor a continuation",
                     rp_out.r[RDI], rp_out.r[RSI]);
            if (!pass && !direct)
                xt::printf("multicall: continued after %lu of 7 entries\n", k);
            for (unsigned i = 0; i < 7; i++) {
                long rc = long(mc[i].result);
                bool ok = e[i].want == kPositive ? rc > 0 : rc == e[i].want;
                if (!ok)
                    fail("multicall", "entry %lu: result %ld", i, uint64_t(rc));
                bool same = mc[i].op == e[i].op;
                for (unsigned j = 0; j < 6; j++)
                    same = same && mc[i].args[j] == (j < 2 ? e[i].args[j] : canary(j) ^ i);
                if (!same)
                    fail("multicall", "entry %lu: op or arguments changed", i);
            }
        }
    xt::printf("multicall (%u, page and syscall): changed {rax} / {rax, rcx, r11}, rdi and "
               "rsi if continued; each entry's result written, op and arguments kept\n",
               checks - before);
}

} // namespace

void test_main() {
    hypercalls();
    trap_bounces();
    event_upcalls();
    multicalls();
    if (failed)
        xt::report_failure("registers or results not as on Xen 4.17 (see above)");
    xt::report_success();
}
