// The hypercall fuzzer: random hypercalls with random arguments, from a seeded PRNG.
//
// Command line: seed=N count=M [self=D] [progress=P] [linger]
//   seed      PRNG seed (default 1); the same seed gives the same sequence of calls,
//             whatever the hypervisor answers (nothing generated depends on a result)
//   count     number of hypercalls (default 1000000)
//   self      this domain's id (default 0); the runner says self=2 when it boots the
//             fuzzer as d2 on xenon
//   progress  print a progress line every P calls (default 1000000)
//   trace     print every call from call number T on (to find the one that misbehaves:
//             the sequence of calls depends on the seed alone)
// It ends with a table of how many calls of each hypercall number succeeded (rc >= 0) and
// "Test result: SUCCESS (N calls)".
//
// Every call is made with canaries in the registers that carry no argument (rbx, rbp, r9,
// r12-r15, and rcx and r11 through the page) and a pattern in rflags (CF PF AF ZF SF DF
// OF); odd-numbered calls go through the hypercall page (numbers below 128), even ones
// straight through SYSCALL. Any of them changed is a failure, as Xen keeps them all
// (docs/abi.md, "Registers across guest entries"); the argument registers and rax are not
// checked, a continuation rewrites them. A privileged domain (SIF_PRIVILEGED, e.g. dom0 on
// Xen) fuzzes with the privileged-only hypercalls left out (see the deny-list).
//
// Arguments are drawn from categories: valid guest buffers (a pool of pages with random
// contents, followed by an unmapped guard page so that a long count runs into a fault, not
// into the fuzzer's own data), NULL, guest-kernel addresses with nothing mapped, the
// hypervisor's range, non-canonical addresses, random values; sizes small, huge and
// negative; domain ids (self, DOMID_SELF, the other domains, reserved ones, absent ones);
// frame numbers (the pool's, a sandbox's, the domain's own page tables, hypervisor frames
// behind L4 slots 256..271, the local APIC, past the end of RAM, random). Page-table
// updates only target a sandbox: the L1 entries of pages the fuzzer never touches and the
// empty entries of its L2, L3 and L4 tables (plus the hypervisor's L4 slots, which must be
// refused).
//
// Deny-list: calls that would legitimately end or hang this domain, or hand control to a
// random address, are never made (or are rewritten as stated):
//   - HYPERVISOR_iret                         resumes a random context
//   - set_trap_table, set_callbacks           random exception / event entry points
//   - callback_op CALLBACKOP_register         same (unregister is fuzzed)
//   - nmi_op XENNMI_register_callback         same
//   - sched_op SCHEDOP_shutdown, sched_op_compat shutdown: end the domain
//   - sched_op SCHEDOP_remote_shutdown of this domain (other targets are fuzzed; an
//     unprivileged caller must be refused)
//   - sched_op SCHEDOP_block, SCHEDOP_poll (and compat block): sleep without a timer
//   - sched_op SCHEDOP_watchdog               an armed watchdog shuts the domain down
//   - vcpu_op VCPUOP_down, VCPUOP_up          stops the only vCPU / starts a random context
//   - vcpu_op VCPUOP_register_vcpu_info       moves the event mask onto random memory
//   - mmuext_op MMUEXT_NEW_BASEPTR with anything but the current L4 (a valid empty L4
//     made from a sandbox page would unmap the fuzzer); CLEAR_PAGE / COPY_PAGE never
//     target the fuzzer's image
//   - update_descriptor, MMUEXT_CLEAR_PAGE / COPY_PAGE and the other writes into frames
//     never name a frame of the fuzzer's image (a random RAM frame is only ever mapped
//     into the sandbox)
//   - multicall, mmu_update and mmuext_op lists are generated with the same rules, never
//     taken from random memory
//   - console_io CONSOLEIO_write only from unreadable buffers or with count 0 (random
//     bytes on the console would flood the log)
//   - when privileged: platform_op, physdev_op(_compat), sysctl, domctl, kexec_op, mca,
//     paging_domctl_cont, dm_op, hvm_op, xenoprof_op, xenpmu_op, hypfs_op (dom0 may
//     legitimately reconfigure the machine or kill domains with them)
// Events stay masked throughout (the fuzzer never blocks); a data breakpoint it armed
// through set_debugreg is disarmed by its #DB hook, an NMI it sent itself is ignored, and a
// failed segment reload (failsafe callback) returns with null selectors. Any other
// exception is a failure, reported with the call that preceded it.
#include "hostile.h"
#include "public/callback.h"
#include "public/nmi.h"
#include "public/version.h"

