// bzImage parsing and unpacking (common/bzimage): synthetic images around the xz and gzip
// vectors, every malformed header field, the compressions xenon refuses by name, and
// Debian's real kernel when it is in the cache.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "common/bzimage.h"
#include "common/elf.h"
#include "decompress_test_util.h"

namespace {

using dtest::Exact;

void put16(std::vector<uint8_t>& v, size_t at, uint16_t x) {
    v[at] = uint8_t(x), v[at + 1] = uint8_t(x >> 8);
}
void put32(std::vector<uint8_t>& v, size_t at, uint32_t x) {
    put16(v, at, uint16_t(x)), put16(v, at + 2, uint16_t(x >> 16));
}

// A bzImage as the x86 boot protocol lays it out: setup_sects sectors of setup after the
// boot sector, then the protected-mode part, with the payload 0x100 bytes into it.
std::vector<uint8_t> make_bzimage(const std::vector<uint8_t>& payload, uint8_t setup_sects = 2,
                                  uint16_t version = 0x020f) {
    size_t pm = (size_t(setup_sects ? setup_sects : 4) + 1) * 512;
    std::vector<uint8_t> v(pm + 0x100, 0x90);
    v[0x1f1] = setup_sects;
    put16(v, 0x1fe, 0xaa55);
    memcpy(&v[0x202], "HdrS", 4);
    put16(v, 0x206, version);
    v[0x211] = 0x01; // LOADED_HIGH
    put32(v, 0x248, 0x100);
    put32(v, 0x24c, uint32_t(payload.size()));
    put32(v, 0x260, 0x3f98000);
    v.insert(v.end(), payload.begin(), payload.end());
    v.insert(v.end(), 64, 0xcc); // whatever follows the payload in the image
    return v;
}

// The xz payload as Linux builds it: the stream, then the uncompressed size (le32).
std::vector<uint8_t> xz_payload(const DecompressVector& v) {
    std::vector<uint8_t> p = dtest::bytes(v);
    uint32_t size = uint32_t(dtest::expected(v).size());
    for (int i = 0; i < 4; i++)
        p.push_back(uint8_t(size >> (8 * i)));
    return p;
}

const DecompressVector& vec(const DecompressVector* list, size_t n, const std::string& name) {
    for (size_t i = 0; i < n; i++)
        if (name == list[i].name)
            return list[i];
    ADD_FAILURE() << "no vector " << name;
    return list[0];
}
const DecompressVector& xzv(const std::string& name) {
    return vec(kXzVectors, std::size(kXzVectors), name);
}
const DecompressVector& gzv(const std::string& name) {
    return vec(kGzipVectors, std::size(kGzipVectors), name);
}

BzImageError open(const std::vector<uint8_t>& image, BzImage* bz) {
    return bzimage_open(image.data(), image.size(), bz);
}

struct Unpacked {
    BzImageError err;
    size_t len;
    Exact out;
    const char* detail;
};

Unpacked unpack(const BzImage& bz, size_t cap) {
    Unpacked u{BzImageError::kOk, 0, Exact(cap), nullptr};
    auto ws = std::make_unique<BzImageWorkspace>();
    u.err = bzimage_decompress(bz, u.out.data(), cap, &u.len, ws.get(), &u.detail);
    return u;
}

TEST(BzImage, XzPayloadWithAppendedSize) {
    const auto& v = xzv("xz_x86_crc32");
    std::vector<uint8_t> want = dtest::expected(v);
    for (uint8_t sects : {0, 1, 2, 30}) {
        SCOPED_TRACE(int(sects));
        std::vector<uint8_t> image = make_bzimage(xz_payload(v), sects);
        Exact exact(image.data(), image.size());
        EXPECT_TRUE(bzimage_detect(exact.data(), image.size()));
        BzImage bz;
        ASSERT_EQ(bzimage_open(exact.data(), image.size(), &bz), BzImageError::kOk);
        EXPECT_EQ(bz.protocol, 0x020f);
        EXPECT_EQ(bz.compression, BzCompression::kXz);
        EXPECT_EQ(bz.payload_len, v.size); // without the appended size
        EXPECT_EQ(bz.decompressed_size, want.size());
        EXPECT_EQ(bz.init_size, 0x3f98000u);
        Unpacked u = unpack(bz, want.size());
        ASSERT_EQ(u.err, BzImageError::kOk) << u.detail;
        EXPECT_TRUE(u.out.equals(want, u.len));
        EXPECT_EQ(unpack(bz, want.size() - 1).err, BzImageError::kOutputTooSmall);
    }
}

TEST(BzImage, XzPayloadWithoutAppendedSize) {
    const auto& v = xzv("xz_blocks_t1");
    BzImage bz;
    const auto image = make_bzimage(dtest::bytes(v)); // bz points into it
    ASSERT_EQ(open(image, &bz), BzImageError::kOk);
    EXPECT_EQ(bz.payload_len, v.size);
    Unpacked u = unpack(bz, bz.decompressed_size);
    EXPECT_EQ(u.err, BzImageError::kOk);
    EXPECT_TRUE(u.out.equals(dtest::expected(v), u.len));
}

TEST(BzImage, GzipAndElfPayloads) {
    const auto& v = gzv("gz_x86");
    std::vector<uint8_t> want = dtest::expected(v);
    BzImage bz;
    const auto image = make_bzimage(dtest::bytes(v));
    ASSERT_EQ(open(image, &bz), BzImageError::kOk);
    EXPECT_EQ(bz.compression, BzCompression::kGzip);
    EXPECT_EQ(bz.decompressed_size, want.size());
    Unpacked u = unpack(bz, want.size());
    EXPECT_EQ(u.err, BzImageError::kOk) << u.detail;
    EXPECT_TRUE(u.out.equals(want, u.len));

    std::vector<uint8_t> elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 1, 2, 3};
    const auto elf_image = make_bzimage(elf);
    ASSERT_EQ(open(elf_image, &bz), BzImageError::kOk);
    EXPECT_EQ(bz.compression, BzCompression::kNone);
    u = unpack(bz, elf.size());
    EXPECT_EQ(u.err, BzImageError::kOk);
    EXPECT_TRUE(u.out.equals(elf, u.len));
}

