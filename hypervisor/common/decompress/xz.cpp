// The .xz container, after the .xz file-format specification:
//
//   stream  = header(12) block* index footer(12), then stream padding (zeros, 4n bytes)
//   header  = FD '7' 'z' 'X' 'Z' 00, flags(2), CRC32(flags)
//   block   = block header, compressed data, padding to 4, check (0/4/8/32 bytes)
//   bheader = size ((byte + 1) * 4), flags, [compressed size], [uncompressed size],
//             filter flags (id, properties size, properties)..., zero padding, CRC32
//   index   = 00, record count, (unpadded size, uncompressed size)..., zero padding to 4,
//             CRC32
//   footer  = CRC32, backward size ((index size / 4) - 1), flags(2), 'Y' 'Z'
//
// Integers in headers and the index are "variable-length integers": seven bits a byte,
// least significant first, top bit set on all but the last byte, at most nine bytes, no
// superfluous trailing zero byte.
#include "common/decompress/xz.h"

#include "common/decompress/bcj_x86.h"
#include "common/decompress/crc.h"
#include "lib/string.h"

namespace {

using decompress::crc32;
using decompress::crc64_update;

constexpr uint8_t kMagic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
constexpr size_t kHeaderSize = 12;
constexpr size_t kFooterSize = 12;
constexpr uint64_t kVliMax = (1ull << 63) - 1;

enum : uint8_t { kCheckNone = 0x0, kCheckCrc32 = 0x1, kCheckCrc64 = 0x4, kCheckSha256 = 0xa };
enum : uint64_t { kFilterX86 = 0x04, kFilterLzma2 = 0x21 };

uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint64_t round_up4(uint64_t v) {
    return (v + 3) & ~3ull;
}

enum class Vli { kOk, kEnd, kBad };

// A variable-length integer from in[*pos, limit).
Vli read_vli(const uint8_t* in, size_t limit, size_t* pos, uint64_t* out) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 9; i++) {
        if (*pos >= limit)
            return Vli::kEnd;
        uint8_t b = in[(*pos)++];
        v |= uint64_t(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            if (b == 0 && i > 0)
                return Vli::kBad;
            *out = v;
            return Vli::kOk;
        }
    }
    return Vli::kBad;
}

size_t check_size(uint8_t check) {
    return check == kCheckCrc32 ? 4 : check == kCheckCrc64 ? 8 : 0;
}

// The stream flags (two bytes, shared by header and footer) give the check type.
XzResult parse_flags(const uint8_t* f, uint8_t* check) {
    if (f[0] != 0 || (f[1] & 0xf0))
        return XzResult::kBadHeader;
    *check = f[1] & 0x0f;
    if (*check != kCheckNone && *check != kCheckCrc32 && *check != kCheckCrc64)
        return XzResult::kUnsupportedCheck;
    return XzResult::kOk;
}

XzResult parse_stream_header(const uint8_t* in, size_t in_len, uint8_t* check) {
    if (in_len < sizeof(kMagic))
        return in_len == 0 || memcmp(in, kMagic, in_len) == 0 ? XzResult::kTruncated
                                                              : XzResult::kBadMagic;
    if (memcmp(in, kMagic, sizeof(kMagic)) != 0)
        return XzResult::kBadMagic;
    if (in_len < kHeaderSize)
        return XzResult::kTruncated;
    if (crc32(in + 6, 2) != le32(in + 8))
        return XzResult::kBadHeader;
    return parse_flags(in + 6, check);
}

// What the blocks of a stream added up to, to compare with what its index says. The hash
// runs over the (unpadded size, uncompressed size) pairs in order.
struct RecordSum {
    uint64_t count = 0;
    uint64_t unpadded = 0;
    uint64_t uncompressed = 0;
    uint64_t hash = 0;

    void add(uint64_t unp, uint64_t unc) {
        uint8_t pair[16];
        for (int i = 0; i < 8; i++)
            pair[i] = uint8_t(unp >> (8 * i)), pair[8 + i] = uint8_t(unc >> (8 * i));
        count++;
        unpadded += unp;
        uncompressed += unc;
        hash = crc64_update(hash, pair, sizeof(pair));
    }
    bool operator==(const RecordSum& o) const {
        return count == o.count && unpadded == o.unpadded && uncompressed == o.uncompressed &&
               hash == o.hash;
    }
};

struct Filters {
    bool x86 = false;
    uint32_t x86_start = 0;
    uint32_t dict_size = 0;
};

