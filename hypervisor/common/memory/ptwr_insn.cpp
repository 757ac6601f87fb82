// Decoding and carrying out the page-table-writing instructions of ptwr_insn.h.
#include "common/memory/ptwr_insn.h"

namespace memory::ptwr {
namespace {

constexpr uint64_t kCf = 1u << 0, kPf = 1u << 2, kAf = 1u << 4, kZf = 1u << 6, kSf = 1u << 7,
                   kOf = 1u << 11, kRf = 1u << 16;
constexpr uint64_t kArithFlags = kCf | kPf | kAf | kZf | kSf | kOf;

uint64_t mask_of(unsigned size) {
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}
uint64_t sign_bit(unsigned size) {
    return 1ull << (size * 8 - 1);
}
int64_t sign_extend(uint64_t v, unsigned size) {
    unsigned shift = 64 - size * 8;
    return static_cast<int64_t>(v << shift) >> shift;
}

// Reads bytes in order; `ok` turns false when they run out.
struct Cursor {
    const uint8_t* p;
    size_t len, pos = 0;
    bool ok = true;
    uint64_t take(unsigned n) {
        if (pos + n > len) {
            ok = false;
            return 0;
        }
        uint64_t v = 0;
        for (unsigned i = 0; i < n; i++)
            v |= uint64_t(p[pos + i]) << (8 * i);
        pos += n;
        return v;
    }
};

// How each accepted opcode is shaped.
struct Form {
    Op op;
    bool byte_op;  // operand size 1
    bool imm;      // source: an immediate (else ModRM.reg)
    bool lockable; // lock allowed
};

// The one-byte opcodes, and the two-byte ones (0F xx), with their ModRM.reg group choice
// applied by the caller. False if not accepted.
bool one_byte_form(uint8_t opc, unsigned group, Form* f) {
    switch (opc) {
    case 0x88:
        *f = {Op::mov, true, false, false};
        return true;
    case 0x89:
        *f = {Op::mov, false, false, false};
        return true;
    case 0xc6:
        *f = {Op::mov, true, true, false};
        return group == 0;
    case 0xc7:
        *f = {Op::mov, false, true, false};
        return group == 0;
    case 0x86:
        *f = {Op::xchg, true, false, true};
        return true;
    case 0x87:
        *f = {Op::xchg, false, false, true};
        return true;
    case 0x08:
        *f = {Op::or_, true, false, true};
        return true;
    case 0x09:
        *f = {Op::or_, false, false, true};
        return true;
    case 0x20:
        *f = {Op::and_, true, false, true};
        return true;
    case 0x21:
        *f = {Op::and_, false, false, true};
        return true;
    case 0x30:
        *f = {Op::xor_, true, false, true};
        return true;
    case 0x31:
        *f = {Op::xor_, false, false, true};
        return true;
    case 0x80:
    case 0x81:
    case 0x83:
        // /1 or, /4 and, /6 xor; add, adc, sbb, sub and cmp are not accepted.
        if (group != 1 && group != 4 && group != 6)
            return false;
        *f = {group == 1 ? Op::or_ : group == 4 ? Op::and_ : Op::xor_, opc == 0x80, true, true};
        return true;
    default:
        return false;
    }
}

bool two_byte_form(uint8_t opc, unsigned group, bool rex_w, Form* f) {
    switch (opc) {
    case 0xb0:
        *f = {Op::cmpxchg, true, false, true};
        return true;
    case 0xb1:
        *f = {Op::cmpxchg, false, false, true};
        return true;
    case 0xc7:
        *f = {Op::cmpxchg8b, false, false, true};
        return group == 1 && !rex_w;
    case 0xab:
        *f = {Op::bts, false, false, true};
        return true;
    case 0xb3:
        *f = {Op::btr, false, false, true};
        return true;
    case 0xbb:
        *f = {Op::btc, false, false, true};
        return true;
    case 0xba: {
        Op ops[3] = {Op::bts, Op::btr, Op::btc};
        if (group < 5)
            return false; // bt only reads; 0..3 are undefined
        *f = {ops[group - 5], false, true, true};
        return true;
    }
    default:
        return false;
    }
}

// Whether some ModRM.reg makes an accepted form of this opcode.
bool opcode_known(uint8_t opc, bool two_byte) {
    Form f;
    for (unsigned group = 0; group < 8; group++)
        if (two_byte ? two_byte_form(opc, group, false, &f) : one_byte_form(opc, group, &f))
            return true;
    return false;
}

uint64_t parity_flag(uint64_t result) {
    return __builtin_parity(static_cast<unsigned>(result & 0xff)) ? 0 : kPf;
}

// Flags of a logical operation's result: CF, OF and AF clear.
uint64_t logic_flags(uint64_t result, unsigned size) {
    result &= mask_of(size);
    return parity_flag(result) | (result ? 0 : kZf) | (result & sign_bit(size) ? kSf : 0);
}

// Flags of a - b (cmp).
uint64_t sub_flags(uint64_t a, uint64_t b, unsigned size) {
    uint64_t m = mask_of(size);
    a &= m;
    b &= m;
    uint64_t r = (a - b) & m;
    uint64_t fl = parity_flag(r) | (r ? 0 : kZf) | (r & sign_bit(size) ? kSf : 0);
    if (a < b)
        fl |= kCf;
    if ((a ^ b ^ r) & 0x10)
        fl |= kAf;
    if ((a ^ b) & (a ^ r) & sign_bit(size))
        fl |= kOf;
    return fl;
}

// A register operand as the instruction sees it.
uint64_t read_reg(const Insn& in, const CpuState& c, unsigned reg, bool high) {
    if (high)
        return (c.gpr[reg - 4] >> 8) & 0xff;
    return c.gpr[reg] & mask_of(in.size);
}

// Writes a register operand as the CPU does: 4-byte results zero-extend, 1- and 2-byte
// ones keep the rest of the register.
void write_reg(CpuState& c, unsigned size, unsigned reg, bool high, uint64_t v) {
    if (high) {
        c.gpr[reg - 4] = (c.gpr[reg - 4] & ~0xff00ull) | ((v & 0xff) << 8);
        return;
    }
    uint64_t m = mask_of(size);
    c.gpr[reg] = size == 4 ? (v & m) : (c.gpr[reg] & ~m) | (v & m);
}

uint64_t source(const Insn& in, const CpuState& c) {
    return in.src_imm ? in.imm & mask_of(in.size) : read_reg(in, c, in.reg, in.reg_high);
}

// The bit a bt* instruction names, within its operand.
unsigned bit_of(const Insn& in, const CpuState& c) {
    return source(in, c) & (in.size * 8 - 1);
}

} // namespace

Decode decode(const uint8_t* bytes, size_t len, Insn* out) {
    Cursor cur{bytes, len < kMaxInsnLength ? len : kMaxInsnLength};
    bool opsize = false, lock = false, addr32 = false;
    unsigned rex = 0;
    uint8_t b;
    for (;;) {
        b = static_cast<uint8_t>(cur.take(1));
        if (!cur.ok)
            return len >= kMaxInsnLength ? Decode::refused : Decode::truncated;
        if (b == 0x66) {
            opsize = true;
        } else if (b == 0x67) {
            addr32 = true;
        } else if (b == 0xf0) {
            lock = true;
        } else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65) {
            // Segment overrides: no base enters the address (see effective_address).
        } else if (b == 0xf2 || b == 0xf3) {
            return Decode::refused;
        } else if ((b & 0xf0) == 0x40) {
            rex = b; // only the REX right before the opcode counts
            continue;
        } else {
            break;
        }
        rex = 0;
    }
    bool rex_w = rex & 8;

