// The .xz decoder (common/decompress): vectors made by XZ Utils, every truncation, random
// corruption, the output bound, hand-made headers and LZMA2 chunk sequences, the CRCs and
// the BCJ x86 filter.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/decompress/bcj_x86.h"
#include "common/decompress/crc.h"
#include "common/decompress/lzma2.h"
#include "common/decompress/xz.h"
#include "decompress_test_util.h"

namespace {

using dtest::Exact;

struct Decoded {
    XzResult r;
    size_t len;
    Exact out;
};

Decoded decode(const uint8_t* in, size_t in_len, size_t cap) {
    Exact input(in, in_len);
    Decoded d{XzResult::kOk, 0, Exact(cap)};
    auto ws = std::make_unique<XzWorkspace>();
    d.r = xz_decompress(input.data(), in_len, d.out.data(), cap, &d.len, ws.get());
    EXPECT_LE(d.len, cap);
    return d;
}
Decoded decode(const std::vector<uint8_t>& in, size_t cap) {
    return decode(in.data(), in.size(), cap);
}

const DecompressVector& vec(const std::string& name) {
    for (const auto& v : kXzVectors)
        if (name == v.name)
            return v;
    ADD_FAILURE() << "no vector " << name;
    return kXzVectors[0];
}

void put_le32(std::vector<uint8_t>& v, size_t at, uint32_t x) {
    for (int i = 0; i < 4; i++)
        v[at + i] = uint8_t(x >> (8 * i));
}

// Stream flags at bytes 6-7, their CRC32 at 8-11: rewrite both consistently.
void set_stream_flags(std::vector<uint8_t>& s, uint8_t b0, uint8_t b1) {
    s[6] = b0, s[7] = b1;
    put_le32(s, 8, decompress::crc32(&s[6], 2));
}

TEST(Crc, KnownValues) {
    const auto* digits = reinterpret_cast<const uint8_t*>("123456789");
    EXPECT_EQ(decompress::crc32(digits, 9), 0xcbf43926u);
    EXPECT_EQ(decompress::crc64(digits, 9), 0x995dc9bbdf1939faull);
    EXPECT_EQ(decompress::crc32(digits, 0), 0u);
    // Piecewise equals whole, across the 8-byte fast path and the byte tail.
    std::vector<uint8_t> t = testgen::text(1000, 1);
    for (size_t cut : {0, 1, 7, 8, 9, 500, 999, 1000}) {
        EXPECT_EQ(decompress::crc32_update(decompress::crc32(t.data(), cut), t.data() + cut,
                                           t.size() - cut),
                  decompress::crc32(t.data(), t.size()));
        EXPECT_EQ(decompress::crc64_update(decompress::crc64(t.data(), cut), t.data() + cut,
                                           t.size() - cut),
                  decompress::crc64(t.data(), t.size()));
    }
}

TEST(Xz, VectorsDecodeExactly) {
    for (const auto& v : kXzVectors) {
        SCOPED_TRACE(v.name);
        std::vector<uint8_t> want = dtest::expected(v);
        Decoded d = decode(v.data, v.size, want.size());
        ASSERT_EQ(d.r, XzResult::kOk) << xz_error_string(d.r);
        EXPECT_TRUE(d.out.equals(want, d.len));
        uint64_t size = ~0ull;
        EXPECT_EQ(xz_uncompressed_size(v.data, v.size, &size), XzResult::kOk);
        EXPECT_EQ(size, want.size());
        // Room to spare changes nothing.
        Decoded roomy = decode(v.data, v.size, want.size() + 4096);
        EXPECT_EQ(roomy.r, XzResult::kOk);
        EXPECT_TRUE(roomy.out.equals(want, roomy.len));
        // One byte short does not fit.
        if (!want.empty()) {
            Decoded tight = decode(v.data, v.size, want.size() - 1);
            EXPECT_EQ(tight.r, XzResult::kOutputTooSmall) << xz_error_string(tight.r);
        }
        EXPECT_TRUE(xz_has_magic(v.data, v.size));
    }
}

TEST(Xz, SingleStreamReportsItsEnd) {
    for (const char* name : {"xz_x86_crc32", "xz_blocks_t2", "xz_empty"}) {
        const auto& v = vec(name);
        std::vector<uint8_t> in = dtest::bytes(v);
        // Linux appends the size after the stream; the stream decoder leaves it alone.
        in.insert(in.end(), {0x12, 0x34, 0x56, 0x78});
        std::vector<uint8_t> want = dtest::expected(v);
        Exact out(want.size());
        size_t len = 0, used = 0;
        auto ws = std::make_unique<XzWorkspace>();
        ASSERT_EQ(xz_decompress_stream(in.data(), in.size(), out.data(), want.size(), &len, &used,
                                       ws.get()),
                  XzResult::kOk);
        EXPECT_EQ(used, v.size);
        EXPECT_TRUE(out.equals(want, len));
        // The whole-file decoder does not accept it.
        EXPECT_EQ(decode(in, want.size()).r, XzResult::kTrailingData);
    }
}

TEST(Xz, EveryTruncationFails) {
    for (const char* name : {"xz_tiny", "xz_empty", "xz_x86_start", "xz_blocks_t1", "xz_blocks_t2",
                             "xz_noise", "xz_mixed"}) {
        SCOPED_TRACE(name);
        const auto& v = vec(name);
        size_t cap = dtest::expected(v).size();
        for (size_t len = 0; len < v.size; len++) {
            Decoded d = decode(v.data, len, cap);
            ASSERT_NE(d.r, XzResult::kOk) << "prefix of " << len << " bytes";
            uint64_t size;
            Exact input(v.data, len);
            ASSERT_NE(xz_uncompressed_size(input.data(), len, &size), XzResult::kOk) << len;
        }
    }
}

TEST(Xz, TruncationNamesItself) {
    const auto& v = vec("xz_x86_crc32");
    EXPECT_EQ(decode(v.data, v.size - 1, 20000).r, XzResult::kTruncated);
    EXPECT_EQ(decode(v.data, v.size / 2, 20000).r, XzResult::kTruncated);
    EXPECT_EQ(decode(v.data, 13, 20000).r, XzResult::kTruncated);
    EXPECT_EQ(decode(v.data, 3, 20000).r, XzResult::kTruncated);
    EXPECT_EQ(decode(v.data, 0, 20000).r, XzResult::kTruncated);
}

// Corrupt bytes: with an integrity check, the decoder either fails or (when the flips
// cancel out or hit nothing that matters) gives exactly the right data; without one, it
// must at least stay inside its buffers, which ASan watches.
TEST(Xz, RandomCorruption) {
    std::mt19937_64 rng(20240611);
    for (const auto& v : kXzVectors) {
        SCOPED_TRACE(v.name);
        std::vector<uint8_t> want = dtest::expected(v);
        if (want.size() > 100000) // the megabyte vectors: fewer rounds below
            continue;
        bool checked = std::string(v.name) != "xz_text_none";
        for (int round = 0; round < 300; round++) {
            std::vector<uint8_t> in = dtest::bytes(v);
            int flips = 1 + int(rng() % 4);
            for (int f = 0; f < flips; f++)
                in[rng() % in.size()] ^= uint8_t(1 + rng() % 255);
            Decoded d = decode(in, want.size());
            if (checked && d.r == XzResult::kOk) {
                ASSERT_TRUE(d.out.equals(want, d.len)) << "round " << round;
            }
            uint64_t size;
            xz_uncompressed_size(in.data(), in.size(), &size);
        }
    }
}

TEST(Xz, RandomCorruptionOfLargeVectors) {
    std::mt19937_64 rng(7);
    for (const char* name : {"xz_sparse"}) {
        const auto& v = vec(name);
        std::vector<uint8_t> want = dtest::expected(v);
        for (int round = 0; round < 40; round++) {
            std::vector<uint8_t> in = dtest::bytes(v);
            in[rng() % in.size()] ^= uint8_t(1 + rng() % 255);
            Decoded d = decode(in, want.size());
            if (d.r == XzResult::kOk) {
                ASSERT_TRUE(d.out.equals(want, d.len));
            }
        }
    }
}

// Garbage after a valid stream header, of many lengths, into small and large buffers.
TEST(Xz, RandomGarbageAfterHeader) {
    std::mt19937_64 rng(99);
    const auto& v = vec("xz_tiny");
    for (int round = 0; round < 2000; round++) {
        std::vector<uint8_t> in(v.data, v.data + 12);
        size_t n = rng() % 300;
        for (size_t i = 0; i < n; i++)
            in.push_back(uint8_t(rng()));
        // Half the time a plausible block header start: size byte, flags, LZMA2 filter.
        if (round % 2 && in.size() > 16)
            in[12] = 2, in[13] = 0, in[14] = 0x21, in[15] = 1;
        Decoded d = decode(in, rng() % 2 ? 64 : 70000);
        EXPECT_NE(d.r, XzResult::kOk);
    }
}

TEST(Xz, OutputBoundIsNeverCrossed) {
    for (const char* name : {"xz_x86_start", "xz_blocks_t1", "xz_blocks_t2", "xz_noise"}) {
        SCOPED_TRACE(name);
        const auto& v = vec(name);
        std::vector<uint8_t> want = dtest::expected(v);
        for (size_t cap = 0; cap < want.size(); cap += 1 + cap / 7) {
            Decoded d = decode(v.data, v.size, cap);
            ASSERT_NE(d.r, XzResult::kOk) << cap;
            // Blocks whose header gives their size cannot be longer than they say.
            ASSERT_TRUE(d.r == XzResult::kOutputTooSmall) << cap << ": " << xz_error_string(d.r);
        }
    }
}

TEST(Xz, StreamHeaderChecks) {
    std::vector<uint8_t> s = dtest::bytes(vec("xz_tiny"));
    size_t cap = 16;
    {
        auto t = s;
        t[0] = 0xfe;
        EXPECT_EQ(decode(t, cap).r, XzResult::kBadMagic);
    }
    {
        auto t = s;
        t[8] ^= 1; // header CRC32
        EXPECT_EQ(decode(t, cap).r, XzResult::kBadHeader);
    }
    {
        auto t = s;
        set_stream_flags(t, 0x01, s[7]); // reserved first byte
        EXPECT_EQ(decode(t, cap).r, XzResult::kBadHeader);
        set_stream_flags(t, 0x00, 0x14); // reserved bits of the second
        EXPECT_EQ(decode(t, cap).r, XzResult::kBadHeader);
    }
    for (uint8_t check : {0x0a /* SHA-256 */, 0x02, 0x07, 0x0f}) {
        auto t = s;
        set_stream_flags(t, 0x00, check);
        XzResult r = decode(t, cap).r;
        EXPECT_EQ(r, XzResult::kUnsupportedCheck) << int(check);
        EXPECT_NE(std::string(xz_error_string(r)).find("SHA-256"), std::string::npos);
    }
    {
        // A footer whose flags differ from the header's (both CRCs right).
        auto t = s;
        size_t f = t.size() - 12;
        t[f + 9] = t[f + 9] == 4 ? 1 : 4;
        put_le32(t, f, decompress::crc32(&t[f + 4], 6));
        EXPECT_EQ(decode(t, cap).r, XzResult::kBadFooter);
        uint64_t size;
        EXPECT_EQ(xz_uncompressed_size(t.data(), t.size(), &size), XzResult::kBadFooter);
    }
    {
        auto t = s;
        t[t.size() - 1] = 'z';
        EXPECT_EQ(decode(t, cap).r, XzResult::kBadFooter);
    }
}

// The first block header of xz_tiny: size byte, flags, filter flags, padding, CRC32.
struct BlockHeader {
    std::vector<uint8_t> stream;
    size_t at = 12;
    size_t size() const { return (size_t(stream[at]) + 1) * 4; }
    void reseal() { put_le32(stream, at + size() - 4, decompress::crc32(&stream[at], size() - 4)); }
};

TEST(Xz, BlockHeaderChecks) {
    const auto base = dtest::bytes(vec("xz_tiny"));
    ASSERT_EQ(base[12], 2);    // a 12-byte header
    ASSERT_EQ(base[13], 0);    // no sizes, one filter
    ASSERT_EQ(base[14], 0x21); // LZMA2
    ASSERT_EQ(base[15], 1);    // one property byte
    {
        BlockHeader h{base};
        h.stream[h.at + 5] ^= 1; // CRC32 no longer matches
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kBadBlockHeader);
    }
    {
        BlockHeader h{base};
        h.stream[h.at + 1] = 0x04; // reserved flag
        h.reseal();
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kBadBlockHeader);
    }
    {
        BlockHeader h{base};
        h.stream[h.at + 2] = 0x03; // delta filter: not supported
        h.reseal();
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kUnsupportedFilter);
    }
    {
        BlockHeader h{base};
        h.stream[h.at + 4] = 41; // dictionary size byte beyond 40
        h.reseal();
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kBadBlockHeader);
    }
    {
        BlockHeader h{base};
        h.stream[h.at + 6] = 1; // non-zero header padding
        h.reseal();
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kBadBlockHeader);
    }
    {
        BlockHeader h{base};
        // Two filters announced, BCJ-x86 as the last: unsupported chain.
        h.stream[h.at + 1] = 0x01;
        h.stream[h.at + 2] = 0x21, h.stream[h.at + 3] = 1, h.stream[h.at + 4] = 0x16;
        h.stream[h.at + 5] = 0x04, h.stream[h.at + 6] = 0x00;
        h.reseal();
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kUnsupportedFilter);
    }
    {
        BlockHeader h{base};
        // A compressed size that the data does not have (1 byte), sealed correctly.
        h.stream[h.at + 1] = 0x40;
        h.stream[h.at + 2] = 0x01, h.stream[h.at + 3] = 0x21, h.stream[h.at + 4] = 1;
        h.stream[h.at + 5] = base[h.at + 4];
        h.reseal();
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kSizeMismatch);
    }
    {
        BlockHeader h{base};
        // Uncompressed size 5 for a block of 1 byte.
        h.stream[h.at + 1] = 0x80;
        h.stream[h.at + 2] = 0x05, h.stream[h.at + 3] = 0x21, h.stream[h.at + 4] = 1;
        h.stream[h.at + 5] = base[h.at + 4];
        h.reseal();
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kSizeMismatch);
    }
    {
        BlockHeader h{base};
        // A non-minimal variable-length integer (0x80 0x00) as the compressed size.
        h.stream[h.at + 1] = 0x40;
        h.stream[h.at + 2] = 0x80, h.stream[h.at + 3] = 0x00;
        h.reseal();
        EXPECT_EQ(decode(h.stream, 16).r, XzResult::kBadBlockHeader);
    }
}

