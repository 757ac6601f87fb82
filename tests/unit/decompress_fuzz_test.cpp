// Runs the fuzz entry point (decompress_fuzz.h) over mutated vectors and random bytes:
// nothing may crash or touch memory outside its buffers (ASan and UBSan watch).
#include <gtest/gtest.h>

#include <random>

#include "decompress_fuzz.h"
#include "decompress_test_util.h"

namespace {

void run(const std::vector<uint8_t>& in) {
    dtest::Exact e(in.data(), in.size());
    decompress_fuzz_one(e.data(), in.size());
}

TEST(DecompressFuzz, MutatedVectors) {
    std::mt19937_64 rng(0xf022);
    auto mutate = [&](std::vector<uint8_t> v) {
        switch (rng() % 4) {
        case 0: // flips
            for (int i = 0, n = 1 + int(rng() % 8); i < n && !v.empty(); i++)
                v[rng() % v.size()] ^= uint8_t(1 << (rng() % 8));
            break;
        case 1: // truncate
            v.resize(v.empty() ? 0 : rng() % v.size());
            break;
        case 2: // splice a random run in
            if (!v.empty()) {
                size_t at = rng() % v.size();
                for (size_t i = 0, n = rng() % 32; i < n && at + i < v.size(); i++)
                    v[at + i] = uint8_t(rng());
            }
            break;
        default: // duplicate a range
            if (v.size() > 4) {
                size_t a = rng() % v.size(), n = rng() % (v.size() - a);
                std::vector<uint8_t> dup(v.begin() + a, v.begin() + a + n);
                v.insert(v.begin() + rng() % v.size(), dup.begin(), dup.end());
            }
        }
        return v;
    };
    for (int round = 0; round < 600; round++) {
        const DecompressVector& v = round % 2 ? kXzVectors[rng() % std::size(kXzVectors)]
                                              : kGzipVectors[rng() % std::size(kGzipVectors)];
        if (v.size > 8000)
            continue;
        run(mutate(dtest::bytes(v)));
    }
}

TEST(DecompressFuzz, RandomBytes) {
    std::mt19937_64 rng(1);
    for (int round = 0; round < 2000; round++) {
        std::vector<uint8_t> v(rng() % 700);
        for (auto& b : v)
            b = uint8_t(rng());
        if (round % 3 == 0 && v.size() >= 6) // a real magic now and then
            memcpy(v.data(),
                   round % 2 ? "\xfd"
                               "7zXZ\0"
                             : "\x1f\x8b\x08\x00\x00\x00",
                   6);
        run(v);
    }
    run({});
}

} // namespace
