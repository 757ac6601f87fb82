// Deterministic inputs for the decompressor tests. decompress_vectors.h holds these
// inputs compressed by the real `xz` and `gzip` (make_decompress_vectors.sh made it, from
// this very generator); the tests regenerate the plain data and compare.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <vector>

namespace testgen {

struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed * 0x9e3779b97f4a7c15ull + 1) {}
    uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    uint32_t below(uint32_t n) { return uint32_t(next() % n); }
};

// English-like text: words from a small vocabulary, so it compresses well and produces
// plenty of matches, repeated matches and literals.
inline std::vector<uint8_t> text(size_t n, uint64_t seed) {
    static const char* const kWords[] = {
        "the",   "hypervisor", "guest",     "page",      "table",     "event", "channel", "grant",
        "xen",   "domain",     "vcpu",      "memory",    "of",        "and",   "a",       "to",
        "frame", "mapping",    "kernel",    "boot",      "is",        "in",    "with",    "for",
        "Linux", "dom0",       "hypercall", "interrupt", "scheduler", "timer", "console", "x86"};
    Rng r(seed);
    std::vector<uint8_t> v;
    v.reserve(n);
    while (v.size() < n) {
        const char* w = kWords[r.below(sizeof(kWords) / sizeof(kWords[0]))];
        for (; *w && v.size() < n; w++)
            v.push_back(uint8_t(*w));
        if (v.size() < n)
            v.push_back(r.below(12) == 0 ? '\n' : r.below(9) == 0 ? ',' : ' ');
    }
    return v;
}

// Machine-code-like bytes rich in CALL/JMP (E8/E9) with near and far operands, runs of
// E8/E9 bytes and operands ending in 00/FF, so that every path of the BCJ x86 filter
// (converted, left alone, the flip after an unconverted neighbour) is taken.
inline std::vector<uint8_t> x86(size_t n, uint64_t seed) {
    Rng r(seed);
    static const uint8_t kOps[][3] = {{0x48, 0x89, 0xe5}, {0x48, 0x83, 0xec}, {0x55, 0x53, 0x41},
                                      {0x0f, 0x1f, 0x44}, {0x31, 0xc0, 0x5d}, {0xc3, 0x90, 0x90}};
    std::vector<uint8_t> v;
    v.reserve(n + 16);
    uint32_t targets[16];
    for (auto& t : targets)
        t = r.below(1u << 22);
    while (v.size() < n) {
        uint32_t k = r.below(16);
        if (k < 6) { // a CALL/JMP to one of a few functions: near, absolute target repeats
            v.push_back(k < 4 ? 0xe8 : 0xe9);
            uint32_t rel = targets[r.below(16)] - uint32_t(v.size() + 4);
            for (int i = 0; i < 4; i++)
                v.push_back(uint8_t(rel >> (8 * i)));
        } else if (k < 8) { // E8/E9 bytes close together, with near-looking operands
            for (uint32_t i = 0, m = 1 + r.below(3); i < m; i++)
                v.push_back(r.below(2) ? 0xe8 : 0xe9);
            uint8_t top = r.below(2) ? 0x00 : 0xff;
            v.push_back(uint8_t(r.next()));
            v.push_back(r.below(3) ? top : uint8_t(r.next()));
            v.push_back(uint8_t(r.next()));
            v.push_back(top);
        } else if (k < 9) { // a far operand
            v.push_back(0xe8);
            uint32_t x = uint32_t(r.next()) | 0x10000000;
            for (int i = 0; i < 4; i++)
                v.push_back(uint8_t(x >> (8 * i)));
        } else if (k < 10) { // random bytes
            for (uint32_t i = 0, m = r.below(8); i < m; i++)
                v.push_back(uint8_t(r.next()));
        } else {
            const uint8_t* op = kOps[r.below(6)];
            v.insert(v.end(), op, op + 3);
        }
    }
    v.resize(n);
    return v;
}

// Incompressible bytes.
inline std::vector<uint8_t> noise(size_t n, uint64_t seed) {
    Rng r(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v)
        b = uint8_t(r.next() >> 24);
    return v;
}

// Mostly zeros with a little text every 64 KiB: megabytes that compress to very little,
// so one small vector spans several LZMA2 chunks (2 MiB each at most) and deflate's
// longest matches.
inline std::vector<uint8_t> sparse(size_t n, uint64_t seed) {
    std::vector<uint8_t> v(n, 0);
    for (size_t at = 0; at < n; at += 65536) {
        std::vector<uint8_t> t = text(64, seed + at);
        for (size_t i = 0; i < t.size() && at + i < n; i++)
            v[at + i] = t[i];
    }
    return v;
}

enum class Gen : uint8_t { kText, kX86, kNoise, kSparse };

// One piece of a test vector's plain data.
struct Piece {
    Gen gen;
    size_t n;
    uint64_t seed;
};

inline std::vector<uint8_t> make(const Piece& p) {
    switch (p.gen) {
    case Gen::kText:
        return text(p.n, p.seed);
    case Gen::kX86:
        return x86(p.n, p.seed);
    case Gen::kNoise:
        return noise(p.n, p.seed);
    case Gen::kSparse:
        return sparse(p.n, p.seed);
    }
    return {};
}

} // namespace testgen
