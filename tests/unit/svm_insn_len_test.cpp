// The instruction-length decoder SVM exits without NRIPS rely on (arch/x86/svm/insn_len.h):
// lengths of the instructions that exit, with the prefixes and addressing forms guests
// use, in each mode; and refusals instead of guesses.
#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

#include "arch/x86/svm/insn_len.h"

using svm::CpuMode;
using svm::ExitInsn;
using svm::InsnInfo;

namespace {

int len(std::initializer_list<uint8_t> bytes, CpuMode mode = CpuMode::k64) {
    std::vector<uint8_t> b(bytes);
    InsnInfo info{};
    if (!svm::decode_length(b.data(), b.size(), mode, &info))
        return -1;
    return info.length;
}

InsnInfo decode(std::initializer_list<uint8_t> bytes, CpuMode mode = CpuMode::k64) {
    std::vector<uint8_t> b(bytes);
    InsnInfo info{};
    EXPECT_TRUE(svm::decode_length(b.data(), b.size(), mode, &info));
    return info;
}

} // namespace

TEST(SvmInsnLen, ExitingInstructions) {
    EXPECT_EQ(len({0x0f, 0xa2}), 2);       // cpuid
    EXPECT_EQ(len({0xf4}), 1);             // hlt
    EXPECT_EQ(len({0x0f, 0x32}), 2);       // rdmsr
    EXPECT_EQ(len({0x0f, 0x30}), 2);       // wrmsr
    EXPECT_EQ(len({0x0f, 0x01, 0xd9}), 3); // vmmcall
    EXPECT_EQ(len({0x0f, 0x01, 0xd1}), 3); // xsetbv
    EXPECT_EQ(len({0x0f, 0x01, 0xd8}), 3); // vmrun
    for (CpuMode m : {CpuMode::k16, CpuMode::k32, CpuMode::k64}) {
        EXPECT_EQ(len({0x0f, 0xa2}, m), 2);
        EXPECT_EQ(len({0x0f, 0x01, 0xd9}, m), 3);
    }
}

TEST(SvmInsnLen, PrefixesCount) {
    EXPECT_EQ(len({0x66, 0x0f, 0xa2}), 3);
    EXPECT_EQ(len({0x2e, 0x66, 0x0f, 0xa2}), 4);
    EXPECT_EQ(len({0x48, 0x0f, 0x32}), 3); // rex.w rdmsr
    EXPECT_EQ(len({0xf3, 0x90}), 2);       // pause
    InsnInfo i = decode({0x3e, 0x48, 0x0f, 0x01, 0xd9});
    EXPECT_EQ(i.length, 5);
    EXPECT_EQ(i.prefix_count, 2);
    EXPECT_TRUE(svm::insn_is(i, ExitInsn::vmmcall));
    // Fifteen bytes is the limit: 14 prefixes and a one-byte opcode fit, 15 do not.
    std::vector<uint8_t> b(14, 0x66);
    b.push_back(0xf4);
    InsnInfo info{};
    ASSERT_TRUE(svm::decode_length(b.data(), b.size(), CpuMode::k64, &info));
    EXPECT_EQ(info.length, 15);
    b.insert(b.begin(), 0x66);
    EXPECT_FALSE(svm::decode_length(b.data(), b.size(), CpuMode::k64, &info));
}

TEST(SvmInsnLen, ModrmAddressing64) {
    EXPECT_EQ(len({0x89, 0x07}), 2);                         // mov %eax,(%rdi)
    EXPECT_EQ(len({0x89, 0x47, 0x08}), 3);                   // disp8
    EXPECT_EQ(len({0x89, 0x87, 1, 2, 3, 4}), 6);             // disp32
    EXPECT_EQ(len({0x89, 0x05, 1, 2, 3, 4}), 6);             // rip-relative
    EXPECT_EQ(len({0x89, 0x04, 0x24}), 3);                   // sib
    EXPECT_EQ(len({0x89, 0x04, 0x25, 1, 2, 3, 4}), 7);       // sib, no base, disp32
    EXPECT_EQ(len({0x89, 0x44, 0x24, 0x10}), 4);             // sib + disp8
    EXPECT_EQ(len({0x48, 0xc7, 0x04, 0x24, 1, 2, 3, 4}), 8); // movq $imm32,(%rsp)
    EXPECT_EQ(len({0x0f, 0x01, 0x3f}), 3);                   // invlpg (%rdi)
    EXPECT_EQ(len({0x0f, 0x22, 0xd8}), 3);                   // mov %rax,%cr3
}

