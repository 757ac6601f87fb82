// The gzip/DEFLATE decoder (common/decompress/gzip): vectors made by gzip and zlib (stored,
// fixed and dynamic blocks, a file name, several members), every truncation, random
// corruption, the output bound, and hand-made headers and blocks.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/decompress/crc.h"
#include "common/decompress/gzip.h"
#include "decompress_test_util.h"

namespace {

using dtest::Exact;

struct Decoded {
    GzipResult r;
    size_t len;
    Exact out;
};

Decoded decode(const uint8_t* in, size_t in_len, size_t cap) {
    Exact input(in, in_len);
    Decoded d{GzipResult::kOk, 0, Exact(cap)};
    auto ws = std::make_unique<GzipWorkspace>();
    d.r = gzip_decompress(input.data(), in_len, d.out.data(), cap, &d.len, ws.get());
    EXPECT_LE(d.len, cap);
    return d;
}
Decoded decode(const std::vector<uint8_t>& in, size_t cap) {
    return decode(in.data(), in.size(), cap);
}

const DecompressVector& vec(const std::string& name) {
    for (const auto& v : kGzipVectors)
        if (name == v.name)
            return v;
    ADD_FAILURE() << "no vector " << name;
    return kGzipVectors[0];
}

// Bits least significant first, as DEFLATE packs them; Huffman codes most significant
// bit first.
struct BitWriter {
    std::vector<uint8_t> bytes;
    unsigned used = 0;                  // bits in the last byte
    void bits(uint64_t v, unsigned n) { // n <= 64
        for (unsigned i = 0; i < n; i++) {
            if (used == 0)
                bytes.push_back(0);
            bytes.back() |= uint8_t(((v >> i) & 1) << used);
            used = (used + 1) % 8;
        }
    }
    void code(uint32_t c, unsigned len) {
        for (unsigned i = len; i-- > 0;)
            bits((c >> i) & 1, 1);
    }
    // Fixed-Huffman literal/length symbol.
    void fixed(unsigned sym) {
        if (sym < 144)
            code(0x30 + sym, 8);
        else if (sym < 256)
            code(0x190 + sym - 144, 9);
        else if (sym < 280)
            code(sym - 256, 7);
        else
            code(0xc0 + sym - 280, 8);
    }
};

// A gzip member around raw deflate data, with its trailer for `plain`.
std::vector<uint8_t> member(const std::vector<uint8_t>& deflate, const std::string& plain) {
    std::vector<uint8_t> v = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    v.insert(v.end(), deflate.begin(), deflate.end());
    uint32_t crc = decompress::crc32(reinterpret_cast<const uint8_t*>(plain.data()), plain.size());
    for (uint32_t x : {crc, uint32_t(plain.size())})
        for (int i = 0; i < 4; i++)
            v.push_back(uint8_t(x >> (8 * i)));
    return v;
}

std::string str(const Decoded& d) {
    return std::string(reinterpret_cast<const char*>(d.out.p.get()), d.len);
}

TEST(Gzip, VectorsDecodeExactly) {
    for (const auto& v : kGzipVectors) {
        SCOPED_TRACE(v.name);
        std::vector<uint8_t> want = dtest::expected(v);
        Decoded d = decode(v.data, v.size, want.size());
        ASSERT_EQ(d.r, GzipResult::kOk) << gzip_error_string(d.r);
        EXPECT_TRUE(d.out.equals(want, d.len));
        EXPECT_TRUE(gzip_has_magic(v.data, v.size));
        if (v.piece_count == 1) {
            uint32_t isize = 0;
            EXPECT_EQ(gzip_uncompressed_size(v.data, v.size, &isize), GzipResult::kOk);
            EXPECT_EQ(isize, want.size());
        }
        if (!want.empty()) {
            Decoded tight = decode(v.data, v.size, want.size() - 1);
            EXPECT_EQ(tight.r, GzipResult::kOutputTooSmall) << gzip_error_string(tight.r);
        }
    }
}

TEST(Gzip, EveryTruncationFails) {
    for (const char* name :
         {"gz_name", "gz_fixed", "gz_empty", "gz_stored", "gz_text1", "gz_rle"}) {
        SCOPED_TRACE(name);
        const auto& v = vec(name);
        size_t cap = dtest::expected(v).size();
        for (size_t len = 0; len < v.size; len++) {
            Decoded d = decode(v.data, len, cap);
            ASSERT_NE(d.r, GzipResult::kOk) << "prefix of " << len << " bytes";
        }
        EXPECT_EQ(decode(v.data, v.size - 1, cap).r, GzipResult::kTruncated);
    }
}

TEST(Gzip, RandomCorruption) {
    std::mt19937_64 rng(424242);
    for (const auto& v : kGzipVectors) {
        SCOPED_TRACE(v.name);
        std::vector<uint8_t> want = dtest::expected(v);
        int rounds = want.size() > 100000 ? 40 : 300;
        for (int round = 0; round < rounds; round++) {
            std::vector<uint8_t> in = dtest::bytes(v);
            int flips = 1 + int(rng() % 4);
            for (int f = 0; f < flips; f++)
                in[rng() % in.size()] ^= uint8_t(1 + rng() % 255);
            Decoded d = decode(in, want.size());
            // Header bytes such as MTIME and OS are not protected; the data is.
            if (d.r == GzipResult::kOk) {
                ASSERT_TRUE(d.out.equals(want, d.len)) << "round " << round;
            }
        }
    }
}

TEST(Gzip, RandomGarbageAfterHeader) {
    std::mt19937_64 rng(5);
    for (int round = 0; round < 3000; round++) {
        std::vector<uint8_t> in = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        size_t n = rng() % 200;
        for (size_t i = 0; i < n; i++)
            in.push_back(uint8_t(rng()));
        decode(in, rng() % 2 ? 16 : 70000);
    }
}

TEST(Gzip, OutputBoundIsNeverCrossed) {
    for (const char* name : {"gz_text1", "gz_stored", "gz_fixed", "gz_rle"}) {
        SCOPED_TRACE(name);
        const auto& v = vec(name);
        std::vector<uint8_t> want = dtest::expected(v);
        for (size_t cap = 0; cap < want.size(); cap += 1 + cap / 5)
            ASSERT_EQ(decode(v.data, v.size, cap).r, GzipResult::kOutputTooSmall) << cap;
    }
}

TEST(Gzip, HeaderFields) {
    const auto& v = vec("gz_text1");
    std::vector<uint8_t> body(v.data + 10, v.data + v.size); // deflate data and trailer
    std::vector<uint8_t> want = dtest::expected(v);
    // FEXTRA, FNAME, FCOMMENT and FHCRC all present.
    std::vector<uint8_t> h = {0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 1, 2, 3, 4, 0, 3};
    h.insert(h.end(), {3, 0, 'a', 'b', 'c'});
    h.insert(h.end(), {'n', 'a', 'm', 'e', 0});
    h.insert(h.end(), {'h', 'i', 0});
    uint32_t hcrc = decompress::crc32(h.data(), h.size());
    h.push_back(uint8_t(hcrc)), h.push_back(uint8_t(hcrc >> 8));
    std::vector<uint8_t> in = h;
    in.insert(in.end(), body.begin(), body.end());
    Decoded d = decode(in, want.size());
    ASSERT_EQ(d.r, GzipResult::kOk) << gzip_error_string(d.r);
    EXPECT_TRUE(d.out.equals(want, d.len));
    // Every truncation inside the header is reported as such.
    for (size_t len = 0; len < h.size(); len++)
        EXPECT_EQ(decode(in.data(), len, want.size()).r, GzipResult::kTruncated) << len;
    in[h.size() - 1] ^= 1; // header CRC16
    EXPECT_EQ(decode(in, want.size()).r, GzipResult::kBadHeader);

    std::vector<uint8_t> bad(v.data, v.data + v.size);
    bad[2] = 7; // not deflate
    EXPECT_EQ(decode(bad, want.size()).r, GzipResult::kBadHeader);
    bad[2] = 8, bad[3] = 0x20; // reserved flag
    EXPECT_EQ(decode(bad, want.size()).r, GzipResult::kBadHeader);
    bad[3] = 0, bad[0] = 0x1e;
    EXPECT_EQ(decode(bad, want.size()).r, GzipResult::kBadMagic);
}

TEST(Gzip, TrailerAndMembers) {
    const auto& v = vec("gz_name");
    std::vector<uint8_t> want = dtest::expected(v);
    std::vector<uint8_t> in(v.data, v.data + v.size);
    {
        auto t = in;
        t[t.size() - 8] ^= 1;
        EXPECT_EQ(decode(t, want.size()).r, GzipResult::kCrcMismatch);
        t = in;
        t[t.size() - 1] ^= 1;
        EXPECT_EQ(decode(t, want.size()).r, GzipResult::kSizeMismatch);
    }
    {
        auto t = in; // zero padding after the member is accepted, as gzip does
        t.insert(t.end(), 9, 0);
        Decoded d = decode(t, want.size());
        EXPECT_EQ(d.r, GzipResult::kOk);
        EXPECT_TRUE(d.out.equals(want, d.len));
        t.push_back(1);
        EXPECT_EQ(decode(t, want.size()).r, GzipResult::kTrailingData);
    }
    {
        auto t = in; // two members
        t.insert(t.end(), in.begin(), in.end());
        std::vector<uint8_t> twice = want;
        twice.insert(twice.end(), want.begin(), want.end());
        Decoded d = decode(t, twice.size());
        EXPECT_EQ(d.r, GzipResult::kOk);
        EXPECT_TRUE(d.out.equals(twice, d.len));
        t.insert(t.end(), {0x1f, 0x8b, 8});
        EXPECT_EQ(decode(t, twice.size()).r, GzipResult::kTruncated);
    }
    EXPECT_EQ(decode(nullptr, 0, 16).r, GzipResult::kTruncated);
}

TEST(Gzip, HandMadeBlocks) {
    {
        // Fixed Huffman: 'a', then a match of length 3 at distance 1, then end: "aaaa".
        BitWriter w;
        w.bits(1, 1), w.bits(1, 2);
        w.fixed('a');
        w.fixed(257), w.code(0, 5);
        w.fixed(256);
        Decoded d = decode(member(w.bytes, "aaaa"), 16);
        EXPECT_EQ(d.r, GzipResult::kOk) << gzip_error_string(d.r);
        EXPECT_EQ(str(d), "aaaa");
    }
    {
        // A distance reaching before the start of the data.
        BitWriter w;
        w.bits(1, 1), w.bits(1, 2);
        w.fixed('a');
        w.fixed(257), w.code(1, 5); // distance 2
        w.fixed(256);
        EXPECT_EQ(decode(member(w.bytes, "aaaa"), 16).r, GzipResult::kCorruptData);
    }
    {
        // Length symbols 286/287 and distance codes 30/31 exist in the fixed code but are
        // invalid.
        BitWriter w;
        w.bits(1, 1), w.bits(1, 2);
        w.fixed('a');
        w.fixed(286);
        EXPECT_EQ(decode(member(w.bytes, "a"), 16).r, GzipResult::kCorruptData);
        BitWriter x;
        x.bits(1, 1), x.bits(1, 2);
        x.fixed('a');
        x.fixed(257), x.code(30, 5);
        EXPECT_EQ(decode(member(x.bytes, "a"), 16).r, GzipResult::kCorruptData);
    }
    {
        // Block type 3 is reserved.
        BitWriter w;
        w.bits(1, 1), w.bits(3, 2);
        EXPECT_EQ(decode(member(w.bytes, ""), 16).r, GzipResult::kCorruptData);
    }
    {
        // Stored: LEN and NLEN must be complements.
        std::vector<uint8_t> ok = {0x01, 0x03, 0x00, 0xfc, 0xff, 'x', 'y', 'z'};
        Decoded d = decode(member(ok, "xyz"), 16);
        EXPECT_EQ(d.r, GzipResult::kOk);
        EXPECT_EQ(str(d), "xyz");
        std::vector<uint8_t> bad = {0x01, 0x03, 0x00, 0xfd, 0xff, 'x', 'y', 'z'};
        EXPECT_EQ(decode(member(bad, "xyz"), 16).r, GzipResult::kCorruptData);
        // A non-final stored block followed by a final empty one.
        std::vector<uint8_t> two = {0x00, 0x01, 0x00, 0xfe, 0xff, 'q',
                                    0x01, 0x00, 0x00, 0xff, 0xff};
        d = decode(member(two, "q"), 16);
        EXPECT_EQ(d.r, GzipResult::kOk);
        EXPECT_EQ(str(d), "q");
    }
    {
        // Dynamic: a code-length code with no codes at all, and an over-subscribed one.
        BitWriter w;
        w.bits(1, 1), w.bits(2, 2);
        w.bits(0, 5), w.bits(0, 5), w.bits(0, 4);
        w.bits(0, 12);
        w.bits(0, 64);
        EXPECT_EQ(decode(member(w.bytes, ""), 16).r, GzipResult::kCorruptData);
        BitWriter x;
        x.bits(1, 1), x.bits(2, 2);
        x.bits(0, 5), x.bits(0, 5), x.bits(0, 4);
        x.bits(1, 3), x.bits(1, 3), x.bits(1, 3), x.bits(0, 3);
        x.bits(0, 64);
        EXPECT_EQ(decode(member(x.bytes, ""), 16).r, GzipResult::kCorruptData);
    }
    {
        // Dynamic: a repeat (symbol 16) with nothing before it.
        // Code-length code: symbols 16, 17, 18 and 0 of length 2 (a complete code);
        // canonical order by symbol value: 0 -> 00, 16 -> 01, 17 -> 10, 18 -> 11.
        BitWriter y;
        y.bits(1, 1), y.bits(2, 2);
        y.bits(0, 5), y.bits(0, 5), y.bits(0, 4);
        for (int i = 0; i < 4; i++)
            y.bits(2, 3);
        y.code(1, 2); // symbol 16 first
        y.bits(0, 64);
        EXPECT_EQ(decode(member(y.bytes, ""), 16).r, GzipResult::kCorruptData);
    }
}

} // namespace