    bool two_byte = b == 0x0f;
    uint8_t opc = two_byte ? static_cast<uint8_t>(cur.take(1)) : b;
    if (cur.ok && !opcode_known(opc, two_byte))
        return Decode::refused;
    uint8_t modrm = static_cast<uint8_t>(cur.take(1));
    if (!cur.ok)
        return len >= kMaxInsnLength ? Decode::refused : Decode::truncated;
    unsigned mod = modrm >> 6, group = (modrm >> 3) & 7, rm = modrm & 7;
    Form form;
    if (!(two_byte ? two_byte_form(opc, group, rex_w, &form) : one_byte_form(opc, group, &form)))
        return Decode::refused;
    if (mod == 3 || (lock && !form.lockable))
        return Decode::refused; // a register destination never faults; lock: #UD

    Insn in{};
    in.op = form.op;
    in.lock = lock || form.op == Op::xchg; // xchg with memory is always locked
    in.size = form.byte_op ? 1 : rex_w ? 8 : opsize ? 2 : 4;
    if (form.op == Op::cmpxchg8b)
        in.size = 8;
    in.reg = static_cast<uint8_t>(group | (rex & 4 ? 8 : 0));
    in.reg_high = form.byte_op && !rex && group >= 4;
    in.addr32 = addr32;
    in.base = in.index = -1;
    in.scale = 1;