TEST(SvmInsnLen, Addressing16And32) {
    EXPECT_EQ(len({0x89, 0x06, 1, 2}, CpuMode::k16), 4);             // [disp16]
    EXPECT_EQ(len({0x89, 0x46, 1}, CpuMode::k16), 3);                // [bp+disp8]
    EXPECT_EQ(len({0x67, 0x89, 0x05, 1, 2, 3, 4}, CpuMode::k16), 7); // 32-bit addressing
    EXPECT_EQ(len({0x89, 0x05, 1, 2, 3, 4}, CpuMode::k32), 6);
    EXPECT_EQ(len({0x67, 0x89, 0x06, 1, 2}, CpuMode::k32), 5);
}

TEST(SvmInsnLen, Immediates) {
    EXPECT_EQ(len({0xb8, 1, 2, 3, 4}), 5);                    // mov $imm32,%eax
    EXPECT_EQ(len({0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}), 10); // movabs
    EXPECT_EQ(len({0x66, 0xb8, 1, 2}), 4);
    EXPECT_EQ(len({0xb8, 1, 2}, CpuMode::k16), 3);
    EXPECT_EQ(len({0xe6, 0x80}), 2);                   // out %al,$0x80
    EXPECT_EQ(len({0xf7, 0xc0, 1, 2, 3, 4}), 6);       // test $imm,%eax
    EXPECT_EQ(len({0xf7, 0xd0}), 2);                   // not %eax
    EXPECT_EQ(len({0xf6, 0xc0, 1}), 3);                // test $imm8,%al
    EXPECT_EQ(len({0xa1, 1, 2, 3, 4, 5, 6, 7, 8}), 9); // mov moffs64,%eax
    EXPECT_EQ(len({0xa1, 1, 2, 3, 4}, CpuMode::k32), 5);
    EXPECT_EQ(len({0xc8, 1, 2, 3}), 4);                        // enter
    EXPECT_EQ(len({0x0f, 0x3a, 0x0f, 0xc1, 8}), 5);            // palignr $8
    EXPECT_EQ(len({0x0f, 0x38, 0x00, 0xc1}), 4);               // pshufb
    EXPECT_EQ(len({0x0f, 0x84, 1, 2, 3, 4}), 6);               // jz rel32
    EXPECT_EQ(len({0x9a, 1, 2, 3, 4, 5, 6}, CpuMode::k32), 7); // lcall ptr16:32
}

TEST(SvmInsnLen, RefusesWhatItCannotKnow) {
    EXPECT_EQ(len({0x0f}), -1);             // truncated
    EXPECT_EQ(len({0x89, 0x87, 1, 2}), -1); // truncated displacement
    EXPECT_EQ(len({0xc5, 0xf8, 0x77}), -1); // VEX (vzeroupper)
    EXPECT_EQ(len({0xc4, 0xe2, 0x79, 0x00, 0xc1}), -1);
    EXPECT_EQ(len({0x62, 0xf1, 0x7c, 0x48, 0x28, 0xc1}), -1); // EVEX
    EXPECT_EQ(len({0x0f, 0x0f, 0xc1, 0x9e}), -1);             // 3DNow!
    // In 32-bit mode C4/C5 with a memory operand are LES/LDS.
    EXPECT_EQ(len({0xc4, 0x06}, CpuMode::k32), 2);
    EXPECT_EQ(len({0xc5, 0xc0}, CpuMode::k32), -1);
}

TEST(SvmInsnLen, InsnIsChecksTheOpcode) {
    EXPECT_TRUE(svm::insn_is(decode({0x0f, 0xa2}), ExitInsn::cpuid));
    EXPECT_FALSE(svm::insn_is(decode({0x0f, 0xa2}), ExitInsn::rdmsr));
    EXPECT_TRUE(svm::insn_is(decode({0xf4}), ExitInsn::hlt));
    EXPECT_TRUE(svm::insn_is(decode({0x0f, 0x01, 0xdd}), ExitInsn::clgi));
    EXPECT_TRUE(svm::insn_is(decode({0x0f, 0x01, 0xdf}), ExitInsn::invlpga));
    EXPECT_FALSE(svm::insn_is(decode({0x0f, 0x01, 0xd9}), ExitInsn::vmrun));
}