using namespace xen;

extern "C" void fuzz_failsafe_entry();

namespace {

// ---------------------------------------------------------------------------------------
// PRNG: splitmix64.

uint64_t rng_state;

uint64_t rnd() {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
uint64_t below(uint64_t n) {
    return n ? rnd() % n : 0;
}
bool one_in(uint64_t n) {
    return below(n) == 0;
}
template <typename T, size_t N> T pick(const T (&a)[N]) {
    return a[below(N)];
}

// ---------------------------------------------------------------------------------------
// Memory the fuzzer offers.

constexpr unsigned NPOOL = 8;
alignas(4096) uint8_t pool[NPOOL + 1][4096];   // last page: unmapped guard
alignas(4096) uint8_t lists[2][4096];          // generated arrays; [1]: unmapped guard
constexpr unsigned NSANDBOX = 16;
alignas(4096) uint8_t sandbox[NSANDBOX][4096]; // never touched by the fuzzer itself
// Arguments whose contents the deny-list depends on (a remote_shutdown's target, the
// callback to unregister): out of reach of the pool fills of later multicall entries.
alignas(4096) uint8_t safe_area[4096];
unsigned safe_used;

void *safe_slot(size_t n) {
    n = (n + 15) & ~size_t(15);
    if (safe_used + n > sizeof safe_area)
        safe_used = 0;
    void *p = safe_area + safe_used;
    safe_used += unsigned(n);
    return p;
}

uint64_t pool_mfn[NPOOL], sandbox_mfn[NSANDBOX], sandbox_l1e[NSANDBOX];
uint64_t pt_mfn[5];           // the domain's own tables, [1] L1 .. [4] L4
uint64_t xen_frames[16];
unsigned n_xen_frames;
uint64_t free_entries[64];    // machine addresses of empty L2/L3/L4 entries + L4 256..271
unsigned n_free_entries;
uint64_t max_ram;
bool priv;
uint16_t self_id;

const uint64_t kInteresting[] = {
    0, 1, 0x1000, 0xfff, 0x00007ffffffff000ull, 0x00007ffffffffff8ull, 0x00007fffffffffffull,
    hostile::NONCANON_LOW, hostile::NONCANON_HIGH, hostile::NONCANON_MID,
    hostile::XEN_M2P_RO, hostile::XEN_DIRECTMAP, hostile::XEN_TEXT, hostile::XEN_AREA_TOP,
    0xffff880000000000ull, 0xffffc90000000000ull, 0xffffffff00000000ull,
    0xfffffffffffffff8ull, ~0ull, 0x8000000000000000ull};
const uint64_t kSizes[] = {0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 64, 100, 255, 256, 4095, 4096,
                           4097, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000ull,
                           0xffffffffull, 0x100000000ull, 0x100000001ull, ~0ull, ~0ull - 1,
                           0x8000000000000000ull};
const uint16_t kDomids[] = {DOMID_SELF, 0, 1, 2, 3, 12345, DOMID_XEN, DOMID_IO, DOMID_COW,
                            DOMID_INVALID, DOMID_IDLE, 0x7fff, 0x8000, 0xffff};

bool in_pool(uint64_t p) {
    uint64_t base = reinterpret_cast<uint64_t>(pool);
    return p >= base && p < base + NPOOL * 4096;
}

uint64_t pool_ptr() {
    uint64_t page = reinterpret_cast<uint64_t>(pool[below(NPOOL)]);
    switch (below(8)) {
    case 0: return page + 4096 - 8 * (1 + below(8)); // near the guard
    case 1: return page + below(4096);               // anywhere, unaligned
    case 2: return page + 8 * below(64);
    default: return page;
    }
}

uint64_t bad_addr() {
    return one_in(8) ? rnd() : pick(kInteresting);
}

uint64_t size() {
    return one_in(6) ? rnd() : pick(kSizes);
}

uint16_t domid() {
    if (one_in(10))
        return uint16_t(rnd());
    if (one_in(6))
        return self_id;
    return pick(kDomids);
}

uint64_t mfn() {
    switch (below(12)) {
    case 0: case 1: return pool_mfn[below(NPOOL)];
    case 2: case 3: return sandbox_mfn[below(NSANDBOX)];
    case 4: return pt_mfn[1 + below(4)];
    case 5: case 6: return n_xen_frames ? xen_frames[below(n_xen_frames)] : 0;
    case 7: return max_ram + below(0x1000);
    case 8: return pick({0xfee00ull, 0xfec00ull, 0xfed00ull, 0xb8ull, 0ull, 1ull});
    case 9: return max_ram + (rnd() & 0xffffffffull); // never RAM: see ram_frame()
    default: return rnd();
    }
}

// Any frame of RAM, maybe the fuzzer's own code: only ever a PTE value (mapped into the
// sandbox, which the fuzzer never touches), never a frame to write into.
uint64_t ram_frame() {
    return max_ram ? below(max_ram) : rnd();
}

uint64_t pte_val() {
    if (one_in(10))
        return one_in(2) ? 0 : rnd();
    uint64_t v = ((one_in(8) ? ram_frame() : mfn()) << 12) & 0x000ffffffffff000ull;
    v |= rnd() & 0xfff;
    if (one_in(4))
        v |= 1ull << 63; // NX
    if (one_in(16))
        v |= rnd() & 0x7ff0000000000000ull;
    return v;
}

uint64_t sandbox_va() {
    uint64_t va = reinterpret_cast<uint64_t>(sandbox[below(NSANDBOX)]);
    return one_in(8) ? va + below(4096) : va;
}

uint64_t va() {
    return one_in(3) ? bad_addr() : sandbox_va();
}

// What the pool is filled with.
uint64_t word() {
    switch (below(10)) {
    case 0: case 1: case 2: return below(64);
    case 3: return domid();
    case 4: return pool_ptr();
    case 5: return bad_addr();
    case 6: return pool_mfn[below(NPOOL)];
    case 7: return size();
    default: return rnd();
    }
}

void fill(uint64_t p, unsigned words) {
    if (!in_pool(p))
        return;
    uint64_t end = (p & ~0xfffull) + 4096;
    auto *w = reinterpret_cast<uint8_t *>(p);
    for (unsigned i = 0; i < words && p + 8 * i + 8 <= end; i++) {
        uint64_t v = word();
        memcpy(w + 8 * i, &v, 8);
    }
}

// Stores v at p if all 8 bytes are inside one pool page.
void put(uint64_t p, uint64_t v) {
    if (in_pool(p) && (p & 0xfff) <= 4096 - 8)
        memcpy(reinterpret_cast<void *>(p), &v, 8);
}

// A pointer argument: a freshly filled pool buffer most of the time, otherwise a bad one.
uint64_t ptr() {
    if (one_in(4))
        return bad_addr();
    uint64_t p = pool_ptr();
    fill(p, 16);
    return p;
}

uint64_t any() {
    switch (below(6)) {
    case 0: return ptr();
    case 1: return size();
    case 2: return domid();
    case 3: return below(32);
    default: return rnd();
    }
}

// ---------------------------------------------------------------------------------------
// One call.

struct call {
    uint64_t nr, a[5];
};

call last;             // the call being made (reported if something goes wrong)
uint64_t calls_done;
uint64_t ok_count[64]; // rc >= 0 per hypercall number
uint64_t failsafes, debug_traps, nmis;

// The batch arrays live at the end of lists[0], right before the unmapped guard.
template <typename T> T *tail_array(unsigned n) {
    return reinterpret_cast<T *>(lists[1]) - n;
}

uint64_t sandbox_entry_ptr() {
    if (one_in(3) && n_free_entries)
        return free_entries[below(n_free_entries)];
    return sandbox_l1e[below(NSANDBOX)];
}

void gen(call &c, bool nested);

uint64_t gen_mmu_update_list(unsigned n) {
    auto *r = tail_array<mmu_update>(n);
    for (unsigned i = 0; i < n; i++) {
        uint64_t p = one_in(12) ? rnd() : sandbox_entry_ptr();
        if (one_in(6))
            p = (p & ~7ull) | below(8); // update kind (and misalignment)
        if (one_in(10))
            p = (mfn() << 12) | MMU_MACHPHYS_UPDATE;
        r[i] = {p, one_in(10) ? rnd() : pte_val()};
    }
    return reinterpret_cast<uint64_t>(r);
}

uint64_t gen_mmuext_list(unsigned n) {
    auto *o = tail_array<mmuext_op>(n);
    for (unsigned i = 0; i < n; i++) {
        uint32_t cmd = one_in(10) ? uint32_t(rnd()) : uint32_t(below(22));
        uint64_t a1 = one_in(3) ? va() : mfn();
        uint64_t a2 = one_in(3) ? ptr() : one_in(2) ? mfn() : size();
        switch (cmd) {
        case MMUEXT_NEW_BASEPTR:
            if (!one_in(2)) {
                const uint64_t refused[] = {pool_mfn[0], ~0ull, 0, xen_frames[0]};
                a1 = pick(refused);
            } else {
                a1 = pt_mfn[4];
            }
            break;
        case MMUEXT_CLEAR_PAGE:
        case MMUEXT_COPY_PAGE:
            if (!one_in(4))
                a1 = pool_mfn[below(NPOOL)];
            else if (one_in(2))
                a1 = pt_mfn[1 + below(4)]; // refused: typed
            else
                a1 = n_xen_frames ? xen_frames[below(n_xen_frames)] : 0; // refused
            break;
        }
        o[i] = {};
        o[i].cmd = cmd;
        o[i].arg1.mfn = a1;
        o[i].arg2.src_mfn = a2;
    }
    return reinterpret_cast<uint64_t>(o);
}

uint64_t gen_multicall_list(unsigned n) {
    // Up to 8 entries; the nested page-table calls get unreadable lists only (their
    // generated lists would overlap this one, and random memory could name frames the
    // fuzzer allocated and pinned: an L4 of those as CR3 unmaps the fuzzer).
    auto *m = tail_array<multicall_entry>(n);
    for (unsigned i = 0; i < n; i++) {
        call c;
        gen(c, true);
        m[i].op = c.nr;
        m[i].result = rnd();
        for (int j = 0; j < 5; j++)
            m[i].args[j] = c.a[j];
        m[i].args[5] = rnd();
    }
    return reinterpret_cast<uint64_t>(m);
}

bool denied_when_privileged(uint64_t nr) {
    switch (nr) {
    case HYPERVISOR_platform_op: case HYPERVISOR_physdev_op_compat: case HYPERVISOR_physdev_op:
    case HYPERVISOR_sysctl: case HYPERVISOR_domctl: case HYPERVISOR_kexec_op:
    case HYPERVISOR_mca: case HYPERVISOR_paging_domctl_cont: case HYPERVISOR_dm_op:
    case HYPERVISOR_hvm_op: case HYPERVISOR_xenoprof_op: case HYPERVISOR_xenpmu_op:
    case HYPERVISOR_hypfs_op:
        return true;
    default:
        return false;
    }
}

uint64_t pick_number() {
    for (;;) {
        uint64_t nr;
        switch (below(32)) {
        case 0: nr = 43 + below(21); break; // unused slots up to the end of the table
        case 1: nr = one_in(2) ? 64 + below(4096) : rnd(); break;
        default: nr = below(43); break;
        }
        if (nr == HYPERVISOR_iret || nr == HYPERVISOR_set_trap_table ||
            nr == HYPERVISOR_set_callbacks)
            continue;
        if (priv && denied_when_privileged(nr))
            continue;
        return nr;
    }
}

void gen(call &c, bool nested) {
    if (!nested)
        safe_used = 0;
    c.nr = pick_number();
    for (auto &a : c.a)
        a = any();
    switch (c.nr) {
    case HYPERVISOR_mmu_update: {
        unsigned n = unsigned(1 + below(8));
        c.a[0] = nested || one_in(8) ? bad_addr() : gen_mmu_update_list(n);
        c.a[1] = one_in(4) ? size() : n;
        c.a[2] = one_in(2) ? 0 : ptr();
        c.a[3] = one_in(3) ? domid() : DOMID_SELF;
        break;
    }
    case HYPERVISOR_mmuext_op: {
        unsigned n = unsigned(1 + below(8));
        c.a[0] = nested || one_in(8) ? bad_addr() : gen_mmuext_list(n);
        c.a[1] = one_in(4) ? size() : n;
        c.a[2] = one_in(2) ? 0 : ptr();
        c.a[3] = one_in(3) ? domid() : DOMID_SELF;
        break;
    }
    case HYPERVISOR_multicall: {
        unsigned n = unsigned(below(9));
        c.a[0] = nested || one_in(8) ? bad_addr() : gen_multicall_list(n);
        c.a[1] = one_in(4) ? size() : n;
        break;
    }
    case HYPERVISOR_update_va_mapping:
        c.a[0] = va();
        c.a[1] = pte_val();
        c.a[2] = one_in(4) ? (ptr() & ~7ull) | below(8) : below(8);
        break;
    case HYPERVISOR_update_va_mapping_otherdomain:
        c.a[0] = va();
        c.a[1] = pte_val();
        c.a[2] = below(8);
        c.a[3] = domid();
        break;
    case HYPERVISOR_set_gdt:
        c.a[0] = ptr();
        for (unsigned i = 0; i < 4; i++)
            put(c.a[0] + 8 * i, mfn());
        c.a[1] = size();
        break;
    case HYPERVISOR_update_descriptor:
        c.a[0] = one_in(4) ? rnd() : (mfn() << 12) + (one_in(4) ? below(4096) : 8 * below(512));
        break;
    case HYPERVISOR_stack_switch:
        c.a[1] = one_in(2) ? bad_addr() : pool_ptr();
        break;
    case HYPERVISOR_set_debugreg:
        c.a[0] = one_in(8) ? rnd() : below(9);
        c.a[1] = one_in(3) ? pool_ptr() : any();
        break;
    case HYPERVISOR_get_debugreg:
        c.a[0] = one_in(8) ? rnd() : below(10);
        break;
    case HYPERVISOR_console_io:
        c.a[0] = one_in(8) ? rnd() : below(3);
        if (uint32_t(c.a[0]) == CONSOLEIO_write) {
            // Never a readable buffer with a count: no junk on the console.
            c.a[2] = one_in(4) ? ptr() : bad_addr();
            if (in_pool(c.a[2]))
                c.a[1] &= 0xffffffff00000000ull; // an unsigned int count of 0
        }
        break;
    case HYPERVISOR_sched_op_compat:
        c.a[0] = one_in(6) ? rnd() : pick({0ull, 3ull, 4ull, 5ull, 99ull});
        if (uint32_t(c.a[0]) == 1 || uint32_t(c.a[0]) == 2) // block, shutdown
            c.a[0] = 0;
        break;
    case HYPERVISOR_sched_op: {
        uint64_t cmd = one_in(6) ? rnd() : below(9);
        switch (uint32_t(cmd)) {
        case SCHEDOP_block: case SCHEDOP_shutdown: case SCHEDOP_poll: case SCHEDOP_watchdog:
            cmd = SCHEDOP_yield;
            break;
        case SCHEDOP_remote_shutdown: {
            uint16_t d = domid();
            if (d == self_id || (priv && d == 0))
                d = 12345;
            auto *rs = static_cast<sched_remote_shutdown *>(safe_slot(sizeof(sched_remote_shutdown)));
            *rs = {d, uint32_t(below(8))};
            c.a[1] = reinterpret_cast<uint64_t>(rs);
            break;
        }
        }
        c.a[0] = cmd;
        break;
    }
    case HYPERVISOR_vcpu_op:
        c.a[0] = one_in(6) ? rnd() : below(16);
        if (uint32_t(c.a[0]) == VCPUOP_down || uint32_t(c.a[0]) == VCPUOP_up ||
            uint32_t(c.a[0]) == VCPUOP_register_vcpu_info)
            c.a[0] = VCPUOP_is_up;
        c.a[1] = one_in(4) ? rnd() : below(4);
        c.a[2] = ptr();
        break;
    case HYPERVISOR_callback_op:
        c.a[0] = one_in(4) ? 2 + below(1000) : CALLBACKOP_unregister;
        if (c.a[0] == CALLBACKOP_unregister) { // never the failsafe callback the fuzzer needs
            uint64_t type = one_in(6) ? rnd() & 0xffff
                                      : pick({0ull, 2ull, 3ull, 4ull, 5ull, 6ull, 7ull, 99ull});
            if (type == CALLBACKTYPE_failsafe)
                type = CALLBACKTYPE_nmi;
            auto *un = static_cast<uint64_t *>(safe_slot(8));
            *un = type;
            c.a[1] = reinterpret_cast<uint64_t>(un);
        }
        break;
    case HYPERVISOR_nmi_op:
        c.a[0] = one_in(4) ? 2 + below(100) : XENNMI_unregister_callback;
        break;
    case HYPERVISOR_event_channel_op:
    case HYPERVISOR_grant_table_op:
    case HYPERVISOR_xen_version:
    case HYPERVISOR_physdev_op:
    case HYPERVISOR_hvm_op:
    case HYPERVISOR_xenoprof_op:
    case HYPERVISOR_xenpmu_op:
    case HYPERVISOR_xsm_op:
        c.a[0] = one_in(6) ? rnd() : below(16);
        c.a[1] = ptr();
        c.a[2] = one_in(2) ? 1 : size();
        break;
    case HYPERVISOR_memory_op:
        c.a[0] = one_in(6) ? rnd() : below(30) | (one_in(8) ? below(1024) << 6 : 0);
        c.a[1] = ptr();
        break;
    case HYPERVISOR_vm_assist:
        c.a[0] = below(3);
        c.a[1] = one_in(4) ? rnd() : pick({0ull, 1ull, 2ull, 3ull, 4ull, 5ull, 32ull, 63ull});
        break;
    case HYPERVISOR_set_segment_base:
        c.a[0] = one_in(4) ? rnd() : below(5);
        c.a[1] = one_in(2) ? bad_addr() : any();
        break;
    case HYPERVISOR_fpu_taskswitch:
        c.a[0] = below(3);
        break;
    }
}

// ---------------------------------------------------------------------------------------
// Making the call: fz_in's registers loaded (rflags through popf), the call, every
// register stored into fz_out (fuzz_call_page / fuzz_call_syscall below).

enum {
    FZ_RAX, FZ_RBX, FZ_RCX, FZ_RDX, FZ_RSI, FZ_RDI, FZ_RBP, FZ_R8, FZ_R9,
    FZ_R10, FZ_R11, FZ_R12, FZ_R13, FZ_R14, FZ_R15, FZ_RFLAGS, FZ_RSP, FZ_NREGS
};
const char *const kRegNames[FZ_NREGS] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
                                         "rbp", "r8",  "r9",  "r10", "r11", "r12",
                                         "r13", "r14", "r15", "rflags", "rsp"};
// Kept by every call; rcx and r11 also through the page.
constexpr unsigned kKept = 1u << FZ_RBX | 1u << FZ_RBP | 1u << FZ_R9 | 1u << FZ_R12 |
                           1u << FZ_R13 | 1u << FZ_R14 | 1u << FZ_R15 | 1u << FZ_RSP;
constexpr uint64_t kFlags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x400 | 0x800; // CF..OF, DF
constexpr uint64_t kFlagPattern[2] = {0x1 | 0x40 | 0x400 | 0x800, 0x4 | 0x10 | 0x80};

} // namespace