TEST(BzImage, RefusedCompressionsAreNamed) {
    struct Case {
        std::vector<uint8_t> magic;
        BzCompression c;
        const char* name;
    } cases[] = {
        {{'B', 'Z', 'h', '9', 0x31, 0x41}, BzCompression::kBzip2, "bzip2"},
        {{0x5d, 0x00, 0x00, 0x80, 0x00}, BzCompression::kLzma, "lzma"},
        {{0x89, 'L', 'Z', 'O', 0x00}, BzCompression::kLzo, "lzo"},
        {{0x02, 0x21, 0x4c, 0x18, 0x00}, BzCompression::kLz4, "lz4"},
        {{0x28, 0xb5, 0x2f, 0xfd, 0x00}, BzCompression::kZstd, "zstd"},
        {{0x12, 0x34, 0x56, 0x78}, BzCompression::kUnknown, "an unknown format"},
    };
    for (const auto& c : cases) {
        BzImage bz;
        const auto image = make_bzimage(c.magic);
        EXPECT_EQ(open(image, &bz), BzImageError::kUnsupportedCompression);
        EXPECT_EQ(bz.compression, c.c);
        EXPECT_STREQ(bz_compression_name(bz.compression), c.name);
        EXPECT_EQ(unpack(bz, 64).err, BzImageError::kUnsupportedCompression);
    }
}

TEST(BzImage, MalformedHeaders) {
    const auto payload = xz_payload(xzv("xz_tiny"));
    const auto good = make_bzimage(payload);
    BzImage bz;
    ASSERT_EQ(open(good, &bz), BzImageError::kOk);
    auto with = [&](auto change) {
        auto v = good;
        change(v);
        return open(v, &bz);
    };
    EXPECT_EQ(with([](auto& v) { v[0x202] = 'h'; }), BzImageError::kNotBzImage);
    EXPECT_EQ(with([](auto& v) { put16(v, 0x1fe, 0x55aa); }), BzImageError::kNotBzImage);
    EXPECT_EQ(with([](auto& v) { put16(v, 0x206, 0x0207); }), BzImageError::kOldProtocol);
    EXPECT_EQ(with([](auto& v) { v[0x211] = 0; }), BzImageError::kNotRelocatable);
    EXPECT_EQ(with([](auto& v) { v[0x1f1] = 200; }), BzImageError::kTruncated);
    EXPECT_EQ(with([](auto& v) { put32(v, 0x248, 0x100000); }), BzImageError::kPayloadOutside);
    EXPECT_EQ(with([](auto& v) { put32(v, 0x24c, 0x100000); }), BzImageError::kPayloadOutside);
    EXPECT_EQ(with([](auto& v) { put32(v, 0x248, 0xffffffff), put32(v, 0x24c, 0xffffffff); }),
              BzImageError::kPayloadOutside);
    EXPECT_EQ(with([](auto& v) { put32(v, 0x24c, 0); }), BzImageError::kPayloadOutside);
    // The appended size disagrees with the stream's index.
    EXPECT_EQ(with([&](auto& v) { v[3 * 512 + 0x100 + payload.size() - 1] ^= 1; }),
              BzImageError::kBadPayload);
    // An xz payload cut short, or with its index damaged.
    EXPECT_EQ(with([&](auto& v) { put32(v, 0x24c, uint32_t(payload.size() - 9)); }),
              BzImageError::kBadPayload);
    // Every truncation of the image.
    for (size_t len = 0; len < good.size() - 64; len++) {
        Exact e(good.data(), len);
        ASSERT_NE(bzimage_open(e.data(), len, &bz), BzImageError::kOk) << len;
    }
}

