// A single-call .xz decoder: a whole .xz file in memory is decoded into a flat output
// buffer, which doubles as the LZMA2 dictionary. Freestanding (no allocation, no library),
// and every input byte is untrusted: bad or truncated input gives an error, never an
// access outside the given buffers, and decoding always ends.
//
// Supported: one or more streams with stream padding; check None, CRC32 or CRC64 (SHA-256
// and the reserved check IDs are refused); any number of blocks, with or without sizes in
// their headers; the filter chains LZMA2 and BCJ-x86 (with or without a start offset)
// followed by LZMA2, which covers what `xz` writes by default and Linux's bzImage payloads.
// The index is checked against the blocks, and the stream footer against the header.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "common/decompress/lzma2.h"

enum class XzResult : uint8_t {
    kOk,
    kTruncated,         // the input ends early
    kBadMagic,          // no .xz stream header where one must be
    kBadHeader,         // a stream header with reserved flags set or a bad CRC32
    kUnsupportedCheck,  // SHA-256 or a reserved check type
    kBadBlockHeader,    // malformed block header (size, flags, CRC32, padding)
    kUnsupportedFilter, // a filter chain other than [BCJ-x86 ->] LZMA2
    kCorruptData,       // LZMA2/LZMA data that does not decode
    kSizeMismatch,      // a block's sizes differ from those its header gives
    kCheckMismatch,     // a block's CRC32/CRC64 does not match its data
    kBadIndex,          // index malformed or disagreeing with the blocks
    kBadFooter,         // stream footer malformed or disagreeing with header or index
    kBadPadding,        // non-zero or misaligned block, index or stream padding
    kOutputTooSmall,    // the data does not fit in the output buffer
    kTrailingData,      // something other than stream padding after the last stream
};

const char* xz_error_string(XzResult r);

// The decoder's working memory (about 28 KiB, mostly LZMA probabilities): more than a
// hypervisor stack should hold, so the caller provides it. No initialisation needed.
struct XzWorkspace {
    decompress::Lzma2State lzma2;
};

// Decodes a complete .xz file (every stream in it, and stream padding) into
// out[0, out_cap); *out_len is the number of bytes produced (meaningful on success).
XzResult xz_decompress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                       size_t* out_len, XzWorkspace* ws);

// Decodes the one stream that starts at in[0] and reports in *in_used where it ends;
// what follows it is not looked at (Linux appends the uncompressed size to its payloads).
XzResult xz_decompress_stream(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                              size_t* out_len, size_t* in_used, XzWorkspace* ws);

// The total uncompressed size of a complete .xz file, from the indexes of its streams,
// read backwards from the end as `xz --list` does (no data is decoded). The result is
// checked for consistency but not against the data: the decoder still bounds its output.
XzResult xz_uncompressed_size(const uint8_t* in, size_t in_len, uint64_t* size);

// Whether the bytes start like an .xz stream (the six magic bytes).
bool xz_has_magic(const uint8_t* in, size_t in_len);