TEST(Xz, StreamPaddingAndConcatenation) {
    const auto a = dtest::bytes(vec("xz_tiny"));
    const auto b = dtest::bytes(vec("xz_x86_start"));
    std::vector<uint8_t> wa = dtest::expected(vec("xz_tiny")),
                         wb = dtest::expected(vec("xz_x86_start"));
    std::vector<uint8_t> both = wa;
    both.insert(both.end(), wb.begin(), wb.end());
    auto cat = [](std::initializer_list<std::vector<uint8_t>> parts) {
        std::vector<uint8_t> v;
        for (auto& p : parts)
            v.insert(v.end(), p.begin(), p.end());
        return v;
    };
    const std::vector<uint8_t> z4(4, 0), z3(3, 0), z8(8, 0);
    for (auto in : {cat({a, b}), cat({a, z4, b}), cat({a, z8, b, z4})}) {
        Decoded d = decode(in, both.size());
        EXPECT_EQ(d.r, XzResult::kOk);
        EXPECT_TRUE(d.out.equals(both, d.len));
        uint64_t size;
        EXPECT_EQ(xz_uncompressed_size(in.data(), in.size(), &size), XzResult::kOk);
        EXPECT_EQ(size, both.size());
    }
    EXPECT_EQ(decode(cat({a, z3}), 16).r, XzResult::kBadPadding);
    EXPECT_EQ(decode(cat({a, z3, b}), both.size()).r, XzResult::kBadPadding);
    EXPECT_EQ(decode(cat({a, {1, 2, 3, 4}}), 16).r, XzResult::kTrailingData);
    EXPECT_NE(decode(cat({z4, a}), 16).r, XzResult::kOk); // no padding before the first
    uint64_t size;
    auto lead = cat({z4, a});
    EXPECT_EQ(xz_uncompressed_size(lead.data(), lead.size(), &size), XzResult::kBadPadding);
    auto zeros = z8;
    EXPECT_NE(xz_uncompressed_size(zeros.data(), zeros.size(), &size), XzResult::kOk);
}

