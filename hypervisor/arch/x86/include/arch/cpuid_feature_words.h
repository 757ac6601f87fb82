// A CPUID policy as a table of allowed feature bits per leaf:subleaf register, shared by
// the PV policy (pv/cpuid_policy.cpp) and the HVM one (hvm/cpuid.cpp).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace arch {

template <typename... Bit> constexpr uint32_t bits(Bit... b) {
    return ((1u << b) | ... | 0u);
}

struct FeatureWord {
    uint32_t leaf, subleaf;
    unsigned reg; // 0 eax, 1 ebx, 2 ecx, 3 edx
    uint32_t allowed;
};

// Clears in regs (eax, ebx, ecx, edx of leaf:subleaf) every bit the table does not allow.
template <size_t N>
void apply_feature_words(const FeatureWord (&words)[N], uint32_t leaf, uint32_t subleaf,
                         uint32_t regs[4]) {
    for (const FeatureWord& w : words)
        if (w.leaf == leaf && w.subleaf == subleaf)
            regs[w.reg] &= w.allowed;
}

} // namespace arch