extern "C" {
uint64_t fz_in[FZ_NREGS], fz_out[FZ_NREGS], fz_target, fz_saved_rsp;
void fuzz_call_page();
void fuzz_call_syscall();
}

namespace {

long checked_hypercall(const call &c) {
    bool page = (calls_done & 1) && c.nr < 128;
    for (unsigned r = 0; r < FZ_NREGS; r++)
        fz_in[r] = 0xc0de000000000000ull ^ (calls_done << 8) ^ (uint64_t(r) << 56 | r);
    fz_in[FZ_RAX] = c.nr;
    fz_in[FZ_RDI] = c.a[0];
    fz_in[FZ_RSI] = c.a[1];
    fz_in[FZ_RDX] = c.a[2];
    fz_in[FZ_R10] = c.a[3];
    fz_in[FZ_R8] = c.a[4];
    fz_in[FZ_RFLAGS] = kFlagPattern[(calls_done >> 1) & 1] | 2;
    if (page) {
        fz_target = reinterpret_cast<uint64_t>(hypercall_page) + c.nr * 32;
        fuzz_call_page();
    } else {
        fuzz_call_syscall();
    }
    unsigned kept = kKept | (page ? 1u << FZ_RCX | 1u << FZ_R11 : 0);
    for (unsigned r = 0; r < FZ_NREGS; r++) {
        uint64_t mask = r == FZ_RFLAGS ? kFlags : ~0ull;
        if (((kept & (1u << r)) || r == FZ_RFLAGS) && ((fz_in[r] ^ fz_out[r]) & mask))
            xt::report_failure("call #%lu (%s): nr %#lx args %#lx %#lx %#lx %#lx %#lx changed "
                               "%s: %#lx -> %#lx",
                               calls_done, page ? "page" : "syscall", c.nr, c.a[0], c.a[1],
                               c.a[2], c.a[3], c.a[4], kRegNames[r], fz_in[r], fz_out[r]);
    }
    return long(fz_out[FZ_RAX]);
}

// ---------------------------------------------------------------------------------------
// Exceptions the fuzzer itself may cause, and the rest.

bool on_debug(xt::trap_frame *f) {
    debug_traps++;
    xt::hypercall(HYPERVISOR_set_debugreg, 7, 0);
    xt::hypercall(HYPERVISOR_set_debugreg, 6, 0xffff0ff0);
    f->rflags &= ~(1ull << 9 | 1ull << 8); // keep events masked, no single step
    return true;
}

bool on_nmi(xt::trap_frame *f) {
    nmis++;
    f->rflags &= ~(1ull << 9);
    return true;
}

bool on_other(xt::trap_frame *f) {
    xt::printf("fuzz: exception %lu after call #%lu: nr %#lx args %#lx %#lx %#lx %#lx %#lx\n",
               f->vector, calls_done, last.nr, last.a[0], last.a[1], last.a[2], last.a[3],
               last.a[4]);
    return false; // the runtime reports ERROR
}

extern "C" void fuzz_failsafe_count() {
    failsafes++;
}

} // namespace

