#include "common/bzimage.h"

#include "lib/string.h"

namespace {

// Offsets in the boot sector / setup header (the x86 boot protocol).
constexpr size_t kSetupSects = 0x1f1;
constexpr size_t kBootFlag = 0x1fe;
constexpr size_t kHeaderMagic = 0x202;
constexpr size_t kVersion = 0x206;
constexpr size_t kLoadFlags = 0x211;
constexpr size_t kPayloadOffset = 0x248;
constexpr size_t kPayloadLength = 0x24c;
constexpr size_t kInitSize = 0x260;
constexpr uint8_t kLoadedHigh = 0x01; // loadflags: protected-mode code at 1 MiB (bzImage)

uint16_t rd16(const uint8_t* p) {
    return uint16_t(p[0] | p[1] << 8);
}
uint32_t rd32(const uint8_t* p) {
    return uint32_t(rd16(p)) | uint32_t(rd16(p + 2)) << 16;
}

bool starts_with(const uint8_t* p, size_t len, const uint8_t* magic, size_t n) {
    return len >= n && memcmp(p, magic, n) == 0;
}

BzCompression detect_compression(const uint8_t* p, size_t len) {
    static constexpr uint8_t kGzip[] = {0x1f, 0x8b};
    static constexpr uint8_t kXz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
    static constexpr uint8_t kBzip2[] = {'B', 'Z', 'h'};
    static constexpr uint8_t kLzma[] = {0x5d, 0x00, 0x00};
    static constexpr uint8_t kLzo[] = {0x89, 'L', 'Z', 'O'};
    static constexpr uint8_t kLz4[] = {0x02, 0x21, 0x4c, 0x18}; // the legacy frame Linux uses
    static constexpr uint8_t kZstd[] = {0x28, 0xb5, 0x2f, 0xfd};
    static constexpr uint8_t kElf[] = {0x7f, 'E', 'L', 'F'};
    if (starts_with(p, len, kGzip, sizeof(kGzip)))
        return BzCompression::kGzip;
    if (starts_with(p, len, kXz, sizeof(kXz)))
        return BzCompression::kXz;
    if (starts_with(p, len, kBzip2, sizeof(kBzip2)))
        return BzCompression::kBzip2;
    if (starts_with(p, len, kLzma, sizeof(kLzma)))
        return BzCompression::kLzma;
    if (starts_with(p, len, kLzo, sizeof(kLzo)))
        return BzCompression::kLzo;
    if (starts_with(p, len, kLz4, sizeof(kLz4)))
        return BzCompression::kLz4;
    if (starts_with(p, len, kZstd, sizeof(kZstd)))
        return BzCompression::kZstd;
    if (starts_with(p, len, kElf, sizeof(kElf)))
        return BzCompression::kNone;
    return BzCompression::kUnknown;
}

} // namespace

const char* bz_compression_name(BzCompression c) {
    switch (c) {
    case BzCompression::kNone:
        return "none (an ELF image)";
    case BzCompression::kGzip:
        return "gzip";
    case BzCompression::kXz:
        return "xz";
    case BzCompression::kBzip2:
        return "bzip2";
    case BzCompression::kLzma:
        return "lzma";
    case BzCompression::kLzo:
        return "lzo";
    case BzCompression::kLz4:
        return "lz4";
    case BzCompression::kZstd:
        return "zstd";
    case BzCompression::kUnknown:
        break;
    }
    return "an unknown format";
}

const char* bzimage_error_string(BzImageError e) {
    switch (e) {
    case BzImageError::kOk:
        return "success";
    case BzImageError::kNotBzImage:
        return "not a Linux x86 boot image (no HdrS header)";
    case BzImageError::kTruncated:
        return "the boot image is shorter than its header says";
    case BzImageError::kOldProtocol:
        return "boot protocol older than 2.08 (no payload fields): too old to unpack";
    case BzImageError::kNotRelocatable:
        return "a zImage (loaded low), not a bzImage";
    case BzImageError::kPayloadOutside:
        return "the payload lies outside the image";
    case BzImageError::kUnsupportedCompression:
        return "the payload is compressed in a format xenon cannot unpack";
    case BzImageError::kBadPayload:
        return "the payload's framing is malformed";
    case BzImageError::kOutputTooSmall:
        return "the output buffer is too small for the kernel";
    case BzImageError::kDecompressFailed:
        return "the payload does not decompress";
    }
    return "unknown bzImage error";
}