// LZMA2 chunk sequences written by hand: uncompressed chunks and control-byte rules.
struct Lzma2Run {
    decompress::Lzma2Result res;
    std::string out;
};

Lzma2Run lzma2(const std::vector<uint8_t>& in, size_t cap = 64) {
    Exact input(in.data(), in.size());
    Exact out(cap);
    auto ws = std::make_unique<XzWorkspace>();
    Lzma2Run r{
        decompress::lzma2_decode(ws->lzma2, 4096, input.data(), in.size(), out.data(), 0, cap), ""};
    r.out.assign(reinterpret_cast<char*>(out.data()), r.res.out_end);
    return r;
}

TEST(Lzma2, ChunkRules) {
    using S = decompress::Lzma2Status;
    auto r = lzma2({0x01, 0x00, 0x04, 'h', 'e', 'l', 'l', 'o', 0x00});
    EXPECT_EQ(r.res.status, S::kOk);
    EXPECT_EQ(r.out, "hello");
    EXPECT_EQ(r.res.in_used, 9u);
    r = lzma2({0x01, 0x00, 0x00, 'a', 0x02, 0x00, 0x01, 'b', 'c', 0x01, 0x00, 0x00, 'd', 0x00});
    EXPECT_EQ(r.res.status, S::kOk);
    EXPECT_EQ(r.out, "abcd");
    EXPECT_EQ(lzma2({0x00}).res.status, S::kOk);                             // empty
    EXPECT_EQ(lzma2({0x02, 0x00, 0x00, 'a', 0x00}).res.status, S::kCorrupt); // no dict reset
    EXPECT_EQ(lzma2({0x03}).res.status, S::kCorrupt);
    EXPECT_EQ(lzma2({0x01, 0x00, 0x00, 'a', 0x7f}).res.status, S::kCorrupt);
    // An LZMA chunk after a dictionary reset must bring properties.
    EXPECT_EQ(
        lzma2({0x01, 0x00, 0x00, 'a', 0x80, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0}).res.status,
        S::kCorrupt);
    EXPECT_EQ(
        lzma2({0x01, 0x00, 0x00, 'a', 0xa0, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0}).res.status,
        S::kCorrupt);
    // Properties: 225 and above are invalid, and lc + lp must not exceed 4.
    EXPECT_EQ(lzma2({0xe0, 0x00, 0x00, 0x00, 0x04, 225, 0, 0, 0, 0, 0}).res.status, S::kCorrupt);
    EXPECT_EQ(lzma2({0xe0, 0x00, 0x00, 0x00, 0x04, 3 + 9 * 2, 0, 0, 0, 0, 0}).res.status,
              S::kCorrupt);
    // The range coder's first byte is always zero.
    EXPECT_EQ(lzma2({0xe0, 0x00, 0x00, 0x00, 0x04, 0x5d, 1, 0, 0, 0, 0}).res.status, S::kCorrupt);
    // A chunk shorter than the range coder's five bytes.
    EXPECT_EQ(lzma2({0xe0, 0x00, 0x00, 0x00, 0x02, 0x5d, 0, 0, 0, 0x00}).res.status, S::kCorrupt);
    // Truncation anywhere.
    EXPECT_EQ(lzma2({}).res.status, S::kTruncated);
    EXPECT_EQ(lzma2({0x01, 0x00}).res.status, S::kTruncated);
    EXPECT_EQ(lzma2({0x01, 0x00, 0x04, 'h'}).res.status, S::kTruncated);
    EXPECT_EQ(lzma2({0x01, 0x00, 0x00, 'a'}).res.status, S::kTruncated);
    EXPECT_EQ(lzma2({0xe0, 0x00, 0x00, 0x00}).res.status, S::kTruncated);
    EXPECT_EQ(lzma2({0xe0, 0x00, 0x00, 0x00, 0x10}).res.status, S::kTruncated);
    EXPECT_EQ(lzma2({0xe0, 0x00, 0x00, 0x00, 0x10, 0x5d, 0, 0}).res.status, S::kTruncated);
    // The output bound.
    r = lzma2({0x01, 0x00, 0x04, 'h', 'e', 'l', 'l', 'o', 0x00}, 4);
    EXPECT_EQ(r.res.status, S::kOutputTooBig);
    EXPECT_EQ(lzma2({0xe0, 0x1f, 0xff, 0x00, 0x04, 0x5d, 0, 0, 0, 0, 0}, 100).res.status,
              S::kOutputTooBig);
}