// Failsafe callback: rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss on the stack.
// Drop the segment selectors and return to the interrupted code through HYPERVISOR_iret
// (frame: rax, r11, rcx, flags, rip, cs, rflags, rsp, ss), events still masked.
asm(R"(
    .text
    .globl fuzz_failsafe_entry
fuzz_failsafe_entry:
    mov 0(%rsp), %rcx
    mov 8(%rsp), %r11
    add $48, %rsp
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    cld                                 # the interrupted code's DF is in its frame
    call fuzz_failsafe_count
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    andq $~0x200, 16(%rsp)
    sub $32, %rsp
    mov %rax, 0(%rsp)
    mov %r11, 8(%rsp)
    mov %rcx, 16(%rsp)
    movq $0, 24(%rsp)
    mov $23, %eax
    syscall
    ud2
)");

// fuzz_call_page / fuzz_call_syscall: save the callee-saved registers, load fz_in
// (fz_in[FZ_RSP] gets the rsp of the call), call the page stub at fz_target or SYSCALL,
// store every register into fz_out, restore and return (with DF clear).
asm(R"(
    .macro FZ_LOAD
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, fz_saved_rsp(%rip)
    mov %rsp, fz_in+128(%rip)
    pushq fz_in+120(%rip)
    popfq
    mov fz_in+0(%rip), %rax
    mov fz_in+8(%rip), %rbx
    mov fz_in+16(%rip), %rcx
    mov fz_in+24(%rip), %rdx
    mov fz_in+32(%rip), %rsi
    mov fz_in+40(%rip), %rdi
    mov fz_in+48(%rip), %rbp
    mov fz_in+56(%rip), %r8
    mov fz_in+64(%rip), %r9
    mov fz_in+72(%rip), %r10
    mov fz_in+80(%rip), %r11
    mov fz_in+88(%rip), %r12
    mov fz_in+96(%rip), %r13
    mov fz_in+104(%rip), %r14
    mov fz_in+112(%rip), %r15
    .endm

    .macro FZ_STORE
    mov %rax, fz_out+0(%rip)
    mov %rbx, fz_out+8(%rip)
    mov %rcx, fz_out+16(%rip)
    mov %rdx, fz_out+24(%rip)
    mov %rsi, fz_out+32(%rip)
    mov %rdi, fz_out+40(%rip)
    mov %rbp, fz_out+48(%rip)
    mov %r8, fz_out+56(%rip)
    mov %r9, fz_out+64(%rip)
    mov %r10, fz_out+72(%rip)
    mov %r11, fz_out+80(%rip)
    mov %r12, fz_out+88(%rip)
    mov %r13, fz_out+96(%rip)
    mov %r14, fz_out+104(%rip)
    mov %r15, fz_out+112(%rip)
    pushfq
    popq fz_out+120(%rip)
    mov %rsp, fz_out+128(%rip)
    cld
    mov fz_saved_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .endm

    .text
    .globl fuzz_call_page, fuzz_call_syscall
fuzz_call_page:
    FZ_LOAD
    call *fz_target(%rip)
    FZ_STORE

fuzz_call_syscall:
    FZ_LOAD
    syscall
    FZ_STORE
)");

