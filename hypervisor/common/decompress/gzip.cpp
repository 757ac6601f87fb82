// gzip members and the DEFLATE format inside them, written from RFC 1952 and RFC 1951.
//
// Bits are read least significant first from a 64-bit buffer. Past the end of the input
// the buffer fills with zeros, and after every symbol the decoder checks that it has not
// consumed any of those; each symbol either writes a byte, ends a block, or (in a block
// header) uses up input, so decoding always ends.
#include "common/decompress/gzip.h"

#include "common/decompress/crc.h"
#include "lib/string.h"

namespace {

using decompress::HuffmanCode;

enum : uint8_t { kFlagText = 1, kFlagHcrc = 2, kFlagExtra = 4, kFlagName = 8, kFlagComment = 16 };

// RFC 1951, 3.2.5: length symbols 257..285 and distance symbols 0..29.
constexpr uint16_t kLenBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                   31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLenExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                   2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint16_t kDistBase[30] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                    33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                    6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// The order in which a dynamic block lists the code lengths of the code-length code.
constexpr uint8_t kCodeLengthOrder[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                          11, 4,  12, 3, 13, 2, 14, 1, 15};

uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

struct BitReader {
    const uint8_t* in;
    size_t len;
    size_t pos; // next byte to load; may run past len (zeros are loaded there)
    uint64_t buf;
    unsigned cnt;

