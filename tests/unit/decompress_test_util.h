// Shared by the decompressor tests: plain data of a vector, and exact-size heap copies so
// that AddressSanitizer sees any read or write one byte outside a buffer.
#pragma once
#include <stdint.h>
#include <string.h>

#include <memory>
#include <vector>

#include "decompress_vectors.h"

namespace dtest {

inline std::vector<uint8_t> expected(const DecompressVector& v) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i < v.piece_count; i++) {
        std::vector<uint8_t> p = testgen::make(v.pieces[i]);
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

// A heap block of exactly n bytes (at least one allocated, so the pointer is never null).
struct Exact {
    std::unique_ptr<uint8_t[]> p;
    size_t n;
    explicit Exact(size_t len) : p(new uint8_t[len ? len : 1]), n(len) {}
    Exact(const uint8_t* src, size_t len) : Exact(len) {
        if (len)
            memcpy(p.get(), src, len);
    }
    uint8_t* data() { return p.get(); }
    bool equals(const std::vector<uint8_t>& v, size_t len) const {
        return len == v.size() && (len == 0 || memcmp(p.get(), v.data(), len) == 0);
    }
};

inline std::vector<uint8_t> bytes(const DecompressVector& v) {
    return std::vector<uint8_t>(v.data, v.data + v.size);
}

} // namespace dtest