namespace {

void setup() {
    priv = (xt::start_info->flags & SIF_PRIVILEGED) != 0;
    self_id = uint16_t(hostile::arg_value("self", 0));
    for (unsigned i = 0; i < NPOOL; i++)
        pool_mfn[i] = xt::mfn_of(pool[i]);
    for (unsigned i = 0; i < NSANDBOX; i++) {
        sandbox_mfn[i] = xt::mfn_of(sandbox[i]);
        sandbox_l1e[i] = hostile::l1e_maddr(sandbox[i]);
    }
    hostile::walk_result w = hostile::walk(reinterpret_cast<uint64_t>(sandbox[0]));
    for (int l = 1; l <= 4; l++)
        pt_mfn[l] = w.table_mfn[l];
    const uint64_t *l4 = hostile::l4_table();
    for (int s = 256; s < 272; s++) {
        if ((l4[s] & xt::PTE_P) && hostile::mfn_of_pte(l4[s]) != pt_mfn[4] && n_xen_frames < 16)
            xen_frames[n_xen_frames++] = hostile::mfn_of_pte(l4[s]);
        free_entries[n_free_entries++] = (pt_mfn[4] << 12) + s * 8; // refused
    }
    // Empty entries of the tables on the sandbox's path (a few of each).
    for (int l = 2; l <= 4; l++) {
        const uint64_t *t = hostile::ptr_of_mfn<const uint64_t>(pt_mfn[l]);
        unsigned taken = 0;
        for (unsigned i = 1; t && i < 512 && taken < 14; i += 37) {
            if (l == 4 && i >= 256 && i < 272)
                continue;
            if (!(t[i] & xt::PTE_P) && n_free_entries < 64) {
                free_entries[n_free_entries++] = (pt_mfn[l] << 12) + i * 8;
                taken++;
            }
        }
    }
    long max = xt::memory_op(XENMEM_maximum_ram_page, nullptr);
    max_ram = max > 0 ? uint64_t(max) : 0x20000;
    if (hostile::unmap(pool[NPOOL]) || hostile::unmap(lists[1]))
        xt::report_error("cannot unmap the guard pages");
    callback_register fs{CALLBACKTYPE_failsafe, CALLBACKF_mask_events,
                         reinterpret_cast<uint64_t>(fuzz_failsafe_entry)};
    if (long rc = xt::callback_op(CALLBACKOP_register, &fs))
        xt::report_error("registering the failsafe callback: %ld", rc);
    xt::set_trap_hook(xt::VEC_DB, on_debug);
    xt::set_trap_hook(xt::VEC_NMI, on_nmi);
    for (unsigned v = 0; v < 22; v++)
        if (v != xt::VEC_DB && v != xt::VEC_NMI)
            xt::set_trap_hook(v, on_other);
}

} // namespace

