// Little-endian field reads from table bytes. Tables are packed and often unaligned, so
// fields are assembled byte by byte rather than read through cast pointers.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "common/acpi/tables.h"

namespace acpi::detail {

inline uint16_t rd16(const uint8_t* p) {
    return uint16_t(p[0] | (p[1] << 8));
}
inline uint32_t rd32(const uint8_t* p) {
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
inline uint64_t rd64(const uint8_t* p) {
    return rd32(p) | (uint64_t(rd32(p + 4)) << 32);
}

inline Gas rd_gas(const uint8_t* p) {
    return Gas{p[0], p[1], p[2], p[3], rd64(p + 4)};
}
constexpr size_t kGasSize = 12;

inline bool sig_is(const uint8_t* p, const char* sig) {
    return p[0] == uint8_t(sig[0]) && p[1] == uint8_t(sig[1]) && p[2] == uint8_t(sig[2]) &&
           p[3] == uint8_t(sig[3]);
}

} // namespace acpi::detail
