// CRC-32 (IEEE 802.3, as gzip and .xz use it) and CRC-64 (ECMA-182, as .xz uses it), both in
// their bit-reflected form with all-ones initial value and final inversion.
//
// Start with 0 and feed the running value back to continue over several pieces:
//   uint32_t c = crc32_update(0, a, a_len); c = crc32_update(c, b, b_len);
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace decompress {

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t len);
uint64_t crc64_update(uint64_t crc, const uint8_t* data, size_t len);

inline uint32_t crc32(const uint8_t* data, size_t len) {
    return crc32_update(0, data, len);
}
inline uint64_t crc64(const uint8_t* data, size_t len) {
    return crc64_update(0, data, len);
}

} // namespace decompress