    // The memory operand.
    if (rm == 4) {
        uint8_t sib = static_cast<uint8_t>(cur.take(1));
        unsigned idx = ((sib >> 3) & 7) | (rex & 2 ? 8 : 0);
        unsigned base = (sib & 7) | (rex & 1 ? 8 : 0);
        in.scale = static_cast<uint8_t>(1u << (sib >> 6));
        if (idx != 4)
            in.index = static_cast<int8_t>(idx);
        if ((sib & 7) == 5 && mod == 0)
            in.disp = static_cast<int32_t>(cur.take(4)); // no base
        else
            in.base = static_cast<int8_t>(base);
    } else if (rm == 5 && mod == 0) {
        in.rip_relative = true;
        in.disp = static_cast<int32_t>(cur.take(4));
    } else {
        in.base = static_cast<int8_t>(rm | (rex & 1 ? 8 : 0));
    }
    if (mod == 1)
        in.disp = static_cast<int8_t>(cur.take(1));
    else if (mod == 2)
        in.disp = static_cast<int32_t>(cur.take(4));

    // The immediate: a byte for 80, 83, C6 and 0F BA; else the operand size, at most 4.
    if (form.imm) {
        bool imm8 = form.byte_op || opc == 0x83 || (two_byte && opc == 0xba);
        unsigned n = imm8 ? 1 : in.size == 2 ? 2 : 4;
        in.src_imm = true;
        in.imm = static_cast<uint64_t>(sign_extend(cur.take(n), n));
    }
    if (!cur.ok)
        return len >= kMaxInsnLength ? Decode::refused : Decode::truncated;
    in.length = static_cast<uint8_t>(cur.pos);
    *out = in;
    return Decode::ok;
}

uint64_t effective_address(const Insn& in, const CpuState& c) {
    uint64_t ea = static_cast<uint64_t>(in.disp);
    if (in.rip_relative)
        ea += c.rip + in.length;
    if (in.base >= 0)
        ea += c.gpr[in.base];
    if (in.index >= 0)
        ea += c.gpr[in.index] * in.scale;
    return in.addr32 ? ea & 0xffffffffu : ea;
}

uint64_t write_address(const Insn& in, const CpuState& c) {
    uint64_t ea = effective_address(in, c);
    bool bit_string = in.op == Op::bts || in.op == Op::btr || in.op == Op::btc;
    if (!bit_string || in.src_imm)
        return ea;
    // The register's bit offset, signed at the operand size, moves the address by whole
    // operands (rounding towards minus infinity).
    int64_t offset = sign_extend(c.gpr[in.reg], in.size);
    unsigned shift = in.size == 2 ? 4 : in.size == 4 ? 5 : 6;
    ea += static_cast<uint64_t>((offset >> shift) * in.size);
    return in.addr32 ? ea & 0xffffffffu : ea;
}

bool execute(const Insn& in, const CpuState& before, uint64_t old, CpuState* after,
             uint64_t* value) {
    CpuState c = before;
    unsigned size = in.size;
    uint64_t m = mask_of(size);
    old &= m;
    uint64_t nv = old;
    bool write = true;
    switch (in.op) {
    case Op::mov:
        nv = source(in, c);
        break;
    case Op::xchg:
        nv = source(in, c);
        write_reg(c, size, in.reg, in.reg_high, old);
        break;
    case Op::cmpxchg: {
        uint64_t acc = c.gpr[0] & m;
        c.rflags = (c.rflags & ~kArithFlags) | sub_flags(acc, old, size);
        if (acc == old) {
            nv = source(in, c);
        } else {
            write_reg(c, size, 0, false, old);
            write = false;
        }
        break;
    }
    case Op::cmpxchg8b: {
        uint64_t expect = (c.gpr[2] << 32) | (c.gpr[0] & 0xffffffffu);
        if (expect == old) {
            nv = (c.gpr[1] << 32) | (c.gpr[3] & 0xffffffffu);
            c.rflags |= kZf;
        } else {
            c.gpr[0] = old & 0xffffffffu;
            c.gpr[2] = old >> 32;
            c.rflags &= ~kZf;
            write = false;
        }
        break;
    }
    case Op::or_:
    case Op::and_:
    case Op::xor_: {
        uint64_t s = source(in, c);
        nv = in.op == Op::or_ ? old | s : in.op == Op::and_ ? old & s : old ^ s;
        c.rflags = (c.rflags & ~kArithFlags) | logic_flags(nv, size);
        break;
    }
    case Op::bts:
    case Op::btr:
    case Op::btc: {
        uint64_t bit = 1ull << bit_of(in, c);
        c.rflags = (c.rflags & ~kCf) | (old & bit ? kCf : 0);
        nv = in.op == Op::bts ? old | bit : in.op == Op::btr ? old & ~bit : old ^ bit;
        break;
    }
    }
    nv &= m;
    if (in.op != Op::mov && nv == old)
        write = false; // a read-modify-write that changes nothing writes nothing
    c.rip += in.length;
    c.rflags &= ~kRf;
    *after = c;
    *value = nv;
    return write;
}

} // namespace memory::ptwr
