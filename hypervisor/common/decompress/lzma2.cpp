// LZMA2 chunks and the LZMA decoder beneath them, written from the published descriptions
// of the formats (the .xz file-format specification and the LZMA algorithm).
//
// Every input byte is untrusted. The range decoder never reads past its chunk (past the
// end it shifts in zeros and remembers that it did, which fails the chunk); every symbol
// writes at least one byte and a chunk writes exactly its announced size, so decoding
// always ends; every match distance is checked against the bytes decoded since the last
// dictionary reset and every length against the room left in the chunk.
#include "common/decompress/lzma2.h"

#include "lib/string.h"

namespace decompress {
namespace {

constexpr uint32_t kTop = 1u << 24; // the range is renormalised below this
constexpr unsigned kProbBits = 11;  // probabilities are fractions of 2^11
constexpr unsigned kAdaptShift = 5; // how fast they move
constexpr uint16_t kProbHalf = 1u << (kProbBits - 1);
constexpr uint32_t kEndMarker = 0xffffffffu; // a distance meaning "end of data" (not in LZMA2)

struct RangeDecoder {
    const uint8_t* ip;
    const uint8_t* end;
    uint32_t range;
    uint32_t code;
    bool overrun;

    inline void normalize() {
        if (range < kTop) {
            range <<= 8;
            uint32_t next = 0;
            if (ip < end)
                next = *ip++;
            else
                overrun = true;
            code = (code << 8) | next;
        }
    }
    inline uint32_t bit(uint16_t& prob) {
        uint32_t p = prob;
        uint32_t bound = (range >> kProbBits) * p;
        uint32_t b;
        if (code < bound) {
            range = bound;
            prob = uint16_t(p + (((1u << kProbBits) - p) >> kAdaptShift));
            b = 0;
        } else {
            range -= bound;
            code -= bound;
            prob = uint16_t(p - (p >> kAdaptShift));
            b = 1;
        }
        normalize();
        return b;
    }
    // A symbol of `bits` bits, most significant first, from a tree of probabilities
    // indexed from 1.
    inline uint32_t tree(uint16_t* probs, unsigned bits) {
        uint32_t m = 1;
        for (unsigned i = 0; i < bits; i++)
            m = (m << 1) | bit(probs[m]);
        return m - (1u << bits);
    }
    // The same, least significant bit first; probs[1 .. 2^bits - 1] are used.
    inline uint32_t reverse_tree(uint16_t* probs, unsigned bits) {
        uint32_t m = 1, sym = 0;
        for (unsigned i = 0; i < bits; i++) {
            uint32_t b = bit(probs[m]);
            m = (m << 1) | b;
            sym |= b << i;
        }
        return sym;
    }
    // Bits of probability one half, most significant first.
    inline uint32_t direct(unsigned bits) {
        uint32_t v = 0;
        for (unsigned i = 0; i < bits; i++) {
            range >>= 1;
            uint32_t b = code >= range;
            if (b)
                code -= range;
            v = (v << 1) | b;
            normalize();
        }
        return v;
    }
};

inline uint32_t decode_len(RangeDecoder& rc, LzmaProbs::Len& l, uint32_t pos_state) {
    if (!rc.bit(l.choice))
        return 2 + rc.tree(l.low[pos_state], 3);
    if (!rc.bit(l.choice2))
        return 10 + rc.tree(l.mid[pos_state], 3);
    return 18 + rc.tree(l.high, 8);
}

// A match distance minus one. Slots 0-3 are the distance itself; a higher slot gives the
// top two bits and the bit count, the rest come from a reverse bit tree (slots 4-13) or
// from direct bits followed by four "align" bits (slots 14-63).
inline uint32_t decode_dist(RangeDecoder& rc, LzmaProbs& p, uint32_t len) {
    uint32_t len_state = len - 2 < LzmaProbs::kLenStates ? len - 2 : LzmaProbs::kLenStates - 1;
    uint32_t slot = rc.tree(p.dist_slot[len_state], 6);
    if (slot < 4)
        return slot;
    unsigned extra = (slot >> 1) - 1;
    uint32_t dist = (2 | (slot & 1)) << extra;
    if (slot < 14) {
        // Each slot's tree starts at dist_special[dist - slot - 1] and is indexed from 1, so
        // the trees of slots 4..13 tile dist_special[0 .. 113] exactly.
        uint32_t m = 1;
        uint16_t* base = p.dist_special + (dist - slot);
        for (unsigned i = 0; i < extra; i++) {
            uint32_t b = rc.bit(base[m - 1]);
            m = (m << 1) | b;
            dist += b << i;
        }
        return dist;
    }
    dist += rc.direct(extra - 4) << 4;
    return dist + rc.reverse_tree(p.align, 4);
}

bool set_properties(Lzma2State& s, uint8_t props) {
    if (props >= 9 * 5 * 5)
        return false;
    s.lc = props % 9;
    s.lp = (props / 9) % 5;
    s.pb = props / 45;
    return s.lc + s.lp <= 4; // LZMA2's limit, which bounds the literal coders to 16
}

void reset_state(Lzma2State& s) {
    auto* p = reinterpret_cast<uint16_t*>(&s.probs);
    for (size_t i = 0; i < sizeof(s.probs) / sizeof(uint16_t); i++)
        p[i] = kProbHalf;
    s.state = 0;
    s.rep[0] = s.rep[1] = s.rep[2] = s.rep[3] = 0;
}

// After a literal, a match, a repeated match and a one-byte repeat ("short rep"), the
// coder's state (the kinds of the last few symbols) moves on as follows.
inline uint32_t after_literal(uint32_t st) {
    return st < 4 ? 0 : st < 10 ? st - 3 : st - 6;
}
inline uint32_t after_match(uint32_t st) {
    return st < 7 ? 7 : 10;
}
inline uint32_t after_rep(uint32_t st) {
    return st < 7 ? 8 : 11;
}
inline uint32_t after_short_rep(uint32_t st) {
    return st < 7 ? 9 : 11;
}

// One LZMA chunk: exactly out[pos, end) from exactly in[0, packed). The dictionary is
// out[dict_start, pos).
bool lzma_chunk(Lzma2State& s, uint32_t dict_size, const uint8_t* in, size_t packed, uint8_t* out,
                size_t dict_start, size_t pos, size_t end) {
    // The range coder starts with a zero byte and four bytes of code.
    if (packed < 5 || in[0] != 0)
        return false;
    RangeDecoder rc{in + 5, in + packed, 0xffffffffu,
                    uint32_t(in[1]) << 24 | uint32_t(in[2]) << 16 | uint32_t(in[3]) << 8 | in[4],
                    false};
    LzmaProbs& p = s.probs;
    uint32_t state = s.state;
    uint32_t rep0 = s.rep[0], rep1 = s.rep[1], rep2 = s.rep[2], rep3 = s.rep[3];
    const uint32_t pb_mask = (1u << s.pb) - 1, lp_mask = (1u << s.lp) - 1, lc = s.lc;
    // Largest usable distance - 1 is limited by the dictionary size as well as the data.
    const size_t dict_limit = dict_size;

    while (pos < end) {
        if (rc.overrun)
            return false;
        size_t have = pos - dict_start; // bytes in the dictionary
        uint32_t pos_state = uint32_t(have) & pb_mask;
        if (!rc.bit(p.is_match[state][pos_state])) {
            uint32_t prev = have ? out[pos - 1] : 0;
            uint16_t* lit = p.literal[((uint32_t(have) & lp_mask) << lc) + (prev >> (8 - lc))];
            uint32_t sym = 1;
            if (state >= 7) {
                // After a match the literal is coded relative to the byte at rep0.
                if (rep0 >= have)
                    return false;
                uint32_t match = out[pos - rep0 - 1];
                do {
                    uint32_t mbit = (match >> 7) & 1;
                    match <<= 1;
                    uint32_t b = rc.bit(lit[0x100 + (mbit << 8) + sym]);
                    sym = (sym << 1) | b;
                    if (b != mbit)
                        break;
                } while (sym < 0x100);
            }
            while (sym < 0x100)
                sym = (sym << 1) | rc.bit(lit[sym]);
            out[pos++] = uint8_t(sym);
            state = after_literal(state);
            continue;
        }
        uint32_t len;
        if (!rc.bit(p.is_rep[state])) {
            len = decode_len(rc, p.match_len, pos_state);
            uint32_t dist = decode_dist(rc, p, len);
            if (dist == kEndMarker)
                return false;
            rep3 = rep2, rep2 = rep1, rep1 = rep0, rep0 = dist;
            state = after_match(state);
        } else if (!rc.bit(p.is_rep0[state])) {
            if (!rc.bit(p.is_rep0_long[state][pos_state])) {
                if (rep0 >= have || rep0 >= dict_limit)
                    return false;
                out[pos] = out[pos - rep0 - 1];
                pos++;
                state = after_short_rep(state);
                continue;
            }
            len = decode_len(rc, p.rep_len, pos_state);
            state = after_rep(state);
        } else {
            uint32_t dist;
            if (!rc.bit(p.is_rep1[state])) {
                dist = rep1;
            } else {
                if (!rc.bit(p.is_rep2[state])) {
                    dist = rep2;
                } else {
                    dist = rep3;
                    rep3 = rep2;
                }
                rep2 = rep1;
            }
            rep1 = rep0, rep0 = dist;
            len = decode_len(rc, p.rep_len, pos_state);
            state = after_rep(state);
        }
        // A match never reaches before the dictionary nor past the chunk.
        if (rep0 >= have || rep0 >= dict_limit || len > end - pos)
            return false;
        uint8_t* dst = out + pos;
        const uint8_t* src = dst - rep0 - 1;
        for (uint32_t i = 0; i < len; i++)
            dst[i] = src[i];
        pos += len;
    }
    // The chunk must end exactly: all its bytes read and the code run down to zero.
    if (rc.overrun || rc.ip != rc.end || rc.code != 0)
        return false;
    s.state = state;
    s.rep[0] = rep0, s.rep[1] = rep1, s.rep[2] = rep2, s.rep[3] = rep3;
    return true;
}

} // namespace

Lzma2Result lzma2_decode(Lzma2State& s, uint32_t dict_size, const uint8_t* in, size_t in_len,
                         uint8_t* out, size_t out_start, size_t out_cap) {
    size_t ip = 0, pos = out_start, dict_start = out_start;
    bool need_dict_reset = true; // the first chunk must start a dictionary
    bool need_props = true;      // and an LZMA chunk after a reset must bring properties
    auto fail = [&](Lzma2Status st) { return Lzma2Result{st, ip, pos}; };
    if (out_start > out_cap)
        return fail(Lzma2Status::kOutputTooBig);
    for (;;) {
        if (ip >= in_len)
            return fail(Lzma2Status::kTruncated);
        uint32_t control = in[ip++];
        if (control == 0x00)
            return Lzma2Result{Lzma2Status::kOk, ip, pos};
        if (control == 0x01 || control >= 0xe0) {
            need_dict_reset = false;
            need_props = true;
            dict_start = pos;
        } else if (need_dict_reset) {
            return fail(Lzma2Status::kCorrupt);
        }
        if (control < 0x80) {
            if (control > 0x02)
                return fail(Lzma2Status::kCorrupt);
            if (in_len - ip < 2)
                return fail(Lzma2Status::kTruncated);
            size_t size = (size_t(in[ip]) << 8 | in[ip + 1]) + 1;
            ip += 2;
            if (size > out_cap - pos)
                return fail(Lzma2Status::kOutputTooBig);
            if (size > in_len - ip)
                return fail(Lzma2Status::kTruncated);
            memcpy(out + pos, in + ip, size);
            ip += size, pos += size;
            continue;
        }
        if (in_len - ip < 4)
            return fail(Lzma2Status::kTruncated);
        size_t unpacked = ((size_t(control & 0x1f) << 16) | size_t(in[ip]) << 8 | in[ip + 1]) + 1;
        size_t packed = (size_t(in[ip + 2]) << 8 | in[ip + 3]) + 1;
        ip += 4;
        unsigned reset = (control >> 5) & 3;
        if (reset >= 2) {
            if (ip >= in_len)
                return fail(Lzma2Status::kTruncated);
            if (!set_properties(s, in[ip++]))
                return fail(Lzma2Status::kCorrupt);
            need_props = false;
        } else if (need_props) {
            return fail(Lzma2Status::kCorrupt);
        }
        if (reset >= 1)
            reset_state(s);
        if (unpacked > out_cap - pos)
            return fail(Lzma2Status::kOutputTooBig);
        if (packed > in_len - ip)
            return fail(Lzma2Status::kTruncated);
        if (!lzma_chunk(s, dict_size, in + ip, packed, out, dict_start, pos, pos + unpacked))
            return fail(Lzma2Status::kCorrupt);
        ip += packed, pos += unpacked;
    }
}

} // namespace decompress
