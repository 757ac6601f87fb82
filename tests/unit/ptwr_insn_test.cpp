// The writable-page-table instruction decoder (common/memory/ptwr_insn.cpp): every
// accepted form (encodings checked against GNU as), every addressing mode, truncated and
// refused bytes, and the effect on operand, registers and flags, checked against what the
// host CPU does with the same instruction where the flags matter.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "common/memory/ptwr_insn.h"

namespace {

using namespace memory::ptwr;

enum Reg { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };
constexpr uint64_t kCf = 1, kPf = 4, kAf = 16, kZf = 64, kSf = 128, kOf = 2048, kRf = 1 << 16;

struct Case {
    std::vector<uint8_t> bytes;
    Op op;
    unsigned size;
    bool lock, src_imm;
    unsigned reg;
    uint64_t imm;
};

// One of each accepted form, as `as` encodes it.
const Case kAccepted[] = {
    {{0x48, 0x89, 0x07}, Op::mov, 8, false, false, rax, 0}, // mov %rax,(%rdi)
    {{0x89, 0x4e, 0x08}, Op::mov, 4, false, false, rcx, 0}, // mov %ecx,8(%rsi)
    {{0x88, 0x1a}, Op::mov, 1, false, false, rbx, 0},       // mov %bl,(%rdx)
    {{0x88, 0x22}, Op::mov, 1, false, false, 4, 0},         // mov %ah,(%rdx)
    {{0x40, 0x88, 0x32}, Op::mov, 1, false, false, rsi, 0}, // mov %sil,(%rdx)
    {{0x66, 0x47, 0x89, 0x8c, 0xda, 0x78, 0x56, 0x34, 0x12}, Op::mov, 2, false, false, r9, 0},
    {{0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff}, Op::mov, 8, false, true, 0, ~0ull},
    {{0xc7, 0x00, 0x78, 0x56, 0x34, 0x12}, Op::mov, 4, false, true, 0, 0x12345678},
    {{0x66, 0xc7, 0x00, 0x34, 0x12}, Op::mov, 2, false, true, 0, 0x1234},
    {{0xc6, 0x00, 0x7f}, Op::mov, 1, false, true, 0, 0x7f},
    {{0x48, 0xc7, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
     Op::mov,
     8,
     false,
     true,
     0,
     0},
    {{0x48, 0x87, 0x07}, Op::xchg, 8, true, false, rax, 0},
    {{0x86, 0x0f}, Op::xchg, 1, true, false, rcx, 0},
    {{0xf0, 0x48, 0x0f, 0xb1, 0x0f}, Op::cmpxchg, 8, true, false, rcx, 0},
    {{0x0f, 0xb0, 0x0f}, Op::cmpxchg, 1, false, false, rcx, 0},
    {{0xf0, 0x0f, 0xc7, 0x0f}, Op::cmpxchg8b, 8, true, false, 1, 0},
    {{0xf0, 0x48, 0x83, 0x0f, 0x40}, Op::or_, 8, true, true, 1, 0x40},
    {{0x81, 0x0f, 0x45, 0x23, 0x01, 0x00}, Op::or_, 4, false, true, 1, 0x12345},
    {{0xf0, 0x80, 0x27, 0xfd}, Op::and_, 1, true, true, 4, ~0ull - 2},
    {{0x48, 0x31, 0x13}, Op::xor_, 8, false, false, rdx, 0},
    {{0x09, 0x07}, Op::or_, 4, false, false, rax, 0},
    {{0x20, 0x07}, Op::and_, 1, false, false, rax, 0},
    {{0x48, 0x21, 0x07}, Op::and_, 8, false, false, rax, 0},
    {{0x08, 0x07}, Op::or_, 1, false, false, rax, 0},
    {{0x30, 0x07}, Op::xor_, 1, false, false, rax, 0},
    {{0x48, 0x83, 0x37, 0xff}, Op::xor_, 8, false, true, 6, ~0ull},
    {{0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05}, Op::btr, 8, true, true, 6, 5},
    {{0x48, 0x0f, 0xba, 0x2f, 0x3f}, Op::bts, 8, false, true, 5, 0x3f},
    {{0x0f, 0xba, 0x3f, 0x01}, Op::btc, 4, false, true, 7, 1},
    {{0xf0, 0x48, 0x0f, 0xab, 0x07}, Op::bts, 8, true, false, rax, 0},
    {{0x48, 0x0f, 0xb3, 0x07}, Op::btr, 8, false, false, rax, 0},
    {{0x66, 0x0f, 0xbb, 0x0f}, Op::btc, 2, false, false, rcx, 0},
    {{0x65, 0x89, 0x07}, Op::mov, 4, false, false, rax, 0}, // mov %eax,%gs:(%rdi)
};

Decode Dec(const std::vector<uint8_t>& b, Insn* in) {
    // An exact-size heap copy: ASan catches any read past the end.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[b.size() ? b.size() : 1]);
    if (!b.empty())
        std::memcpy(copy.get(), b.data(), b.size());
    return decode(copy.get(), b.size(), in);
}

TEST(PtwrInsn, DecodesEveryAcceptedForm) {
    for (const Case& c : kAccepted) {
        SCOPED_TRACE(testing::PrintToString(c.bytes));
        Insn in;
        ASSERT_EQ(Dec(c.bytes, &in), Decode::ok);
        EXPECT_EQ(in.op, c.op);
        EXPECT_EQ(in.size, c.size);
        EXPECT_EQ(in.length, c.bytes.size());
        EXPECT_EQ(in.lock, c.lock);
        EXPECT_EQ(in.src_imm, c.src_imm);
        if (c.src_imm)
            EXPECT_EQ(in.imm, c.imm);
        else
            EXPECT_EQ(in.reg, c.reg);
    }
}

TEST(PtwrInsn, EveryShorterPrefixIsTruncated) {
    for (const Case& c : kAccepted) {
        for (size_t n = 0; n < c.bytes.size(); n++) {
            std::vector<uint8_t> part(c.bytes.begin(), c.bytes.begin() + n);
            Insn in;
            EXPECT_EQ(Dec(part, &in), Decode::truncated) << testing::PrintToString(c.bytes) << n;
        }
    }
}

TEST(PtwrInsn, TrailingBytesAreNotPartOfIt) {
    for (const Case& c : kAccepted) {
        std::vector<uint8_t> more = c.bytes;
        more.insert(more.end(), {0x90, 0x90, 0xcc});
        Insn in;
        ASSERT_EQ(Dec(more, &in), Decode::ok);
        EXPECT_EQ(in.length, c.bytes.size());
    }
}

TEST(PtwrInsn, RefusesOtherForms) {
    const std::vector<uint8_t> refused[] = {
        {0x48, 0x01, 0x07},             // add %rax,(%rdi)
        {0x48, 0x81, 0x07, 1, 0, 0, 0}, // add $1,(%rdi)
        {0x48, 0x83, 0x3f, 0x01},       // cmp $1,(%rdi): no write
        {0x48, 0x89, 0xc7},             // mov %rax,%rdi: register destination
        {0x48, 0x87, 0xc7},             // xchg %rax,%rdi
        {0xf0, 0x48, 0x89, 0x07},       // lock mov: #UD
        {0xf0, 0xc7, 0x00, 1, 0, 0, 0}, // lock mov imm: #UD
        {0xf3, 0x48, 0x89, 0x07},       // rep prefix
        {0xf2, 0xf0, 0x0f, 0xb1, 0x0f}, // xacquire
        {0xf0, 0x48, 0x0f, 0xc7, 0x0f}, // cmpxchg16b
        {0x0f, 0xc7, 0x07},             // 0F C7 /0
        {0x48, 0x0f, 0xba, 0x27, 0x05}, // bt $5,(%rdi): no write
        {0x48, 0x0f, 0xa3, 0x07},       // bt %rax,(%rdi)
        {0xc7, 0x08, 1, 0, 0, 0},       // C7 /1
        {0xc6, 0x08, 1},                // C6 /1
        {0x48, 0xab},                   // stosq
        {0x0f, 0xc3, 0x07},             // movnti
        {0x48, 0x0f, 0xc1, 0x07},       // xadd
        {0xff, 0x07},                   // inc
        {0x0f, 0x0b},                   // ud2
    };
    for (const auto& b : refused) {
        Insn in;
        EXPECT_EQ(Dec(b, &in), Decode::refused) << testing::PrintToString(b);
    }
}

TEST(PtwrInsn, MoreThanFifteenBytesIsRefused) {
    std::vector<uint8_t> b(13, 0x66);
    b.insert(b.end(), {0x89, 0x07}); // 15 bytes: fine
    Insn in;
    EXPECT_EQ(Dec(b, &in), Decode::ok);
    b.insert(b.begin(), 0x66);
    EXPECT_EQ(Dec(b, &in), Decode::refused);
    std::vector<uint8_t> prefixes(40, 0x2e);
    EXPECT_EQ(Dec(prefixes, &in), Decode::refused);
    prefixes.resize(14);
    EXPECT_EQ(Dec(prefixes, &in), Decode::truncated);
}

TEST(PtwrInsn, RexBeforeLegacyPrefixIsIgnored) {
    Insn in;
    ASSERT_EQ(Dec({0x48, 0x66, 0x89, 0x07}, &in), Decode::ok); // REX.W lost: 16-bit
    EXPECT_EQ(in.size, 2);
    ASSERT_EQ(Dec({0x66, 0x48, 0x89, 0x07}, &in), Decode::ok); // REX.W wins over 66
    EXPECT_EQ(in.size, 8);
    ASSERT_EQ(Dec({0x41, 0x88, 0x20}, &in), Decode::ok); // REX: %spl, base r8
    EXPECT_FALSE(in.reg_high);
    EXPECT_EQ(in.reg, rsp);
    EXPECT_EQ(in.base, r8);
}

TEST(PtwrInsn, GarbageNeverReadsPastTheEnd) {
    std::mt19937_64 rng(1234);
    unsigned ok = 0;
    for (int i = 0; i < 200000; i++) {
        std::vector<uint8_t> b(rng() % 17);
        for (auto& x : b) {
            // Bias towards prefixes and accepted opcodes so every path is reached.
            static const uint8_t kInteresting[] = {0x66, 0x67, 0xf0, 0x48, 0x4f, 0x41, 0x0f,
                                                   0x89, 0x88, 0xc7, 0xb1, 0xc7, 0xba, 0x83,
                                                   0x87, 0x65, 0x04, 0x05, 0x44, 0x84};
            x = rng() % 3 ? uint8_t(rng()) : kInteresting[rng() % sizeof(kInteresting)];
        }
        Insn in;
        Decode rc = Dec(b, &in);
        if (rc == Decode::ok) {
            ok++;
            EXPECT_LE(in.length, b.size());
            EXPECT_LE(in.length, kMaxInsnLength);
            EXPECT_TRUE(in.size == 1 || in.size == 2 || in.size == 4 || in.size == 8);
            CpuState cpu{}, after;
            uint64_t v;
            execute(in, cpu, rng(), &after, &v);
        }
    }
    EXPECT_GT(ok, 1000u);
}

// --- Addressing ---------------------------------------------------------------------------

CpuState Cpu() {
    CpuState c{};
    for (unsigned i = 0; i < 16; i++)
        c.gpr[i] = 0x1000000ull * (i + 1);
    c.rip = 0xffff800000400000ull;
    c.rflags = 0x202;
    return c;
}

uint64_t Ea(const std::vector<uint8_t>& b, const CpuState& c) {
    Insn in;
    EXPECT_EQ(Dec(b, &in), Decode::ok) << testing::PrintToString(b);
    return effective_address(in, c);
}

TEST(PtwrInsn, AddressingModes) {
    CpuState c = Cpu();
    auto R = [&](Reg r) { return c.gpr[r]; };
    EXPECT_EQ(Ea({0x48, 0x89, 0x07}, c), R(rdi));
    EXPECT_EQ(Ea({0x89, 0x4e, 0x08}, c), R(rsi) + 8);
    EXPECT_EQ(Ea({0x89, 0x4e, 0xf8}, c), R(rsi) - 8);                       // disp8 negative
    EXPECT_EQ(Ea({0x89, 0x8e, 0x00, 0xff, 0xff, 0xff}, c), R(rsi) - 0x100); // disp32
    EXPECT_EQ(Ea({0x66, 0x47, 0x89, 0x8c, 0xda, 0x78, 0x56, 0x34, 0x12}, c),
              R(r10) + R(r11) * 8 + 0x12345678);
    EXPECT_EQ(Ea({0x48, 0x89, 0x04, 0x24}, c), R(rsp)); // base rsp via SIB
    EXPECT_EQ(Ea({0x49, 0x89, 0x04, 0x24}, c), R(r12)); // base r12 via SIB
    EXPECT_EQ(Ea({0x49, 0x89, 0x45, 0x00}, c), R(r13)); // r13 needs a disp
    EXPECT_EQ(Ea({0x48, 0x89, 0x04, 0x8d, 0x10, 0, 0, 0}, c), R(rcx) * 4 + 0x10); // no base
    EXPECT_EQ(Ea({0x4a, 0x89, 0x04, 0x63}, c), R(rbx) + R(r12) * 2); // REX.X: r12 index
    EXPECT_EQ(Ea({0x48, 0x89, 0x04, 0x23}, c), R(rbx));              // index 100: none
    EXPECT_EQ(Ea({0x48, 0x89, 0x44, 0x23, 0x10}, c), R(rbx) + 0x10);
    EXPECT_EQ(Ea({0x48, 0x89, 0x04, 0x25, 0x00, 0x10, 0, 0}, c), 0x1000u); // absolute disp32
    EXPECT_EQ(Ea({0x48, 0x89, 0x05, 0xf0, 0xff, 0xff, 0xff}, c), c.rip + 7 - 0x10); // rip-rel
    // rip-relative counts the immediate as part of the instruction.
    EXPECT_EQ(Ea({0x48, 0xc7, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0}, c), c.rip + 11 + 0x100);
    EXPECT_EQ(Ea({0x41, 0x89, 0x05, 0x10, 0, 0, 0}, c), c.rip + 7 + 0x10); // REX.B: still rip
    EXPECT_EQ(Ea({0x41, 0x89, 0x04, 0x25, 0x10, 0, 0, 0}, c), 0x10u);      // REX.B, SIB 101
    EXPECT_EQ(Ea({0x41, 0x89, 0x44, 0x25, 0x10}, c), R(r13) + 0x10);       // index 100: none
    EXPECT_EQ(Ea({0x65, 0x89, 0x07}, c), R(rdi)); // segment bases play no part
    c.gpr[rbx] = 0xffffffff00001234ull;
    EXPECT_EQ(Ea({0x67, 0x48, 0x89, 0x03}, c), 0x1234u); // 67: 32-bit address
    c.gpr[rbx] = 0xfffffff0;
    EXPECT_EQ(Ea({0x67, 0x48, 0x89, 0x43, 0x20}, c), 0x10u); // wraps at 4 GiB
}

TEST(PtwrInsn, BitStringOffsetsMoveTheAddress) {
    CpuState c = Cpu();
    Insn in;
    ASSERT_EQ(Dec({0x48, 0x0f, 0xab, 0x07}, &in), Decode::ok); // bts %rax,(%rdi)
    uint64_t base = c.gpr[rdi];
    for (int64_t off : {0L, 5L, 63L, 64L, 65L, 1000L, -1L, -64L, -65L}) {
        c.gpr[rax] = static_cast<uint64_t>(off);
        int64_t q = off >= 0 ? off / 64 : -((-off + 63) / 64);
        EXPECT_EQ(write_address(in, c), base + q * 8) << off;
    }
    ASSERT_EQ(Dec({0x66, 0x0f, 0xbb, 0x0f}, &in), Decode::ok); // btc %cx,(%rdi)
    c.gpr[rcx] = 0xabcd0000ffffull;                            // %cx = -1
    EXPECT_EQ(write_address(in, c), base - 2);
    ASSERT_EQ(Dec({0x48, 0x0f, 0xba, 0x2f, 0x7f}, &in), Decode::ok); // bts $0x7f: no move
    EXPECT_EQ(write_address(in, c), base);
}

// --- Execution ----------------------------------------------------------------------------

struct Outcome {
    bool write;
    uint64_t value;
    CpuState after;
};

Outcome Exec(const std::vector<uint8_t>& b, const CpuState& c, uint64_t old) {
    Insn in;
    EXPECT_EQ(Dec(b, &in), Decode::ok);
    Outcome r;
    r.write = execute(in, c, old, &r.after, &r.value);
    EXPECT_EQ(r.after.rip, c.rip + in.length);
    EXPECT_FALSE(r.after.rflags & kRf);
    return r;
}

TEST(PtwrInsn, MovStoresTheSource) {
    CpuState c = Cpu();
    c.rflags |= kRf;
    c.gpr[rax] = 0x8000000012345067ull;
    Outcome r = Exec({0x48, 0x89, 0x07}, c, 0xdead);
    EXPECT_TRUE(r.write);
    EXPECT_EQ(r.value, c.gpr[rax]);
    EXPECT_EQ(r.after.rflags, c.rflags & ~kRf);
    r = Exec({0x48, 0x89, 0x07}, c, c.gpr[rax]); // same value: still a write
    EXPECT_TRUE(r.write);
    r = Exec({0x88, 0x22}, c, 0); // %ah
    EXPECT_EQ(r.value, 0x50u);
    r = Exec({0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff}, c, 0);
    EXPECT_EQ(r.value, ~0ull);
    r = Exec({0xc7, 0x00, 0x00, 0x00, 0x00, 0x80}, c, 0);
    EXPECT_EQ(r.value, 0x80000000u); // 4 bytes only
    r = Exec({0x66, 0xc7, 0x00, 0x34, 0x12}, c, 0);
    EXPECT_EQ(r.value, 0x1234u);
}

TEST(PtwrInsn, XchgSwaps) {
    CpuState c = Cpu();
    c.gpr[rax] = 0x1111222233334444ull;
    Outcome r = Exec({0x48, 0x87, 0x07}, c, 0x5555);
    EXPECT_TRUE(r.write);
    EXPECT_EQ(r.value, c.gpr[rax]);
    EXPECT_EQ(r.after.gpr[rax], 0x5555u);
    r = Exec({0x87, 0x07}, c, 0xffffffff5555ull); // 32-bit: zero-extends
    EXPECT_EQ(r.value, 0x33334444u);
    EXPECT_EQ(r.after.gpr[rax], 0xffff5555u);
    c.gpr[rcx] = 0x1234;
    r = Exec({0x86, 0x2f}, c, 0x77); // xchg %ch,(%rdi)
    EXPECT_EQ(r.value, 0x12u);
    EXPECT_EQ(r.after.gpr[rcx], 0x7734u);
    r = Exec({0x66, 0x87, 0x0f}, c, 0xabcd); // 16-bit keeps the rest
    EXPECT_EQ(r.after.gpr[rcx], 0xabcdu);
    r = Exec({0x48, 0x87, 0x07}, c, c.gpr[rax]); // nothing changes: nothing written
    EXPECT_FALSE(r.write);
}

TEST(PtwrInsn, CmpxchgCompares) {
    CpuState c = Cpu();
    c.gpr[rax] = 0x1000;
    c.gpr[rcx] = 0x2000;
    c.rflags = 0x202 | kCf | kOf;
    Outcome r = Exec({0xf0, 0x48, 0x0f, 0xb1, 0x0f}, c, 0x1000);
    EXPECT_TRUE(r.write);
    EXPECT_EQ(r.value, 0x2000u);
    EXPECT_EQ(r.after.rflags & (kCf | kPf | kAf | kZf | kSf | kOf), kZf | kPf);
    EXPECT_EQ(r.after.gpr[rax], 0x1000u);
    r = Exec({0xf0, 0x48, 0x0f, 0xb1, 0x0f}, c, 0x1001);
    EXPECT_FALSE(r.write);
    EXPECT_EQ(r.after.gpr[rax], 0x1001u);
    EXPECT_FALSE(r.after.rflags & kZf);
    EXPECT_TRUE(r.after.rflags & kCf); // 0x1000 - 0x1001 borrows
    c.gpr[rax] = 0xffffffff00000005ull;
    r = Exec({0xf0, 0x0f, 0xb1, 0x0f}, c, 7); // 32-bit failure zero-extends rax
    EXPECT_EQ(r.after.gpr[rax], 7u);
}

TEST(PtwrInsn, Cmpxchg8b) {
    CpuState c = Cpu();
    c.gpr[rax] = 0xaaaa000011112222ull;
    c.gpr[rdx] = 0xbbbb000033334444ull;
    c.gpr[rbx] = 0x55556666;
    c.gpr[rcx] = 0x77778888;
    c.rflags = 0x202 | kCf;
    Outcome r = Exec({0xf0, 0x0f, 0xc7, 0x0f}, c, 0x3333444411112222ull);
    EXPECT_TRUE(r.write);
    EXPECT_EQ(r.value, 0x7777888855556666ull);
    EXPECT_EQ(r.after.rflags, 0x202 | kCf | kZf); // only ZF changes
    r = Exec({0xf0, 0x0f, 0xc7, 0x0f}, c, 0x123456789ull);
    EXPECT_FALSE(r.write);
    EXPECT_EQ(r.after.gpr[rax], 0x23456789u);
    EXPECT_EQ(r.after.gpr[rdx], 1u);
    EXPECT_EQ(r.after.rflags, 0x202 | kCf);
}

TEST(PtwrInsn, BitOps) {
    CpuState c = Cpu();
    Outcome r = Exec({0xf0, 0x48, 0x0f, 0xba, 0x37, 0x01}, c, 0x67); // btr $1
    EXPECT_TRUE(r.write);
    EXPECT_EQ(r.value, 0x65u);
    EXPECT_TRUE(r.after.rflags & kCf);
    r = Exec({0xf0, 0x48, 0x0f, 0xba, 0x37, 0x01}, c, 0x65); // already clear
    EXPECT_FALSE(r.write);
    EXPECT_FALSE(r.after.rflags & kCf);
    c.gpr[rax] = 64 + 63; // bit 63 of the next quadword (write_address moves it)
    r = Exec({0x48, 0x0f, 0xab, 0x07}, c, 0);
    EXPECT_EQ(r.value, 1ull << 63);
    c.gpr[rcx] = 0xffff; // -1 as 16 bits: bit 15 of the word before
    r = Exec({0x66, 0x0f, 0xbb, 0x0f}, c, 0x8001);
    EXPECT_EQ(r.value, 0x0001u);
    EXPECT_TRUE(r.after.rflags & kCf);
}

// The host CPU as the reference for flags and results of the read-modify-write forms (AF
// is undefined after the logical ones).
uint64_t Flags(uint64_t f) {
    return f & (kCf | kPf | kZf | kSf | kOf);
}

// One host instruction on *mem with source src and the accumulator acc; the flags after.
#define HOST_RMW(name, insn, T)                                                                    \
    uint64_t name(T* mem, T src, uint64_t* acc) {                                                  \
        uint64_t fl, a = *acc;                                                                     \
        asm volatile("xor %%eax, %%eax\n\tmov %[a], %%rax\n\t" insn                                \
                     "\n\tpushfq\n\tpopq %[fl]\n\tmov %%rax, %[a]"                                 \
                     : [fl] "=r"(fl), [m] "+m"(*mem), [a] "+m"(a)                                  \
                     : [s] "q"(src)                                                                \
                     : "rax", "cc");                                                               \
        *acc = a;                                                                                  \
        return fl;                                                                                 \
    }
#define DEFINE_ALL(T, sfx)                                                                         \
    HOST_RMW(host_or_##sfx, "or" #sfx " %[s], %[m]", T)                                            \
    HOST_RMW(host_and_##sfx, "and" #sfx " %[s], %[m]", T)                                          \
    HOST_RMW(host_xor_##sfx, "xor" #sfx " %[s], %[m]", T)                                          \
    HOST_RMW(host_cmpxchg_##sfx, "lock cmpxchg" #sfx " %[s], %[m]", T)
DEFINE_ALL(uint8_t, b)
DEFINE_ALL(uint16_t, w)
DEFINE_ALL(uint32_t, l)
DEFINE_ALL(uint64_t, q)

template <typename T> struct HostOps;
#define HOST_OPS(T, sfx)                                                                           \
    template <> struct HostOps<T> {                                                                \
        static constexpr uint64_t (*ops[4])(T*, T, uint64_t*) = {                                  \
            host_or_##sfx, host_and_##sfx, host_xor_##sfx, host_cmpxchg_##sfx};                    \
    };
HOST_OPS(uint8_t, b)
HOST_OPS(uint16_t, w)
HOST_OPS(uint32_t, l)
HOST_OPS(uint64_t, q)

// `insn` with source %rcx (or %cl ...) and destination (%rdi), operand size of T.
template <typename T> std::vector<uint8_t> Encode(uint8_t byte_opc, uint8_t opc, bool two_byte) {
    std::vector<uint8_t> b;
    if (sizeof(T) == 2)
        b.push_back(0x66);
    if (sizeof(T) == 8)
        b.push_back(0x48);
    if (two_byte)
        b.push_back(0x0f);
    b.push_back(sizeof(T) == 1 ? byte_opc : opc);
    b.push_back(0x0f); // ModRM: reg rcx, [rdi]
    return b;
}

template <typename T> void CompareWithHost() {
    std::mt19937_64 rng(sizeof(T));
    struct Kind {
        uint64_t (*host)(T*, T, uint64_t*);
        uint8_t byte_opc, opc;
        bool two_byte;
    } kinds[] = {{HostOps<T>::ops[0], 0x08, 0x09, false},
                 {HostOps<T>::ops[1], 0x20, 0x21, false},
                 {HostOps<T>::ops[2], 0x30, 0x31, false},
                 {HostOps<T>::ops[3], 0xb0, 0xb1, true}};
    for (const Kind& k : kinds) {
        for (int i = 0; i < 2000; i++) {
            // Small values often, so equal, zero and sign cases come up.
            auto pick = [&] { return rng() % 4 ? rng() : rng() % 4; };
            T mem = static_cast<T>(pick()), src = static_cast<T>(pick());
            uint64_t acc = i % 3 ? pick() : mem;
            CpuState c = Cpu();
            c.gpr[rax] = acc;
            c.gpr[rcx] = src;
            c.rflags = 0x246; // as after `xor %eax,%eax`
            Outcome r = Exec(Encode<T>(k.byte_opc, k.opc, k.two_byte), c, mem);
            T host_mem = mem;
            uint64_t host_acc = acc;
            uint64_t fl = k.host(&host_mem, src, &host_acc);
            EXPECT_EQ(r.write ? static_cast<T>(r.value) : mem, host_mem);
            EXPECT_EQ(static_cast<T>(r.after.gpr[rax]), static_cast<T>(host_acc));
            EXPECT_EQ(Flags(r.after.rflags), Flags(fl));
        }
    }
}

TEST(PtwrInsn, RmwMatchesTheHostCpu) {
    CompareWithHost<uint8_t>();
    CompareWithHost<uint16_t>();
    CompareWithHost<uint32_t>();
    CompareWithHost<uint64_t>();
}

// bts/btr/btc with a register bit offset on a bit string, against the host CPU.
TEST(PtwrInsn, BitStringMatchesTheHostCpu) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 2000; i++) {
        uint64_t buf[8], ref[8];
        for (auto& x : buf)
            x = rng();
        std::memcpy(ref, buf, sizeof(buf));
        int64_t off = static_cast<int64_t>(rng() % 512) - 256;
        uint64_t* base = &buf[4];
        unsigned kind = rng() % 3;
        uint64_t fl;
        uint64_t* rbase = &ref[4];
        if (kind == 0)
            asm volatile("btsq %2, %1; pushfq; popq %0"
                         : "=r"(fl), "+m"(*rbase)
                         : "r"(off), "m"(ref)
                         : "cc", "memory");
        else if (kind == 1)
            asm volatile("btrq %2, %1; pushfq; popq %0"
                         : "=r"(fl), "+m"(*rbase)
                         : "r"(off), "m"(ref)
                         : "cc", "memory");
        else
            asm volatile("btcq %2, %1; pushfq; popq %0"
                         : "=r"(fl), "+m"(*rbase)
                         : "r"(off), "m"(ref)
                         : "cc", "memory");
        const uint8_t opc[3] = {0xab, 0xb3, 0xbb};
        CpuState c = Cpu();
        c.gpr[rdi] = reinterpret_cast<uint64_t>(base);
        c.gpr[rax] = static_cast<uint64_t>(off);
        Insn in;
        ASSERT_EQ(Dec({0x48, 0x0f, opc[kind], 0x07}, &in), Decode::ok);
        uint64_t* target = reinterpret_cast<uint64_t*>(write_address(in, c));
        ASSERT_GE(target, &buf[0]);
        ASSERT_LT(target, &buf[8]);
        Outcome r;
        r.write = execute(in, c, *target, &r.after, &r.value);
        if (r.write)
            *target = r.value;
        EXPECT_EQ(std::memcmp(buf, ref, sizeof(buf)), 0) << off;
        EXPECT_EQ(r.after.rflags & kCf, fl & kCf) << off;
    }
}

} // namespace