TEST(BzImage, CorruptPayloadFailsToUnpack) {
    const auto& v = xzv("xz_x86_crc32");
    auto image = make_bzimage(xz_payload(v));
    image[3 * 512 + 0x100 + 200] ^= 0x40; // inside the LZMA2 data
    BzImage bz;
    ASSERT_EQ(open(image, &bz), BzImageError::kOk);
    Unpacked u = unpack(bz, bz.decompressed_size);
    EXPECT_EQ(u.err, BzImageError::kDecompressFailed);
    EXPECT_NE(std::string(u.detail), "");
}

TEST(BzImage, RandomCorruption) {
    std::mt19937_64 rng(11);
    const auto& v = xzv("xz_x86_start");
    const auto good = make_bzimage(xz_payload(v));
    std::vector<uint8_t> want = dtest::expected(v);
    for (int round = 0; round < 400; round++) {
        auto image = good;
        for (int f = 0, n = 1 + int(rng() % 3); f < n; f++) {
            // Half the flips in the header, half in the payload.
            size_t at = round % 2 ? 0x1f0 + rng() % 0x80 : rng() % image.size();
            image[at] ^= uint8_t(1 + rng() % 255);
        }
        Exact e(image.data(), image.size());
        BzImage bz;
        if (bzimage_open(e.data(), image.size(), &bz) != BzImageError::kOk)
            continue;
        if (bz.decompressed_size > (1u << 20))
            continue;
        Unpacked u = unpack(bz, size_t(bz.decompressed_size));
        if (u.err == BzImageError::kOk && bz.compression == BzCompression::kXz) {
            EXPECT_EQ(u.len, want.size());
        }
    }
}

// Debian's own kernel (scripts/reference-xen.sh --kernel puts it in the cache): an xz
// payload of about 8 MB that unpacks to the ELF vmlinux, Xen notes included.
TEST(BzImage, DebianKernel) {
    const char* home = getenv("HOME");
    std::string path = std::string(home ? home : "") + "/.cache/xenon/linux/vmlinuz";
    std::ifstream f(path, std::ios::binary);
    if (!f)
        GTEST_SKIP() << path << " is absent (scripts/reference-xen.sh --kernel fetches it)";
    std::vector<uint8_t> image((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    BzImage bz;
    ASSERT_EQ(open(image, &bz), BzImageError::kOk);
    EXPECT_GE(bz.protocol, 0x020f);
    EXPECT_EQ(bz.compression, BzCompression::kXz);
    EXPECT_GT(bz.decompressed_size, 16u << 20);
    EXPECT_LT(bz.decompressed_size, 512u << 20);
    Unpacked u = unpack(bz, size_t(bz.decompressed_size));
    ASSERT_EQ(u.err, BzImageError::kOk) << u.detail;
    EXPECT_EQ(u.len, bz.decompressed_size);
    ElfImage elf;
    ASSERT_EQ(elf_open(u.out.data(), u.len, &elf), ElfError::kOk);
    ElfNote note;
    ASSERT_TRUE(elf_find_note(elf, "Xen", 6 /* XEN_ELFNOTE_GUEST_OS */, &note));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(note.desc), 5), "linux");
    EXPECT_TRUE(elf_find_note(elf, "Xen", 1 /* XEN_ELFNOTE_ENTRY */, &note));
    ASSERT_TRUE(elf_find_note(elf, "Xen", 5 /* XEN_ELFNOTE_XEN_VERSION */, &note));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(note.desc), 7), "xen-3.0");
    EXPECT_TRUE(elf_find_note(elf, "Xen", 3 /* XEN_ELFNOTE_VIRT_BASE */, &note));
}

} // namespace
