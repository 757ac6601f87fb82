// A single-call gzip (RFC 1952) / DEFLATE (RFC 1951) decoder into a flat output buffer,
// which doubles as the 32 KiB window. Freestanding, and every input byte is untrusted:
// bad or truncated input gives an error, never an access outside the given buffers, and
// decoding always ends.
//
// Supported: stored, fixed-Huffman and dynamic-Huffman blocks; the optional header fields
// (extra, name, comment, header CRC16); the CRC32 and ISIZE trailer; several members one
// after the other, and zero bytes after the last (as some tools pad).
#pragma once
#include <stddef.h>
#include <stdint.h>

enum class GzipResult : uint8_t {
    kOk,
    kTruncated,      // the input ends early
    kBadMagic,       // not gzip data (1f 8b)
    kBadHeader,      // a method other than deflate, reserved flags, or a bad header CRC16
    kCorruptData,    // deflate data that does not decode
    kCrcMismatch,    // the trailer's CRC32 differs from the data's
    kSizeMismatch,   // the trailer's ISIZE differs from the data's length
    kOutputTooSmall, // the data does not fit in the output buffer
    kTrailingData,   // something other than zeros or another member after a member
};

const char* gzip_error_string(GzipResult r);

namespace decompress {

// A canonical Huffman code: symbols ordered by code, and a table indexed by the next
// kFastBits input bits that resolves every code no longer than that.
struct HuffmanCode {
    static constexpr unsigned kFastBits = 10;
    static constexpr unsigned kMaxBits = 15;
    uint16_t count[kMaxBits + 1]; // codes of each length
    uint16_t symbols[288];
    uint16_t fast[1u << kFastBits]; // (length << 9) | symbol; 0: longer code or none
};

} // namespace decompress

// The decoder's working memory (about 7 KiB), provided by the caller; no initialisation
// needed.
struct GzipWorkspace {
    decompress::HuffmanCode litlen;
    decompress::HuffmanCode dist;
    uint8_t lengths[288 + 32];
};

// Decodes all the members of a gzip file into out[0, out_cap); *out_len is the number of
// bytes produced (meaningful on success).
GzipResult gzip_decompress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                           size_t* out_len, GzipWorkspace* ws);

// The uncompressed size the last member's trailer gives (ISIZE, the size modulo 2^32):
// the size of a single-member file below 4 GiB that ends exactly at in_len.
GzipResult gzip_uncompressed_size(const uint8_t* in, size_t in_len, uint32_t* size);

// Whether the bytes start like a gzip member (1f 8b, method deflate).
bool gzip_has_magic(const uint8_t* in, size_t in_len);