XzResult parse_filters(const uint8_t* h, size_t* hi, size_t limit, unsigned count, Filters* f) {
    for (unsigned n = 0; n < count; n++) {
        uint64_t id, psize;
        if (read_vli(h, limit, hi, &id) != Vli::kOk || read_vli(h, limit, hi, &psize) != Vli::kOk)
            return XzResult::kBadBlockHeader;
        if (psize > limit - *hi)
            return XzResult::kBadBlockHeader;
        const uint8_t* props = h + *hi;
        *hi += psize;
        bool last = n + 1 == count;
        if (id == kFilterLzma2) {
            if (!last)
                return XzResult::kUnsupportedFilter;
            if (psize != 1 || (props[0] & 0xc0) || (props[0] & 0x3f) > 40)
                return XzResult::kBadBlockHeader;
            unsigned d = props[0];
            f->dict_size = d == 40 ? 0xffffffffu : (2u | (d & 1)) << (d / 2 + 11);
        } else if (id == kFilterX86) {
            if (last || f->x86)
                return XzResult::kUnsupportedFilter;
            if (psize != 0 && psize != 4)
                return XzResult::kBadBlockHeader;
            f->x86 = true;
            f->x86_start = psize ? le32(props) : 0;
        } else {
            return XzResult::kUnsupportedFilter;
        }
    }
    return XzResult::kOk;
}

struct StreamDecoder {
    const uint8_t* in;
    size_t in_len;
    uint8_t* out;
    size_t out_cap;
    size_t out_pos; // where the next block's data goes
    XzWorkspace* ws;
    uint8_t check;
    RecordSum blocks;

    XzResult block(size_t* pos);
    XzResult index_and_footer(size_t* pos, const uint8_t* header_flags);
};

// The block whose header starts at in[*pos] (its first byte is not zero).
XzResult StreamDecoder::block(size_t* pos) {
    const size_t hp = *pos;
    const size_t hsize = (size_t(in[hp]) + 1) * 4;
    if (in_len - hp < hsize)
        return XzResult::kTruncated;
    const uint8_t* h = in + hp;
    const size_t hlimit = hsize - 4;
    if (crc32(h, hlimit) != le32(h + hlimit))
        return XzResult::kBadBlockHeader;
    uint8_t flags = h[1];
    if (flags & 0x3c)
        return XzResult::kBadBlockHeader;
    size_t hi = 2;
    bool have_csize = flags & 0x40, have_usize = flags & 0x80;
    uint64_t csize = 0, usize = 0;
    if (have_csize && (read_vli(h, hlimit, &hi, &csize) != Vli::kOk || csize == 0))
        return XzResult::kBadBlockHeader;
    if (have_usize && read_vli(h, hlimit, &hi, &usize) != Vli::kOk)
        return XzResult::kBadBlockHeader;
    Filters filters;
    if (XzResult r = parse_filters(h, &hi, hlimit, (flags & 3) + 1, &filters); r != XzResult::kOk)
        return r;
    for (; hi < hlimit; hi++)
        if (h[hi] != 0)
            return XzResult::kBadBlockHeader;

    // The compressed data: up to the size the header gives, or as far as LZMA2 goes.
    const size_t data = hp + hsize;
    size_t avail = in_len - data;
    if (have_csize) {
        if (csize > avail)
            return XzResult::kTruncated;
        avail = size_t(csize);
    }
    size_t limit = out_cap;
    bool limited_by_usize = have_usize && usize < out_cap - out_pos;
    if (limited_by_usize)
        limit = out_pos + size_t(usize);
    decompress::Lzma2Result r = decompress::lzma2_decode(ws->lzma2, filters.dict_size, in + data,
                                                         avail, out, out_pos, limit);
    switch (r.status) {
    case decompress::Lzma2Status::kOk:
        break;
    case decompress::Lzma2Status::kTruncated:
        return have_csize ? XzResult::kSizeMismatch : XzResult::kTruncated;
    case decompress::Lzma2Status::kCorrupt:
        return XzResult::kCorruptData;
    case decompress::Lzma2Status::kOutputTooBig:
        return limited_by_usize ? XzResult::kSizeMismatch : XzResult::kOutputTooSmall;
    }
    const size_t used = r.in_used;
    const size_t produced = r.out_end - out_pos;
    if ((have_csize && used != csize) || (have_usize && produced != usize))
        return XzResult::kSizeMismatch;
    if (filters.x86)
        decompress::bcj_x86_decode(out + out_pos, produced, filters.x86_start);

    size_t p = data + used;
    for (size_t pad = round_up4(used) - used; pad; pad--, p++) {
        if (p >= in_len)
            return XzResult::kTruncated;
        if (in[p] != 0)
            return XzResult::kBadPadding;
    }
    const size_t csum = check_size(check);
    if (in_len - p < csum)
        return XzResult::kTruncated;
    if (check == kCheckCrc32 && decompress::crc32(out + out_pos, produced) != le32(in + p))
        return XzResult::kCheckMismatch;
    if (check == kCheckCrc64 && decompress::crc64(out + out_pos, produced) !=
                                    (uint64_t(le32(in + p)) | uint64_t(le32(in + p + 4)) << 32))
        return XzResult::kCheckMismatch;
    p += csum;

    blocks.add(hsize + used + csum, produced);
    out_pos += produced;
    *pos = p;
    return XzResult::kOk;
}

