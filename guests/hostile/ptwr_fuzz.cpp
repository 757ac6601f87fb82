// Writable page tables under fire: thousands of random memory-writing instructions (every
// accepted form and some refused ones, random prefixes, REX bits, ModRM/SIB/displacement
// and RIP-relative addressing, random immediates and register values, misaligned
// targets) aimed at a pinned L1 table that is linked nowhere, and at the live entry of a
// scratch page. Each either faults (bounced to us) or completes with rip exactly after
// it. Afterwards: no entry of the sandbox maps one of our page tables writable, the rest
// of our tables are as before, and every frame an emulated write mapped can still be
// pinned once the sandbox is cleared (no reference left behind). Before the assist is
// enabled a domU's write is bounced, the initial domain's emulated (as Xen 4.17 does).
// hostile: role=domU
#include "hostile.h"

namespace {

alignas(4096) uint8_t sandbox[4096]; // becomes the L1 table
alignas(4096) uint8_t live[4096];    // its entry in our real L1 is a target too
alignas(4096) uint8_t victims[4][4096];
alignas(4096) uint8_t code[4096];

uint64_t copy[5][512];
uint64_t rng_state = 0x9e3779b97f4a7c15ull;
uint64_t rnd() {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
uint64_t rnd(uint64_t n) {
    return rnd() % n;
}

} // namespace

// The trampoline: loads every register but rsp from fuzz_in, calls the generated code,
// stores every register into fuzz_out.
extern "C" {
uint64_t fuzz_in[16], fuzz_out[16];
uint64_t fuzz_code_ptr;
void fuzz_run();
}
asm(R"(
    .text
    .globl fuzz_run
fuzz_run:
    push %rbp; push %rbx; push %r12; push %r13; push %r14; push %r15
    lea fuzz_in(%rip), %rax
    mov 8(%rax), %rcx;  mov 16(%rax), %rdx; mov 24(%rax), %rbx; mov 40(%rax), %rbp
    mov 48(%rax), %rsi; mov 56(%rax), %rdi; mov 64(%rax), %r8;  mov 72(%rax), %r9
    mov 80(%rax), %r10; mov 88(%rax), %r11; mov 96(%rax), %r12; mov 104(%rax), %r13
    mov 112(%rax), %r14; mov 120(%rax), %r15; mov (%rax), %rax
    call *fuzz_code_ptr(%rip)
    mov %rax, fuzz_out(%rip)
    lea fuzz_out(%rip), %rax
    mov %rcx, 8(%rax);  mov %rdx, 16(%rax); mov %rbx, 24(%rax); mov %rbp, 40(%rax)
    mov %rsi, 48(%rax); mov %rdi, 56(%rax); mov %r8, 64(%rax);  mov %r9, 72(%rax)
    mov %r10, 80(%rax); mov %r11, 88(%rax); mov %r12, 96(%rax); mov %r13, 104(%rax)
    mov %r14, 112(%rax); mov %r15, 120(%rax)
    pop %r15; pop %r14; pop %r13; pop %r12; pop %rbx; pop %rbp
    ret
)");

namespace {

constexpr uint32_t kMagic = 0x5afe7a11;
constexpr unsigned kRsp = 4;

struct Opcode {
    uint8_t esc; // 0 or 0x0f
    uint8_t opc;
    int8_t group; // forced ModRM.reg, or -1
    uint8_t imm;  // immediate bytes: 0, 1, or 4 (2 with 66)
    bool bt_reg;  // the register is a bit offset
    bool writes_reg;
};

// Accepted forms, and a few memory writers xenon refuses (add, sub, inc, not, xadd, shl).
const Opcode kOpcodes[] = {
    {0, 0x88, -1, 0, false, false},   {0, 0x89, -1, 0, false, false},
    {0, 0xc6, 0, 1, false, false},    {0, 0xc7, 0, 4, false, false},
    {0, 0x86, -1, 0, false, true},    {0, 0x87, -1, 0, false, true},
    {0, 0x08, -1, 0, false, false},   {0, 0x09, -1, 0, false, false},
    {0, 0x20, -1, 0, false, false},   {0, 0x21, -1, 0, false, false},
    {0, 0x30, -1, 0, false, false},   {0, 0x31, -1, 0, false, false},
    {0, 0x80, 1, 1, false, false},    {0, 0x81, 4, 4, false, false},
    {0, 0x83, 6, 1, false, false},    {0, 0x83, 1, 1, false, false},
    {0x0f, 0xb0, -1, 0, false, true}, {0x0f, 0xb1, -1, 0, false, true},
    {0x0f, 0xc7, 1, 0, false, true},  {0x0f, 0xab, -1, 0, true, false},
    {0x0f, 0xb3, -1, 0, true, false}, {0x0f, 0xbb, -1, 0, true, false},
    {0x0f, 0xba, 5, 1, false, false}, {0x0f, 0xba, 6, 1, false, false},
    {0x0f, 0xba, 7, 1, false, false}, {0, 0x01, -1, 0, false, false},
    {0, 0x29, -1, 0, false, false},   {0, 0xff, 0, 0, false, false},
    {0, 0xf7, 2, 0, false, false},    {0x0f, 0xc1, -1, 0, false, true},
    {0, 0xd1, 4, 0, false, false},
};
const uint8_t kPrefixes[] = {0x66, 0x66, 0xf0, 0xf0, 0xf0, 0x2e, 0x3e, 0x26, 0x36, 0x67, 0xf3};

uint64_t own_tables[8];
unsigned n_tables;
bool is_table(uint64_t mfn) {
    for (unsigned i = 0; i < n_tables; i++)
        if (own_tables[i] == mfn)
            return true;
    return false;
}

uint64_t interesting_value(uint64_t current) {
    uint64_t flags = rnd(4) ? xt::PTE_P | xt::PTE_A | (rnd(2) ? xt::PTE_RW : 0) : rnd();
    switch (rnd(8)) {
    case 0:
        return 0;
    case 1:
        return rnd();
    case 2:
        return current;
    case 3:
        return (own_tables[rnd(n_tables)] << 12) | flags;
    case 4:
        return (xt::mfn_of(sandbox) << 12) | flags;
    case 5:
        return (hostile::mfn_of_pte(hostile::l4_table()[256 + rnd(16)]) << 12) | flags;
    default:
        return (xt::mfn_of(victims[rnd(4)]) << 12) | flags;
    }
}

// Builds one instruction aimed at `target` into code[] (followed by `mov $kMagic, %eax;
// ret`) and the registers for it into fuzz_in. Returns the instruction's length, or 0 if
// this draw cannot be aimed (draw again).
unsigned generate(uint64_t target, bool small_bit_offsets) {
    const Opcode& op = kOpcodes[rnd(sizeof kOpcodes / sizeof kOpcodes[0])];
    uint8_t b[32];
    unsigned n = 0;
    bool opsize = false;
    // Not `lock mov`, `lock shl` nor cmpxchg16b: CPUs raise #UD/#GP for those before any access,
    // but QEMU's TCG lets the #PF come first and Xen 4.17's emulator then hands the #UD/#GP to no
    // one and resumes the instruction, over and over (xenon bounces the #PF).
    bool lockable =
        op.opc != 0x88 && op.opc != 0x89 && op.opc != 0xc6 && op.opc != 0xc7 && op.opc != 0xd1;
    for (unsigned i = rnd(4); i > 0; i--) {
        uint8_t p = kPrefixes[rnd(sizeof kPrefixes)];
        if (p == 0xf0 && !lockable)
            continue;
        opsize |= p == 0x66;
        b[n++] = p;
    }
    uint8_t rex = rnd(2) ? uint8_t(0x40 | rnd(16)) : 0;
    if (op.esc && op.opc == 0xc7)
        rex &= ~8;
    for (uint64_t i = 0; i < 16; i++)
        fuzz_in[i] = interesting_value(rnd());
    unsigned mod, reg, rm;
    for (;;) {
        mod = unsigned(rnd(3));
        reg = op.group >= 0 ? unsigned(op.group) : unsigned(rnd(8));
        rm = unsigned(rnd(8));
        // Never rsp as a register operand (it could be rewritten) nor as a base.
        unsigned full_reg = reg | (rex & 4 ? 8 : 0);
        if (op.group < 0 && full_reg == kRsp)
            continue;
        if (rm == 4 && !(rex & 1) && rnd(2) == 0)
            continue; // re-roll: the SIB base below avoids rsp anyway
        break;
    }
    if (rex)
        b[n++] = rex;
    if (op.esc)
        b[n++] = op.esc;
    b[n++] = op.opc;
    b[n++] = uint8_t(mod << 6 | reg << 3 | rm);
    int base = -1, index = -1;
    unsigned scale = 1;
    bool rip_rel = false;
    if (rm == 4) {
        unsigned s = unsigned(rnd(4)), i = unsigned(rnd(8)), bs = unsigned(rnd(8));
        if (bs == 4 && !(rex & 1))
            bs = 6; // not rsp
        b[n++] = uint8_t(s << 6 | i << 3 | bs);
        scale = 1u << s;
        if (!(bs == 5 && mod == 0))
            base = int(bs | (rex & 1 ? 8 : 0));
        // An index other than the base, so the address can be solved exactly.
        while ((i | (rex & 2 ? 8 : 0)) == unsigned(base))
            i = (i + 1) & 7;
        b[n - 1] = uint8_t(s << 6 | i << 3 | bs);
        unsigned full_i = i | (rex & 2 ? 8 : 0);
        if (full_i != kRsp)
            index = int(full_i);
    } else if (rm == 5 && mod == 0) {
        rip_rel = true;
    } else {
        base = int(rm | (rex & 1 ? 8 : 0));
    }
    unsigned disp_len = mod == 1 ? 1 : (mod == 2 || rip_rel || (rm == 4 && base < 0)) ? 4 : 0;
    unsigned disp_at = n;
    n += disp_len;
    unsigned imm_len = op.imm == 4 && opsize && !(rex & 8) ? 2 : op.imm;
    for (unsigned i = 0; i < imm_len; i++)
        b[n++] = uint8_t(rnd());
    // bts/btr/btc $imm8: a bit inside the operand. Beyond it Xen 4.17's emulator moves the
    // address as for a register offset, where CPUs (and xenon) take the bit modulo the size.
    if (op.esc && op.opc == 0xba)
        b[n - 1] &= (rex & 8) ? 63 : opsize ? 15 : 31;
    unsigned len = n;

    // Registers and displacement that make the address `target`.
    int64_t disp = disp_len == 0 ? 0 : disp_len == 1 ? int8_t(rnd()) : int32_t(rnd(4096)) - 2048;
    if (index >= 0)
        fuzz_in[index] = rnd(64);
    uint64_t idx_part = index >= 0 ? fuzz_in[index] * scale : 0;
    if (rip_rel) {
        disp = int64_t(target - (reinterpret_cast<uint64_t>(code) + len));
    } else if (base < 0) {
        disp = int64_t(target - idx_part); // sign-extended disp32 reaches the image
    } else {
        fuzz_in[base] = target - uint64_t(disp) - idx_part;
    }
    for (unsigned i = 0; i < disp_len; i++)
        b[disp_at + i] = uint8_t(uint64_t(disp) >> (8 * i));
    // cmpxchg: often the entry as it is in rax, so the compare succeeds.
    if (op.writes_reg && base != 0 && index != 0 && rnd(2))
        fuzz_in[0] = *reinterpret_cast<volatile uint64_t*>(target & ~7ull);
    if (op.bt_reg) {
        // A bit offset that keeps the write in the target's page (entry): never the
        // address registers, whose values would move it anywhere.
        unsigned full_reg = reg | (rex & 4 ? 8 : 0);
        if (int(full_reg) == base || int(full_reg) == index)
            return 0;
        fuzz_in[full_reg] = small_bit_offsets ? rnd(4096) - 2048 : rnd(64);
    }
    b[n++] = 0xb8; // mov $kMagic, %eax
    for (unsigned i = 0; i < 4; i++)
        b[n++] = uint8_t(kMagic >> (8 * i));
    b[n++] = 0xc3;
    for (unsigned i = 0; i < n; i++)
        reinterpret_cast<volatile uint8_t*>(code)[i] = b[i];
    return len;
}

// No entry of the sandbox maps one of our page tables writable.
void check_sandbox() {
    const volatile uint64_t* t = reinterpret_cast<const volatile uint64_t*>(sandbox);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = t[i];
        if ((e & (xt::PTE_P | xt::PTE_RW)) == (xt::PTE_P | xt::PTE_RW) &&
            (is_table(hostile::mfn_of_pte(e)) || hostile::mfn_of_pte(e) == xt::mfn_of(sandbox)))
            xt::report_failure("sandbox entry %u = %#lx maps a page table writable", i, e);
    }
}

uint64_t table_sum(uint64_t mfn, unsigned skip) {
    const uint64_t* t = hostile::ptr_of_mfn<const uint64_t>(mfn);
    uint64_t sum = 0;
    for (unsigned i = 0; i < 512; i++)
        if (i != skip)
            sum = sum * 31 + (t[i] & ~(xt::PTE_A | xt::PTE_D)); // the CPU sets those
    return sum;
}

} // namespace

