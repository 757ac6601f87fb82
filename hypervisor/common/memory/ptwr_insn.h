// The instructions the writable-page-table emulation (arch/x86/pv/ptwr.cpp) carries out
// for a PV guest kernel that writes one of its own L1 tables: a small x86-64 decoder for
// the few memory-writing forms guests use on page-table entries, and their effect on the
// operand, the registers and the flags. Pure functions of bytes and values, so the host
// tests run them under the sanitizers.
//
// Accepted (each with a memory destination; any ModRM/SIB addressing incl. RIP-relative;
// prefixes 66, 67, F0 where the CPU allows it, the segment overrides, REX):
//   mov r/m,r (88, 89)          mov r/m,imm (C6 /0, C7 /0)
//   xchg r/m,r (86, 87)         cmpxchg r/m,r (0F B0, 0F B1)    cmpxchg8b (0F C7 /1)
//   or/and/xor r/m,r (08 09 20 21 30 31)   or/and/xor r/m,imm (80 81 83 /1 /4 /6)
//   bts/btr/btc r/m,r (0F AB, 0F B3, 0F BB)   bts/btr/btc r/m,imm8 (0F BA /5 /6 /7)
// Everything else is refused (the caller bounces the fault): other opcodes, register
// destinations, lock where the CPU would raise #UD, F2/F3 prefixes, cmpxchg16b.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace memory::ptwr {

inline constexpr size_t kMaxInsnLength = 15;

// The general registers in encoding order (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15).
struct CpuState {
    uint64_t gpr[16];
    uint64_t rip;
    uint64_t rflags;
};

enum class Op : uint8_t { mov, xchg, cmpxchg, cmpxchg8b, or_, and_, xor_, bts, btr, btc };

struct Insn {
    Op op;
    uint8_t size;   // operand size in bytes: 1, 2, 4 or 8
    uint8_t length; // of the whole instruction
    bool lock;
    bool src_imm;  // the source is `imm`, else register `reg`
    uint8_t reg;   // ModRM.reg (with REX.R): the register operand
    bool reg_high; // reg 4..7 name AH, CH, DH, BH (8-bit operand, no REX)
    uint64_t imm;  // sign-extended to 64 bits
    // The memory operand: base + index * scale + disp (or rip-relative).
    int8_t base;  // -1: none
    int8_t index; // -1: none
    uint8_t scale;
    bool rip_relative;
    bool addr32; // 67 prefix: the address is truncated to 32 bits
    int64_t disp;
};

enum class Decode { ok, truncated, refused };

// Decodes the instruction at bytes[0..len). `truncated`: len bytes end inside it (fetch
// more, up to kMaxInsnLength); `refused`: not one of the forms above.
Decode decode(const uint8_t* bytes, size_t len, Insn* out);

// The address the instruction writes (before any bit-string offset), as the instruction
// computes it: segment bases play no part (Xen's emulation ignores them too).
uint64_t effective_address(const Insn& insn, const CpuState& cpu);

// Where the write lands: the effective address moved by a bt* register operand's bit
// offset (a bit string may reach beyond the operand).
uint64_t write_address(const Insn& insn, const CpuState& cpu);

// Carries out the instruction on `old`, the operand's current value in memory (the low
// `size` bytes count): *after receives the registers and flags as the CPU would leave
// them (rip past the instruction). Returns whether memory is written, and then *value,
// the operand's new value. Nothing is written when a read-modify-write leaves the
// operand unchanged or a compare fails, as in Xen's emulator.
bool execute(const Insn& insn, const CpuState& before, uint64_t old, CpuState* after,
             uint64_t* value);

} // namespace memory::ptwr
