// The LZMA2 decoder under xenon's .xz reader (xz.cpp), for single-call decoding into a
// flat buffer: the output buffer is the dictionary, so no window is kept apart from it.
//
// LZMA2 wraps LZMA in chunks. Each chunk starts with a control byte:
//   0x00         end of the LZMA2 data
//   0x01         uncompressed chunk, after a dictionary reset
//   0x02         uncompressed chunk, dictionary kept
//   0x03..0x7f   invalid
//   0x80..0xff   LZMA chunk; bits 5-6 say what is reset first: 0 nothing, 1 the coder
//                state, 2 the state and new properties follow, 3 those and the dictionary;
//                bits 0-4 are bits 16-20 of (uncompressed size - 1)
// followed, big-endian, by (uncompressed size - 1) low 16 bits, then for LZMA chunks
// (compressed size - 1) and, if announced, the properties byte (lc, lp, pb).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace decompress {

enum class Lzma2Status : uint8_t {
    kOk,
    kTruncated,    // the input ends inside the LZMA2 data
    kCorrupt,      // a bad control byte, chunk order, property or LZMA symbol
    kOutputTooBig, // the data is longer than the room given for it
};

// Adaptive bit probabilities of one LZMA coder: 11-bit fixed-point, all reset to one half.
struct LzmaProbs {
    static constexpr unsigned kStates = 12;
    static constexpr unsigned kPosStatesMax = 16; // pb <= 4
    static constexpr unsigned kLenStates = 4;
    static constexpr unsigned kLiteralCoders = 16; // lc + lp <= 4 in LZMA2

    struct Len {
        uint16_t choice;
        uint16_t choice2;
        uint16_t low[kPosStatesMax][8];
        uint16_t mid[kPosStatesMax][8];
        uint16_t high[256];
    };

    uint16_t is_match[kStates][kPosStatesMax];
    uint16_t is_rep[kStates];
    uint16_t is_rep0[kStates];
    uint16_t is_rep1[kStates];
    uint16_t is_rep2[kStates];
    uint16_t is_rep0_long[kStates][kPosStatesMax];
    uint16_t dist_slot[kLenStates][64];
    uint16_t dist_special[114]; // reverse bit trees of distance slots 4..13
    uint16_t align[16];
    Len match_len;
    Len rep_len;
    uint16_t literal[kLiteralCoders][0x300];
};

// The whole decoder state; plain data, set up by lzma2_decode itself.
struct Lzma2State {
    LzmaProbs probs;
    uint32_t state;
    uint32_t rep[4];
    uint32_t lc, lp, pb;
};

struct Lzma2Result {
    Lzma2Status status;
    size_t in_used; // bytes of input read, including the end marker on success
    size_t out_end; // the output position reached
};

// Decodes LZMA2 data from in[0, in_len) into out[out_start, out_cap), with a dictionary of
// dict_size bytes that starts out empty at out_start (as at the start of an .xz block).
// Never reads or writes outside those ranges.
Lzma2Result lzma2_decode(Lzma2State& s, uint32_t dict_size, const uint8_t* in, size_t in_len,
                         uint8_t* out, size_t out_start, size_t out_cap);

} // namespace decompress
