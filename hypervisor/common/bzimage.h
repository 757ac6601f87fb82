// Linux x86 bzImage kernels: the boot-protocol header, the compressed vmlinux inside, and
// unpacking it. Distributions ship their kernels this way; for a Xen PV guest the payload
// is the ELF vmlinux with the Xen notes, which the domain builder then loads (as Xen does).
//
// Layout (the x86 boot protocol): the real-mode setup is (setup_sects + 1) * 512 bytes,
// with the header at 0x1f1 ("HdrS" at 0x202, the version at 0x206); the protected-mode
// part follows, and from protocol 2.08 on, payload_offset (0x248) and payload_length
// (0x24c) locate the compressed vmlinux inside that part. Linux appends the uncompressed
// size (4 bytes, little-endian) to payloads whose format does not record it (xz among
// them); payload_length includes those bytes.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "common/decompress/gzip.h"
#include "common/decompress/xz.h"

enum class BzCompression : uint8_t {
    kNone,
    kGzip,
    kXz,
    kBzip2,
    kLzma,
    kLzo,
    kLz4,
    kZstd,
    kUnknown
};

// "gzip", "xz", "zstd", ...; kNone is "none (an ELF image)".
const char* bz_compression_name(BzCompression c);

enum class BzImageError : uint8_t {
    kOk,
    kNotBzImage,             // no boot-protocol header ("HdrS", boot flag 0xaa55)
    kTruncated,              // shorter than its header says
    kOldProtocol,            // before boot protocol 2.08: no payload fields
    kNotRelocatable,         // not a bzImage (loaded low, a zImage)
    kPayloadOutside,         // payload_offset/length point outside the image
    kUnsupportedCompression, // a format xenon has no decoder for (see compression)
    kBadPayload,             // the payload's own framing is wrong (size, trailer, index)
    kOutputTooSmall,         // the output buffer is smaller than the decompressed size
    kDecompressFailed,       // the decoder refused the data (see the detail string)
};

const char* bzimage_error_string(BzImageError e);

struct BzImage {
    uint16_t protocol = 0; // boot protocol version, e.g. 0x020f
    const uint8_t* payload = nullptr;
    size_t payload_len = 0; // of the compressed data proper (no appended size)
    BzCompression compression = BzCompression::kUnknown;
    uint64_t decompressed_size = 0; // what bzimage_decompress will produce
    uint32_t init_size = 0;         // memory the kernel needs to decompress itself (2.10+)
};

// Whether the bytes carry an x86 boot-protocol header (cheap; nothing else is checked).
bool bzimage_detect(const void* image, size_t size);

// Checks the header and the payload's framing and fills *out. On kUnsupportedCompression,
// out->compression says which format it is.
BzImageError bzimage_open(const void* image, size_t size, BzImage* out);

// Working memory for the decoders, provided by the caller (about 28 KiB).
union BzImageWorkspace {
    XzWorkspace xz;
    GzipWorkspace gzip;
};

// Decompresses the payload into out[0, out_cap), which must hold decompressed_size bytes;
// *out_len is the length produced. On kDecompressFailed, *detail (if given) is the
// decoder's own error string.
BzImageError bzimage_decompress(const BzImage& bz, uint8_t* out, size_t out_cap, size_t* out_len,
                                BzImageWorkspace* ws, const char** detail);