bool bzimage_detect(const void* image, size_t size) {
    auto* p = static_cast<const uint8_t*>(image);
    return size >= kVersion + 2 && rd16(p + kBootFlag) == 0xaa55 &&
           memcmp(p + kHeaderMagic, "HdrS", 4) == 0;
}

BzImageError bzimage_open(const void* image, size_t size, BzImage* out) {
    auto* p = static_cast<const uint8_t*>(image);
    *out = BzImage{};
    if (!bzimage_detect(image, size))
        return BzImageError::kNotBzImage;
    out->protocol = rd16(p + kVersion);
    if (out->protocol < 0x0208)
        return BzImageError::kOldProtocol;
    if (size < kInitSize + 4)
        return BzImageError::kTruncated;
    if (!(p[kLoadFlags] & kLoadedHigh))
        return BzImageError::kNotRelocatable;
    size_t setup_sects = p[kSetupSects] ? p[kSetupSects] : 4;
    size_t pm_start = (setup_sects + 1) * 512;
    if (pm_start > size)
        return BzImageError::kTruncated;
    uint64_t off = rd32(p + kPayloadOffset), len = rd32(p + kPayloadLength);
    if (off > size - pm_start || len > size - pm_start - off || len == 0)
        return BzImageError::kPayloadOutside;
    if (out->protocol >= 0x020a)
        out->init_size = rd32(p + kInitSize);
    const uint8_t* pl = p + pm_start + off;
    out->payload = pl;
    out->payload_len = size_t(len);
    out->compression = detect_compression(pl, size_t(len));

    switch (out->compression) {
    case BzCompression::kNone:
        out->decompressed_size = len;
        return BzImageError::kOk;
    case BzCompression::kGzip: {
        uint32_t isize;
        if (gzip_uncompressed_size(pl, size_t(len), &isize) != GzipResult::kOk || isize == 0)
            return BzImageError::kBadPayload;
        out->decompressed_size = isize;
        return BzImageError::kOk;
    }
    case BzCompression::kXz: {
        // The stream ends in its footer magic "YZ", before the size Linux appends (or at
        // the very end, for a payload without it).
        size_t xz_len = size_t(len);
        auto footer_end = [&](size_t at) {
            return at >= 2 && pl[at - 2] == 'Y' && pl[at - 1] == 'Z';
        };
        if (!footer_end(xz_len) && xz_len >= 4 && footer_end(xz_len - 4))
            xz_len -= 4;
        uint64_t total;
        if (xz_uncompressed_size(pl, xz_len, &total) != XzResult::kOk || total == 0)
            return BzImageError::kBadPayload;
        if (xz_len != len && rd32(pl + xz_len) != uint32_t(total))
            return BzImageError::kBadPayload; // the appended size disagrees with the index
        out->payload_len = xz_len;
        out->decompressed_size = total;
        return BzImageError::kOk;
    }
    default:
        return BzImageError::kUnsupportedCompression;
    }
}

BzImageError bzimage_decompress(const BzImage& bz, uint8_t* out, size_t out_cap, size_t* out_len,
                                BzImageWorkspace* ws, const char** detail) {
    *out_len = 0;
    if (detail)
        *detail = "";
    if (out_cap < bz.decompressed_size)
        return BzImageError::kOutputTooSmall;
    size_t produced = 0;
    switch (bz.compression) {
    case BzCompression::kNone:
        memcpy(out, bz.payload, bz.payload_len);
        produced = bz.payload_len;
        break;
    case BzCompression::kGzip:
        if (GzipResult r =
                gzip_decompress(bz.payload, bz.payload_len, out, out_cap, &produced, &ws->gzip);
            r != GzipResult::kOk) {
            if (detail)
                *detail = gzip_error_string(r);
            return BzImageError::kDecompressFailed;
        }
        break;
    case BzCompression::kXz:
        if (XzResult r =
                xz_decompress(bz.payload, bz.payload_len, out, out_cap, &produced, &ws->xz);
            r != XzResult::kOk) {
            if (detail)
                *detail = xz_error_string(r);
            return BzImageError::kDecompressFailed;
        }
        break;
    default:
        return BzImageError::kUnsupportedCompression;
    }
    if (produced != bz.decompressed_size) {
        if (detail)
            *detail = "the decompressed size differs from the one the payload records";
        return BzImageError::kDecompressFailed;
    }
    *out_len = produced;
    return BzImageError::kOk;
}
