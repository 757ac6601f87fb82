// Per-CPU set-up (arch/x86/percpu.cpp) over a stack block that is not clean, as an AP's
// is: the page allocator does not zero, and firmware leaves data in RAM it called free.
#include <gtest/gtest.h>

#include <cstring>

#include "arch/percpu.h"

// The boot CPU's block, which head.S defines in the image.
extern "C" {
alignas(STACK_SIZE) char cpu0_stack_block[STACK_SIZE];
}

namespace {

TEST(PerCpu, ApBlockLeftDirtyStartsWithNoVcpu) {
    alignas(STACK_SIZE) static char block[STACK_SIZE];
    std::memset(block, 0xa5, STACK_SIZE);
    alignas(PAGE_SIZE) static uint64_t gdt[GDT_PAGES * PAGE_SIZE / 8];

    auto base = reinterpret_cast<uintptr_t>(block);
    arch::PerCpu* c = arch::percpu_create(1, 7, base, gdt);
    ASSERT_NE(c, nullptr);
    auto* info = reinterpret_cast<arch::CpuInfo*>(base + STACK_SIZE - CPU_INFO_SIZE);
    EXPECT_EQ(info->percpu, c);
    EXPECT_EQ(info->id, 1u);
    EXPECT_EQ(info->current_vcpu, nullptr); // the idle loop reads it first thing
    EXPECT_EQ(c->id, 1u);
    EXPECT_EQ(c->apic_id, 7u);
    EXPECT_EQ(c->stack_block, base);
    EXPECT_EQ(c->gdt, gdt);
    EXPECT_FALSE(c->online);
    EXPECT_EQ(arch::cpu(1), c);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(c) % alignof(arch::PerCpu), 0u);
    // Nothing of the old contents is left in the area, whatever it holds later.
    EXPECT_EQ(info->pad, 0u);
    const char* area = block + STACK_SIZE - CPU_INFO_SIZE;
    size_t per_cpu_at = reinterpret_cast<char*>(c) - area;
    for (size_t i = sizeof(arch::CpuInfo); i < CPU_INFO_SIZE; i++) {
        bool in_per_cpu = i >= per_cpu_at && i < per_cpu_at + sizeof(arch::PerCpu);
        if (!in_per_cpu)
            ASSERT_EQ(area[i], 0) << "byte " << i;
    }
}

} // namespace