void test_main() {
    uint64_t seed = hostile::arg_value("seed", 1);
    uint64_t count = hostile::arg_value("count", 1000000);
    uint64_t progress = hostile::arg_value("progress", 1000000);
    uint64_t trace = hostile::arg_value("trace", ~0ull);
    if (!progress)
        progress = ~0ull;
    rng_state = seed;
    setup();
    xt::printf("fuzz: seed %lu, %lu calls, %s, self d%u, %u hypervisor frames, %u free "
               "table entries\n",
               seed, count, priv ? "privileged" : "unprivileged", self_id, n_xen_frames,
               n_free_entries);
    uint64_t t0 = xt::system_time_ns(), t_last = t0;
    for (calls_done = 0; calls_done < count; calls_done++) {
        gen(last, false);
        if (calls_done >= trace) {
            xt::printf("fuzz: #%lu: %lu (%#lx, %#lx, %#lx, %#lx, %#lx)\n", calls_done, last.nr,
                       last.a[0], last.a[1], last.a[2], last.a[3], last.a[4]);
            if (in_pool(last.a[0]) || in_pool(last.a[1]))
                for (unsigned i = 0; i < 6; i++) {
                    uint64_t p = (in_pool(last.a[0]) ? last.a[0] : last.a[1]) + 8 * i;
                    if (in_pool(p))
                        xt::printf("fuzz:   +%u: %#lx\n", 8 * i, *reinterpret_cast<uint64_t *>(p));
                }
        }
        long rc = checked_hypercall(last);
        if (rc >= 0 && last.nr < 64)
            ok_count[last.nr]++;
        if ((calls_done + 1) % progress == 0) {
            uint64_t now = xt::system_time_ns();
            uint64_t ms = (now - t0) / 1000000, dms = (now - t_last) / 1000000;
            t_last = now;
            xt::printf("fuzz: %lu calls, %lu.%03lu s, %lu calls/s\n", calls_done + 1, ms / 1000,
                       ms % 1000, dms ? progress * 1000 / dms : 0);
        }
    }
    uint64_t ms = (xt::system_time_ns() - t0) / 1000000;
    xt::printf("fuzz: done: %lu calls in %lu.%03lu s (%lu calls/s); failsafe %lu, #DB %lu, "
               "NMI %lu\n",
               count, ms / 1000, ms % 1000, ms ? count * 1000 / ms : 0, failsafes, debug_traps,
               nmis);
    // Successful calls per hypercall number, a few per line (a domU's console lines are
    // cut at 200 characters).
    unsigned on_line = 0;
    for (unsigned i = 0; i < 64; i++) {
        if (!ok_count[i])
            continue;
        if (on_line == 0)
            xt::printf("fuzz: rc >= 0:");
        xt::printf(" %u:%lu", i, ok_count[i]);
        if (++on_line == 8) {
            xt::printf("\n");
            on_line = 0;
        }
    }
    if (on_line)
        xt::printf("\n");
    char note[48];
    xt::snprintf(note, sizeof note, "%lu calls", count);
    hostile::pass(note);
}
