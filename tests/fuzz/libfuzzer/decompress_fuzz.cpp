// libFuzzer target: the decompressors (.xz, gzip) and the bzImage parser, through the
// entry point tests/unit/decompress_fuzz.h defines for exactly this.
// FUZZ_REQUIRES: tests/unit/decompress_fuzz.h
#include "decompress_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return decompress_fuzz_one(data, size);
}
