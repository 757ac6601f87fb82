// Instruction lengths for SVM exits that do not report the next rip. QEMU's SVM offers
// neither NRIPS nor decode assists, so after a CPUID, HLT, RDMSR/WRMSR, VMMCALL, XSETBV,
// INVLPG or MOV-CR exit xenon reads the bytes at the guest's rip and decodes their length
// itself. A pure function of bytes and mode, host-tested (tests/unit/svm_insn_len_test).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace svm {

inline constexpr size_t kMaxInsnLength = 15;

// The code segment's default sizes: 16-bit, 32-bit (CS.D) or 64-bit (CS.L in long mode).
enum class CpuMode : uint8_t { k16, k32, k64 };

struct InsnInfo {
    uint8_t length; // of the whole instruction, prefixes included
    uint8_t map;    // 0: one-byte opcodes, 1: 0F, 2: 0F 38, 3: 0F 3A
    uint8_t opcode; // the last opcode byte
    bool has_modrm;
    uint8_t modrm;
    uint8_t prefix_count; // legacy and REX bytes before the opcode
    uint8_t rex;          // the REX prefix in effect (0: none)
    uint8_t operand_size; // 2, 4 or 8 bytes (byte forms are the opcode's business)
};

// Decodes the instruction at bytes[0..avail). false when it is longer than 15 bytes, not
// all of it is in `avail`, or it is a form the decoder does not know (VEX/EVEX/XOP, 3DNow!),
// so the caller never guesses a length.
bool decode_length(const uint8_t* bytes, size_t avail, CpuMode mode, InsnInfo* out);

// The instruction an exit names, to check the decoded bytes against: xenon only steps
// over an instruction that is the one that exited.
enum class ExitInsn : uint8_t {
    cpuid,
    hlt,
    rdmsr,
    wrmsr,
    vmmcall,
    vmrun,
    vmload,
    vmsave,
    stgi,
    clgi,
    skinit,
    invlpga,
    xsetbv,
    rdtscp,
    monitor,
    mwait,
    invd,
    wbinvd,
    rdpmc,
    icebp,
    pause
};
bool insn_is(const InsnInfo& info, ExitInsn which);

} // namespace svm