// The index at in[*pos] (its indicator byte is zero) and the footer after it.
XzResult StreamDecoder::index_and_footer(size_t* pos, const uint8_t* header_flags) {
    const size_t start = *pos;
    size_t p = start + 1;
    auto vli_error = [](Vli v) {
        return v == Vli::kEnd ? XzResult::kTruncated : XzResult::kBadIndex;
    };
    uint64_t count;
    if (Vli v = read_vli(in, in_len, &p, &count); v != Vli::kOk)
        return vli_error(v);
    if (count != blocks.count)
        return XzResult::kBadIndex;
    RecordSum listed;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t unpadded, uncompressed;
        if (Vli v = read_vli(in, in_len, &p, &unpadded); v != Vli::kOk)
            return vli_error(v);
        if (Vli v = read_vli(in, in_len, &p, &uncompressed); v != Vli::kOk)
            return vli_error(v);
        listed.add(unpadded, uncompressed);
    }
    while ((p - start) % 4) {
        if (p >= in_len)
            return XzResult::kTruncated;
        if (in[p++] != 0)
            return XzResult::kBadIndex;
    }
    if (in_len - p < 4)
        return XzResult::kTruncated;
    if (crc32(in + start, p - start) != le32(in + p))
        return XzResult::kBadIndex;
    p += 4;
    if (!(listed == blocks))
        return XzResult::kBadIndex;

    const size_t index_size = p - start;
    if (in_len - p < kFooterSize)
        return XzResult::kTruncated;
    const uint8_t* f = in + p;
    if (f[10] != 'Y' || f[11] != 'Z' || crc32(f + 4, 6) != le32(f))
        return XzResult::kBadFooter;
    if ((uint64_t(le32(f + 4)) + 1) * 4 != index_size || f[8] != header_flags[0] ||
        f[9] != header_flags[1])
        return XzResult::kBadFooter;
    *pos = p + kFooterSize;
    return XzResult::kOk;
}

XzResult decode_stream(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                       size_t* out_pos, size_t* in_used, XzWorkspace* ws) {
    StreamDecoder s{in, in_len, out, out_cap, *out_pos, ws, 0, {}};
    XzResult r = parse_stream_header(in, in_len, &s.check);
    size_t pos = kHeaderSize;
    while (r == XzResult::kOk) {
        if (pos >= in_len) {
            r = XzResult::kTruncated;
            break;
        }
        if (in[pos] == 0) {
            r = s.index_and_footer(&pos, in + 6);
            break;
        }
        r = s.block(&pos);
    }
    *out_pos = s.out_pos;
    *in_used = pos;
    return r;
}

} // namespace

const char* xz_error_string(XzResult r) {
    switch (r) {
    case XzResult::kOk:
        return "success";
    case XzResult::kTruncated:
        return "the .xz data ends early (truncated)";
    case XzResult::kBadMagic:
        return "not .xz data (no stream header magic)";
    case XzResult::kBadHeader:
        return "bad .xz stream header (reserved flags or CRC32)";
    case XzResult::kUnsupportedCheck:
        return "unsupported .xz integrity check (only none, CRC32 and CRC64 are supported; "
               "not SHA-256)";
    case XzResult::kBadBlockHeader:
        return "bad .xz block header";
    case XzResult::kUnsupportedFilter:
        return "unsupported .xz filter chain (only LZMA2, optionally after BCJ-x86)";
    case XzResult::kCorruptData:
        return "corrupt LZMA2 data";
    case XzResult::kSizeMismatch:
        return ".xz block sizes differ from its header";
    case XzResult::kCheckMismatch:
        return ".xz block check (CRC) mismatch: data corrupt";
    case XzResult::kBadIndex:
        return "bad .xz index (malformed, or disagrees with the blocks)";
    case XzResult::kBadFooter:
        return "bad .xz stream footer";
    case XzResult::kBadPadding:
        return "bad .xz padding (non-zero or misaligned)";
    case XzResult::kOutputTooSmall:
        return "the decompressed data does not fit the output buffer";
    case XzResult::kTrailingData:
        return "data after the last .xz stream";
    }
    return "unknown xz error";
}