    // At least 57 bits buffered afterwards.
    void refill() {
        while (cnt <= 56) {
            uint64_t b = pos < len ? in[pos] : 0;
            pos++;
            buf |= b << cnt;
            cnt += 8;
        }
    }
    // Whether bits past the end of the input have been consumed.
    bool overrun() const { return pos * 8 - cnt > len * 8; }
    uint32_t peek(unsigned n) const { return uint32_t(buf & ((1ull << n) - 1)); }
    void drop(unsigned n) {
        buf >>= n;
        cnt -= n;
    }
    // n <= 32 bits; the caller has refilled enough.
    uint32_t take(unsigned n) {
        uint32_t v = peek(n);
        drop(n);
        return v;
    }
    uint32_t get(unsigned n) {
        if (cnt < n)
            refill();
        return take(n);
    }
    // Drops the bits up to the next byte boundary and unreads whole buffered bytes, so that
    // in[pos] is the next byte.
    void to_byte_boundary() {
        drop(cnt % 8);
        pos -= cnt / 8;
        buf = 0;
        cnt = 0;
    }
};

// Builds a code from symbol lengths (0 = unused). Over-subscribed length sets are refused;
// incomplete ones too, except a lone code of length one or no code at all (which
// encoders emit for distance codes), when `lenient`.
bool build_code(HuffmanCode& h, const uint8_t* lens, unsigned n, bool lenient) {
    for (auto& c : h.count)
        c = 0;
    for (unsigned i = 0; i < n; i++)
        h.count[lens[i]]++;
    h.count[0] = 0;
    int left = 1;
    unsigned used = 0;
    for (unsigned l = 1; l <= HuffmanCode::kMaxBits; l++) {
        left = left * 2 - h.count[l];
        if (left < 0)
            return false;
        used += h.count[l];
    }
    if (left > 0 && !(lenient && used <= 1 && h.count[1] == used))
        return false;
    uint16_t offset[HuffmanCode::kMaxBits + 2];
    offset[1] = 0;
    for (unsigned l = 1; l <= HuffmanCode::kMaxBits; l++)
        offset[l + 1] = uint16_t(offset[l] + h.count[l]);
    for (unsigned i = 0; i < n; i++)
        if (lens[i])
            h.symbols[offset[lens[i]]++] = uint16_t(i);
    // Short codes into the fast table: a code of length l, read first-bit-first, is the
    // low l bits of the input reversed; every entry with those low bits gets it.
    for (auto& e : h.fast)
        e = 0;
    uint32_t code = 0;
    unsigned k = 0;
    for (unsigned l = 1; l <= HuffmanCode::kFastBits; l++, code <<= 1) {
        for (unsigned j = 0; j < h.count[l]; j++, k++, code++) {
            uint32_t rev = 0;
            for (unsigned b = 0; b < l; b++)
                rev |= ((code >> b) & 1) << (l - 1 - b);
            for (uint32_t i = rev; i < (1u << HuffmanCode::kFastBits); i += 1u << l)
                h.fast[i] = uint16_t(l << 9 | h.symbols[k]);
        }
    }
    return true;
}

// The next symbol, or -1 for a bit pattern that is no code. Needs 15 bits buffered.
int decode_symbol(BitReader& br, const HuffmanCode& h) {
    uint16_t e = h.fast[br.peek(HuffmanCode::kFastBits)];
    if (e) {
        br.drop(e >> 9);
        return e & 0x1ff;
    }
    // Canonical decoding one bit at a time: codes of each length are consecutive numbers,
    // starting where the previous length's left off, doubled.
    uint32_t bits = br.peek(HuffmanCode::kMaxBits);
    int code = 0, first = 0, index = 0;
    for (unsigned l = 1; l <= HuffmanCode::kMaxBits; l++) {
        code |= (bits >> (l - 1)) & 1;
        int count = h.count[l];
        if (code - first < count) {
            br.drop(l);
            return h.symbols[index + code - first];
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

struct Inflater {
    BitReader br;
    uint8_t* out;
    size_t out_cap;
    size_t start; // where this member's output (and window) begins
    size_t pos;
    GzipWorkspace* ws;

    GzipResult run();
    GzipResult stored();
    GzipResult codes(const HuffmanCode& lit, const HuffmanCode& dist);
    GzipResult fixed_codes();
    GzipResult dynamic_codes();
};

GzipResult Inflater::stored() {
    br.to_byte_boundary();
    if (br.len - br.pos < 4)
        return GzipResult::kTruncated;
    const uint8_t* p = br.in + br.pos;
    uint32_t len = p[0] | p[1] << 8, nlen = p[2] | p[3] << 8;
    if ((len ^ 0xffff) != nlen)
        return GzipResult::kCorruptData;
    br.pos += 4;
    if (br.len - br.pos < len)
        return GzipResult::kTruncated;
    if (out_cap - pos < len)
        return GzipResult::kOutputTooSmall;
    memcpy(out + pos, br.in + br.pos, len);
    pos += len;
    br.pos += len;
    return GzipResult::kOk;
}

GzipResult Inflater::codes(const HuffmanCode& lit, const HuffmanCode& dist) {
    for (;;) {
        br.refill();
        int sym = decode_symbol(br, lit);
        if (br.overrun())
            return GzipResult::kTruncated;
        if (sym < 0)
            return GzipResult::kCorruptData;
        if (sym < 256) {
            if (pos >= out_cap)
                return GzipResult::kOutputTooSmall;
            out[pos++] = uint8_t(sym);
            continue;
        }
        if (sym == 256)
            return GzipResult::kOk;
        sym -= 257;
        if (sym >= 29)
            return GzipResult::kCorruptData;
        // At most 15 + 5 + 15 + 13 bits per match: one refill covers it.
        size_t len = kLenBase[sym] + br.take(kLenExtra[sym]);
        int dsym = decode_symbol(br, dist);
        if (dsym < 0 || dsym >= 30)
            return GzipResult::kCorruptData;
        size_t d = kDistBase[dsym] + br.take(kDistExtra[dsym]);
        if (br.overrun())
            return GzipResult::kTruncated;
        if (d > pos - start)
            return GzipResult::kCorruptData;
        if (len > out_cap - pos)
            return GzipResult::kOutputTooSmall;
        uint8_t* dst = out + pos;
        const uint8_t* src = dst - d;
        for (size_t i = 0; i < len; i++)
            dst[i] = src[i];
        pos += len;
    }
}

GzipResult Inflater::fixed_codes() {
    uint8_t* l = ws->lengths;
    for (unsigned i = 0; i < 288; i++)
        l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    // 32 five-bit distance codes, of which 30 and 31 never occur in valid data.
    for (unsigned i = 0; i < 32; i++)
        l[288 + i] = 5;
    if (!build_code(ws->litlen, l, 288, false) || !build_code(ws->dist, l + 288, 32, false))
        return GzipResult::kCorruptData;
    return codes(ws->litlen, ws->dist);
}

GzipResult Inflater::dynamic_codes() {
    br.refill();
    unsigned nlit = br.take(5) + 257, ndist = br.take(5) + 1, nclen = br.take(4) + 4;
    if (nlit > 286 || ndist > 30)
        return GzipResult::kCorruptData;
    uint8_t* l = ws->lengths;
    for (unsigned i = 0; i < 19; i++)
        l[i] = 0;
    br.refill();
    for (unsigned i = 0; i < nclen; i++)
        l[kCodeLengthOrder[i]] = uint8_t(br.take(3));
    if (br.overrun())
        return GzipResult::kTruncated;
    // The code-length code lives in the distance slot until the real codes are built.
    HuffmanCode& clen = ws->dist;
    if (!build_code(clen, l, 19, false))
        return GzipResult::kCorruptData;
    uint8_t lens[288 + 32];
    unsigned n = 0, total = nlit + ndist;
    while (n < total) {
        br.refill();
        int sym = decode_symbol(br, clen);
        if (sym < 0)
            return GzipResult::kCorruptData;
        unsigned value = 0, repeat = 1;
        if (sym < 16) {
            value = unsigned(sym);
        } else if (sym == 16) {
            if (n == 0)
                return GzipResult::kCorruptData;
            value = lens[n - 1];
            repeat = 3 + br.take(2);
        } else if (sym == 17) {
            repeat = 3 + br.take(3);
        } else {
            repeat = 11 + br.take(7);
        }
        if (br.overrun())
            return GzipResult::kTruncated;
        if (repeat > total - n)
            return GzipResult::kCorruptData;
        while (repeat--)
            lens[n++] = uint8_t(value);
    }
    if (lens[256] == 0) // a block must be able to end
        return GzipResult::kCorruptData;
    if (!build_code(ws->litlen, lens, nlit, true) ||
        !build_code(ws->dist, lens + nlit, ndist, true))
        return GzipResult::kCorruptData;
    return codes(ws->litlen, ws->dist);
}

GzipResult Inflater::run() {
    for (;;) {
        br.refill();
        uint32_t last = br.take(1), type = br.take(2);
        if (br.overrun())
            return GzipResult::kTruncated;
        GzipResult r;
        switch (type) {
        case 0:
            r = stored();
            break;
        case 1:
            r = fixed_codes();
            break;
        case 2:
            r = dynamic_codes();
            break;
        default:
            return GzipResult::kCorruptData;
        }
        if (r != GzipResult::kOk)
            return r;
        if (last)
            return GzipResult::kOk;
    }
}

// The header of the member at in[*p]; moves *p past it.
GzipResult parse_header(const uint8_t* in, size_t len, size_t* p) {
    size_t at = *p, i = at;
    if (len - i < 2)
        return len - i == 1 && in[i] == 0x1f ? GzipResult::kTruncated : GzipResult::kBadMagic;
    if (in[i] != 0x1f || in[i + 1] != 0x8b)
        return GzipResult::kBadMagic;
    if (len - i < 10)
        return GzipResult::kTruncated;
    uint8_t flags = in[i + 3];
    if (in[i + 2] != 8 || (flags & 0xe0))
        return GzipResult::kBadHeader;
    i += 10;
    if (flags & kFlagExtra) {
        if (len - i < 2)
            return GzipResult::kTruncated;
        size_t xlen = in[i] | in[i + 1] << 8;
        i += 2;
        if (len - i < xlen)
            return GzipResult::kTruncated;
        i += xlen;
    }
    const uint8_t strings[2] = {kFlagName, kFlagComment}; // zero-terminated fields
    for (uint8_t f : strings) {
        if (!(flags & f))
            continue;
        while (i < len && in[i] != 0)
            i++;
        if (i == len)
            return GzipResult::kTruncated;
        i++;
    }
    if (flags & kFlagHcrc) {
        if (len - i < 2)
            return GzipResult::kTruncated;
        if ((decompress::crc32(in + at, i - at) & 0xffff) != uint32_t(in[i] | in[i + 1] << 8))
            return GzipResult::kBadHeader;
        i += 2;
    }
    *p = i;
    return GzipResult::kOk;
}

} // namespace

const char* gzip_error_string(GzipResult r) {
    switch (r) {
    case GzipResult::kOk:
        return "success";
    case GzipResult::kTruncated:
        return "the gzip data ends early (truncated)";
    case GzipResult::kBadMagic:
        return "not gzip data (no 1f 8b magic)";
    case GzipResult::kBadHeader:
        return "bad gzip header (method not deflate, reserved flags, or header CRC)";
    case GzipResult::kCorruptData:
        return "corrupt deflate data";
    case GzipResult::kCrcMismatch:
        return "gzip CRC32 mismatch: data corrupt";
    case GzipResult::kSizeMismatch:
        return "gzip ISIZE differs from the data's length";
    case GzipResult::kOutputTooSmall:
        return "the decompressed data does not fit the output buffer";
    case GzipResult::kTrailingData:
        return "data after the last gzip member";
    }
    return "unknown gzip error";
}

bool gzip_has_magic(const uint8_t* in, size_t in_len) {
    return in_len >= 3 && in[0] == 0x1f && in[1] == 0x8b && in[2] == 8;
}

GzipResult gzip_uncompressed_size(const uint8_t* in, size_t in_len, uint32_t* size) {
    if (!gzip_has_magic(in, in_len))
        return in_len < 3 ? GzipResult::kTruncated : GzipResult::kBadMagic;
    if (in_len < 18) // the smallest member: 10 header, 2 deflate, 8 trailer
        return GzipResult::kTruncated;
    *size = le32(in + in_len - 4);
    return GzipResult::kOk;
}

GzipResult gzip_decompress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                           size_t* out_len, GzipWorkspace* ws) {
    size_t p = 0, pos = 0;
    GzipResult r = GzipResult::kOk;
    if (in_len == 0)
        r = GzipResult::kTruncated;
    while (r == GzipResult::kOk) {
        if ((r = parse_header(in, in_len, &p)) != GzipResult::kOk)
            break;
        Inflater inf{{in, in_len, p, 0, 0}, out, out_cap, pos, pos, ws};
        r = inf.run();
        pos = inf.pos;
        if (r != GzipResult::kOk)
            break;
        inf.br.to_byte_boundary();
        p = inf.br.pos;
        if (in_len - p < 8) {
            r = GzipResult::kTruncated;
            break;
        }
        size_t produced = pos - inf.start;
        if (decompress::crc32(out + inf.start, produced) != le32(in + p)) {
            r = GzipResult::kCrcMismatch;
            break;
        }
        if (uint32_t(produced) != le32(in + p + 4)) {
            r = GzipResult::kSizeMismatch;
            break;
        }
        p += 8;
        size_t z = p;
        while (z < in_len && in[z] == 0)
            z++;
        if (z == in_len)
            break; // done, perhaps after zero padding
        if (z != p || in[p] != 0x1f)
            r = GzipResult::kTrailingData;
    }
    *out_len = pos;
    return r;
}