TEST(BcjX86, DecodesCallsAndLeavesTheRest) {
    // CALL at 0 with absolute target 0x105: relative 0x100 from the next instruction (5).
    std::vector<uint8_t> b = {0xe8, 0x05, 0x01, 0x00, 0x00, 0x90, 0x90};
    decompress::bcj_x86_decode(b.data(), b.size(), 0);
    EXPECT_EQ(b, (std::vector<uint8_t>{0xe8, 0x00, 0x01, 0x00, 0x00, 0x90, 0x90}));
    // The same with a start offset: the next instruction is at 0x1000 + 5.
    b = {0xe9, 0x05, 0x11, 0x00, 0x00};
    decompress::bcj_x86_decode(b.data(), b.size(), 0x1000);
    EXPECT_EQ(b, (std::vector<uint8_t>{0xe9, 0x00, 0x01, 0x00, 0x00}));
    // A backward target: the top byte becomes FF (bit 24 of the result is set).
    b = {0x90, 0x90, 0x90, 0xe8, 0x00, 0x00, 0x00, 0x00};
    decompress::bcj_x86_decode(b.data(), b.size(), 0);
    EXPECT_EQ(b, (std::vector<uint8_t>{0x90, 0x90, 0x90, 0xe8, 0xf8, 0xff, 0xff, 0xff}));
    // A far operand (top byte neither 00 nor FF) is left alone.
    b = {0xe8, 0x05, 0x01, 0x00, 0x12};
    auto before = b;
    decompress::bcj_x86_decode(b.data(), b.size(), 0);
    EXPECT_EQ(b, before);
    // Fewer than five bytes, or an E8 in the last four: untouched.
    b = {0xe8, 0x05, 0x01, 0x00};
    before = b;
    decompress::bcj_x86_decode(b.data(), b.size(), 0);
    EXPECT_EQ(b, before);
    b = {0x90, 0x90, 0xe8, 0x05, 0x01, 0x00};
    before = b;
    decompress::bcj_x86_decode(b.data(), b.size(), 0);
    EXPECT_EQ(b, before);
    decompress::bcj_x86_decode(nullptr, 0, 0);
}

TEST(BcjX86, RandomBuffersStayInBounds) {
    std::mt19937_64 rng(3);
    for (int round = 0; round < 500; round++) {
        size_t n = rng() % 200;
        Exact buf(n);
        for (size_t i = 0; i < n; i++)
            buf.data()[i] =
                (rng() % 3) ? uint8_t(0xe8 | (rng() & 1)) : uint8_t(rng() % 2 ? 0 : 0xff);
        decompress::bcj_x86_decode(buf.data(), n, uint32_t(rng()));
    }
}

} // namespace
