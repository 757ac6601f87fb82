// Table-driven CRCs, eight bytes per step ("slicing by 8"): table k maps a byte to its
// contribution after k further zero bytes have passed through the register, so eight
// independent lookups replace eight dependent ones. The tables are computed by the
// compiler; nothing runs at start-up.
#include "common/decompress/crc.h"

namespace decompress {
namespace {

template <typename T> struct Tables { T t[8][256]; };

template <typename T> constexpr Tables<T> make_tables(T poly) {
    Tables<T> s{};
    for (unsigned i = 0; i < 256; i++) {
        T r = T(i);
        for (int b = 0; b < 8; b++)
            r = (r & 1) ? (r >> 1) ^ poly : r >> 1;
        s.t[0][i] = r;
    }
    for (unsigned k = 1; k < 8; k++)
        for (unsigned i = 0; i < 256; i++)
            s.t[k][i] = (s.t[k - 1][i] >> 8) ^ s.t[0][s.t[k - 1][i] & 0xff];
    return s;
}

constexpr Tables<uint32_t> kCrc32 = make_tables<uint32_t>(0xedb88320u);
constexpr Tables<uint64_t> kCrc64 = make_tables<uint64_t>(0xc96c5795d7870f42ull);

// Little-endian loads byte by byte: no alignment assumed, and compilers fuse them.
inline uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

} // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* p, size_t len) {
    const auto& t = kCrc32.t;
    uint32_t c = ~crc;
    for (; len >= 8; p += 8, len -= 8) {
        uint32_t lo = c ^ le32(p), hi = le32(p + 4);
        c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
            t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    }
    for (; len; p++, len--)
        c = t[0][(c ^ *p) & 0xff] ^ (c >> 8);
    return ~c;
}

uint64_t crc64_update(uint64_t crc, const uint8_t* p, size_t len) {
    const auto& t = kCrc64.t;
    uint64_t c = ~crc;
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t v = c ^ (uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32);
        c = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^
            t[4][(v >> 24) & 0xff] ^ t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^
            t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    }
    for (; len; p++, len--)
        c = t[0][(c ^ *p) & 0xff] ^ (c >> 8);
    return ~c;
}

} // namespace decompress