void test_main() {
    uint64_t iters = hostile::arg_value("iters", 20000);
    hostile::walk_result w = hostile::walk(reinterpret_cast<uint64_t>(live));
    XT_CHECK_EQ(w.leaf, 1);
    for (int l = 1; l <= 4; l++)
        own_tables[n_tables++] = w.table_mfn[l];
    const uint64_t live_orig = w.entry[1];
    const unsigned live_index = unsigned(w.entry_maddr[1] & 0xfff) / 8;
    volatile uint64_t* live_entry =
        reinterpret_cast<volatile uint64_t*>(hostile::va_of_mfn(w.table_mfn[1]) + live_index * 8);

    // The sandbox: read-only, pinned as an L1 table that no table points at.
    uint64_t sb_mfn = xt::mfn_of(sandbox);
    uint64_t sb_pte = hostile::pte_of(sandbox);
    XT_CHECK_RC(xt::update_va_mapping(uint64_t(sandbox), sb_pte & ~xt::PTE_RW, xen::UVMF_INVLPG),
                0);
    XT_CHECK_RC(hostile::mmuext1(xen::MMUEXT_PIN_L1_TABLE, sb_mfn), 0);
    volatile uint64_t* sb = reinterpret_cast<volatile uint64_t*>(sandbox);
    uint64_t sums[5];
    for (int l = 1; l <= 4; l++) {
        sums[l] = table_sum(w.table_mfn[l], l == 1 ? live_index : 512);
        memcpy(copy[l], hostile::ptr_of_mfn<const uint64_t>(w.table_mfn[l]), 4096);
    }
    uint64_t valid = hostile::pte(xt::mfn_of(victims[0]), xt::PTE_RW);

    // Without the assist: a domU is bounced, the initial domain emulated.
    bool dom0 = xt::start_info->flags & xen::SIF_INITDOMAIN;
    bool faulted = xt::try_fault([] {
        *reinterpret_cast<volatile uint64_t*>(sandbox + 8) =
            hostile::pte(xt::mfn_of(victims[0]), xt::PTE_RW);
    });
    XT_CHECK_EQ(faulted, !dom0);
    XT_CHECK_EQ(sb[1] & hostile::MFN_MASK, dom0 ? valid & hostile::MFN_MASK : 0);
    XT_CHECK_RC(xt::vm_assist(xen::VMASST_CMD_enable, xen::VMASST_TYPE_writable_pagetables), 0);
    sb[2] = valid; // a plain store: emulated now
    XT_CHECK_EQ(sb[2] & hostile::MFN_MASK, valid & hostile::MFN_MASK);

    fuzz_code_ptr = reinterpret_cast<uint64_t>(code);
    unsigned faults = 0, completed = 0;
    for (uint64_t i = 0; i < iters; i++) {
        bool at_live = rnd(8) == 0;
        uint64_t target = at_live ? uint64_t(live_entry) : uint64_t(sandbox) + 512 + rnd(3072);
        if (rnd(4))
            target &= ~7ull;
        while (!generate(target, !at_live)) {
        }
        if (i >= hostile::arg_value("trace", ~0ull)) {
            for (unsigned k = 0; k < 16; k++)
                xt::printf("%02x ", code[k]);
            xt::printf(" <- %lu\n", i);
        } else if (i % 1000 == 0 && hostile::has_arg("progress"))
            xt::printf("%lu\n", i);
        if (xt::try_fault(fuzz_run)) {
            faults++;
            if (xt::last_fault.vector != xt::VEC_PF && xt::last_fault.vector != xt::VEC_GP &&
                xt::last_fault.vector != xt::VEC_UD && xt::last_fault.vector != xt::VEC_SS)
                xt::report_failure("iteration %lu: %s at %#lx", i,
                                   xt::vector_name(xt::last_fault.vector), xt::last_fault.rip);
        } else {
            completed++;
            if (uint32_t(fuzz_out[0]) != kMagic)
                xt::report_failure("iteration %lu: rip was not left after the instruction", i);
        }
        if (at_live) {
            XT_CHECK_RC(hostile::mmu_update1(w.entry_maddr[1], live_orig), 0);
            XT_CHECK_EQ(*live_entry, live_orig);
        }
        if (table_sum(w.table_mfn[1], live_index) != sums[1]) {
            for (unsigned k = 0; k < 20; k++)
                xt::printf("%02x ", code[k]);
            xt::printf("\nlive %d target %#lx faulted %d\n", at_live, target,
                       xt::last_fault.faulted);
            for (unsigned k = 0; k < 16; k++)
                xt::printf("r%u=%#lx ", k, fuzz_in[k]);
            xt::report_failure("iteration %lu changed L1", i);
        }
        if (i % 64 == 0)
            check_sandbox();
    }
    check_sandbox();
    for (int l = 1; l <= 4; l++)
        if (table_sum(w.table_mfn[l], l == 1 ? live_index : 512) != sums[l]) {
            const uint64_t* t = hostile::ptr_of_mfn<const uint64_t>(w.table_mfn[l]);
            for (unsigned i = 0; i < 512; i++)
                if ((t[i] & ~(xt::PTE_A | xt::PTE_D)) != (copy[l][i] & ~(xt::PTE_A | xt::PTE_D)) &&
                    !(l == 1 && i == live_index))
                    xt::printf(
                        "level %d entry %u: %#lx was %#lx (live %u sandbox %#lx code %#lx)\n", l, i,
                        t[i], copy[l][i], live_index, (uint64_t)sandbox, (uint64_t)code);
            xt::report_failure("level %d changed", l);
        }

    // Cleared, the sandbox unpins and is ours to write again; every victim frame pins.
    for (unsigned i = 0; i < 512; i++)
        XT_CHECK_RC(hostile::mmu_update1((sb_mfn << 12) + i * 8, 0), 0);
    XT_CHECK_RC(hostile::mmuext1(xen::MMUEXT_UNPIN_TABLE, sb_mfn), 0);
    XT_CHECK_RC(xt::update_va_mapping(uint64_t(sandbox), sb_pte, xen::UVMF_INVLPG), 0);
    sandbox[0] = 1;
    for (auto& v : victims) {
        uint64_t pte = hostile::pte_of(v);
        XT_CHECK_RC(xt::update_va_mapping(uint64_t(v), pte & ~xt::PTE_RW, xen::UVMF_INVLPG), 0);
        XT_CHECK_RC(hostile::mmuext1(xen::MMUEXT_PIN_L1_TABLE, xt::mfn_of(v)), 0);
        XT_CHECK_RC(hostile::mmuext1(xen::MMUEXT_UNPIN_TABLE, xt::mfn_of(v)), 0);
        XT_CHECK_RC(xt::update_va_mapping(uint64_t(v), pte, xen::UVMF_INVLPG), 0);
    }
    live[0] = 1;
    char note[64];
    xt::snprintf(note, sizeof note, "%u faulted, %u completed", faults, completed);
    hostile::pass(note);
}