bool xz_has_magic(const uint8_t* in, size_t in_len) {
    return in_len >= sizeof(kMagic) && memcmp(in, kMagic, sizeof(kMagic)) == 0;
}

XzResult xz_decompress_stream(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                              size_t* out_len, size_t* in_used, XzWorkspace* ws) {
    size_t out_pos = 0;
    XzResult r = decode_stream(in, in_len, out, out_cap, &out_pos, in_used, ws);
    *out_len = out_pos;
    return r;
}

XzResult xz_decompress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                       size_t* out_len, XzWorkspace* ws) {
    size_t pos = 0, out_pos = 0;
    XzResult r = XzResult::kOk;
    if (in_len == 0) {
        *out_len = 0;
        return XzResult::kTruncated;
    }
    for (;;) {
        size_t used = 0;
        r = decode_stream(in + pos, in_len - pos, out, out_cap, &out_pos, &used, ws);
        if (r != XzResult::kOk)
            break;
        pos += used;
        size_t zeros = pos;
        while (zeros < in_len && in[zeros] == 0)
            zeros++;
        if ((zeros - pos) % 4) {
            r = XzResult::kBadPadding;
            break;
        }
        pos = zeros;
        if (pos == in_len)
            break;
        if (!xz_has_magic(in + pos, in_len - pos)) {
            r = XzResult::kTrailingData;
            break;
        }
    }
    *out_len = out_pos;
    return r;
}

XzResult xz_uncompressed_size(const uint8_t* in, size_t in_len, uint64_t* size) {
    size_t end = in_len;
    uint64_t total = 0;
    for (bool first = true; first || end > 0; first = false) {
        // Stream padding after the stream, in whole 4-byte units; none before the first.
        while (end >= 4 && le32(in + end - 4) == 0)
            end -= 4;
        if (end == 0)
            return first ? (in_len ? XzResult::kBadMagic : XzResult::kTruncated)
                         : XzResult::kBadPadding;
        if (end < kHeaderSize + kFooterSize)
            return xz_has_magic(in, end) ? XzResult::kTruncated : XzResult::kBadMagic;
        // Footer, then the index it points back to.
        const uint8_t* f = in + end - kFooterSize;
        if (f[10] != 'Y' || f[11] != 'Z' || crc32(f + 4, 6) != le32(f))
            return XzResult::kBadFooter;
        uint64_t index_size = (uint64_t(le32(f + 4)) + 1) * 4;
        if (index_size > end - kFooterSize - kHeaderSize)
            return XzResult::kBadFooter;
        const size_t istart = end - kFooterSize - size_t(index_size);
        const size_t iend = end - kFooterSize - 4; // where its CRC32 is
        if (in[istart] != 0 || crc32(in + istart, iend - istart) != le32(in + iend))
            return XzResult::kBadIndex;
        size_t p = istart + 1;
        uint64_t count, blocks_size = 0, stream_size = 0;
        if (read_vli(in, iend, &p, &count) != Vli::kOk)
            return XzResult::kBadIndex;
        for (uint64_t i = 0; i < count; i++) {
            uint64_t unpadded, uncompressed;
            if (read_vli(in, iend, &p, &unpadded) != Vli::kOk ||
                read_vli(in, iend, &p, &uncompressed) != Vli::kOk || unpadded == 0 ||
                unpadded > kVliMax - 3)
                return XzResult::kBadIndex;
            blocks_size += round_up4(unpadded);
            stream_size += uncompressed;
            if (blocks_size > kVliMax || stream_size > kVliMax)
                return XzResult::kBadIndex;
        }
        if (iend - p > 3)
            return XzResult::kBadIndex;
        for (; p < iend; p++)
            if (in[p] != 0)
                return XzResult::kBadIndex;
        if (blocks_size > istart - kHeaderSize)
            return XzResult::kBadIndex;
        const size_t sstart = istart - size_t(blocks_size) - kHeaderSize;
        uint8_t check;
        if (XzResult r = parse_stream_header(in + sstart, kHeaderSize, &check); r != XzResult::kOk)
            return r;
        if (in[sstart + 6] != f[8] || in[sstart + 7] != f[9])
            return XzResult::kBadFooter;
        total += stream_size;
        if (total > kVliMax)
            return XzResult::kBadIndex;
        end = sstart;
    }
    *size = total;
    return XzResult::kOk;
}
