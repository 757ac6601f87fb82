// A libFuzzer-style entry point over xenon's decompressors and bzImage parser: any input,
// decoded as .xz, gzip and a bzImage into bounded buffers. A fuzzing build wraps it as
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* d, size_t n) {
//       return decompress_fuzz_one(d, n);
//   }
// and links the hosted common/ sources with -fsanitize=fuzzer,address,undefined; the unit
// tests (decompress_fuzz_test.cpp) run it over mutated vectors.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <memory>

#include "common/bzimage.h"
#include "common/decompress/gzip.h"
#include "common/decompress/xz.h"

inline int decompress_fuzz_one(const uint8_t* data, size_t size) {
    constexpr size_t kCap = 1 << 20;
    static auto* ws = new BzImageWorkspace;
    std::unique_ptr<uint8_t[]> out(new uint8_t[kCap]);
    size_t len = 0, used = 0;
    // Output sizes from the input's own headers bound the buffer, as the hypervisor does.
    uint64_t xz_size = 0;
    size_t cap = kCap;
    if (xz_uncompressed_size(data, size, &xz_size) == XzResult::kOk && xz_size < kCap)
        cap = size_t(xz_size);
    xz_decompress(data, size, out.get(), cap, &len, &ws->xz);
    xz_decompress_stream(data, size, out.get(), kCap, &len, &used, &ws->xz);
    uint32_t isize = 0;
    cap = kCap;
    if (gzip_uncompressed_size(data, size, &isize) == GzipResult::kOk && isize < kCap)
        cap = isize;
    gzip_decompress(data, size, out.get(), cap, &len, &ws->gzip);
    BzImage bz;
    if (bzimage_open(data, size, &bz) == BzImageError::kOk && bz.decompressed_size <= kCap) {
        const char* detail;
        bzimage_decompress(bz, out.get(), size_t(bz.decompressed_size), &len, ws, &detail);
    }
    return 0;
}
