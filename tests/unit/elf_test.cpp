#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/elf.h"

namespace {

void w16(std::vector<uint8_t>& v, size_t off, uint16_t x) {
    v[off] = uint8_t(x), v[off + 1] = uint8_t(x >> 8);
}
void w32(std::vector<uint8_t>& v, size_t off, uint32_t x) {
    w16(v, off, uint16_t(x)), w16(v, off + 2, uint16_t(x >> 16));
}
void w64(std::vector<uint8_t>& v, size_t off, uint64_t x) {
    w32(v, off, uint32_t(x)), w32(v, off + 4, uint32_t(x >> 32));
}

// Field offsets in the ELF64 header and program headers.
constexpr size_t kType = 16, kMachine = 18, kEntry = 24, kPhoff = 32, kShoff = 40;
constexpr size_t kPhentsize = 54, kPhnum = 56, kShentsize = 58, kShnum = 60;
constexpr size_t kPhdrs = 64, kPhdrSize = 56;
constexpr size_t phdr(size_t i) {
    return kPhdrs + i * kPhdrSize;
}
constexpr size_t kPType = 0, kPFlags = 4, kPOffset = 8, kPVaddr = 16, kPPaddr = 24, kPFilesz = 32,
                 kPMemsz = 40, kPAlign = 48;

constexpr uint64_t kVirtBase = 0xffffffff81000000ull;
constexpr size_t kNotes = 0x180; // after room for 5 program headers

void note(std::vector<uint8_t>& v, const std::string& name, uint32_t type,
          const std::vector<uint8_t>& desc, size_t align = 4, bool with_nul = true) {
    size_t namesz = name.size() + (with_nul ? 1 : 0);
    size_t at = v.size();
    v.resize(at + 12);
    w32(v, at, uint32_t(namesz)), w32(v, at + 4, uint32_t(desc.size())), w32(v, at + 8, type);
    v.insert(v.end(), name.begin(), name.end());
    if (with_nul)
        v.push_back(0);
    while (v.size() % align)
        v.push_back(0);
    v.insert(v.end(), desc.begin(), desc.end());
    while (v.size() % align)
        v.push_back(0);
}

std::vector<uint8_t> u64_bytes(uint64_t x) {
    std::vector<uint8_t> v(8);
    w64(v, 0, x);
    return v;
}

// A small but complete guest kernel: text, data+bss, and a note segment with Xen notes.
struct Image {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(0x1200, 0);
    size_t notes_len = 0;

    Image() {
        auto& v = bytes;
        const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
        memcpy(v.data(), ident, sizeof(ident));
        w16(v, kType, 2), w16(v, kMachine, 62), w32(v, 20, 1);
        w64(v, kEntry, kVirtBase + 0x40);
        w64(v, kPhoff, kPhdrs), w16(v, kPhentsize, kPhdrSize), w16(v, kPhnum, 3);
        w64(v, kShoff, 0x1180), w16(v, kShentsize, 64), w16(v, kShnum, 2);
        w16(v, 52, 64); // e_ehsize
        segment(0, 1, 5, 0x1000, kVirtBase, 0x100, 0x100);
        segment(1, 1, 6, 0x1100, kVirtBase + 0x1000, 0x80, 0x1000);
        std::vector<uint8_t> n;
        note(n, "Xen", 6, {'l', 'i', 'n', 'u', 'x', 0});   // GUEST_OS
        note(n, "Xen", 1, u64_bytes(kVirtBase + 0x40));    // ENTRY
        note(n, "GNU", 3, std::vector<uint8_t>(20, 0xab)); // build id
        note(n, "", 9, {1, 2, 3});                         // empty name
        memcpy(v.data() + kNotes, n.data(), n.size());
        notes_len = n.size();
        segment(2, 4, 4, kNotes, 0, n.size(), n.size());
        for (size_t i = 0; i < 0x180; i++)
            v[0x1000 + i] = uint8_t(i);
    }
    void segment(size_t i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                 uint64_t filesz, uint64_t memsz, uint64_t align = 4) {
        w32(bytes, phdr(i) + kPType, type), w32(bytes, phdr(i) + kPFlags, flags);
        w64(bytes, phdr(i) + kPOffset, off);
        w64(bytes, phdr(i) + kPVaddr, vaddr), w64(bytes, phdr(i) + kPPaddr, vaddr - kVirtBase);
        w64(bytes, phdr(i) + kPFilesz, filesz), w64(bytes, phdr(i) + kPMemsz, memsz);
        w64(bytes, phdr(i) + kPAlign, align);
    }
    ElfError open(ElfImage* elf) const { return elf_open(bytes.data(), bytes.size(), elf); }
    ElfError open() const {
        ElfImage elf;
        return open(&elf);
    }
};

TEST(Elf, ValidImage) {
    Image img;
    ElfImage elf;
    ASSERT_EQ(img.open(&elf), ElfError::kOk);
    EXPECT_EQ(elf.entry(), kVirtBase + 0x40);
    EXPECT_EQ(elf.type(), kEtExec);
    EXPECT_EQ(elf.size(), img.bytes.size());
    ASSERT_EQ(elf.segment_count(), 3u);
    ElfSegment text = elf.segment(0);
    EXPECT_EQ(text.type, kPtLoad);
    EXPECT_EQ(text.flags, kPfRead | kPfExecute);
    EXPECT_EQ(text.vaddr, kVirtBase);
    EXPECT_EQ(text.paddr, 0u);
    EXPECT_EQ(text.filesz, 0x100u);
    EXPECT_EQ(text.data, img.bytes.data() + 0x1000);
    ElfSegment data = elf.segment(1);
    EXPECT_EQ(data.memsz, 0x1000u);
    EXPECT_EQ(data.data[0], 0x00);
    EXPECT_EQ(data.data[0x7f], 0x7f);
    EXPECT_EQ(elf.load_start(), kVirtBase);
    EXPECT_EQ(elf.load_end(), kVirtBase + 0x2000);
}

TEST(Elf, PositionIndependentImagesAreAccepted) {
    Image img;
    w16(img.bytes, kType, kEtDyn);
    ElfImage elf;
    ASSERT_EQ(img.open(&elf), ElfError::kOk);
    EXPECT_EQ(elf.type(), kEtDyn);
}

TEST(Elf, NotesInOrder) {
    Image img;
    ElfImage elf;
    ASSERT_EQ(img.open(&elf), ElfError::kOk);
    ElfNoteIterator it(elf);
    ElfNote n;
    ASSERT_TRUE(it.next(&n));
    EXPECT_TRUE(n.name_is("Xen"));
    EXPECT_EQ(n.type, 6u);
    ASSERT_EQ(n.desc_size, 6u);
    EXPECT_STREQ(reinterpret_cast<const char*>(n.desc), "linux");
    ASSERT_TRUE(it.next(&n));
    EXPECT_EQ(n.type, 1u);
    ASSERT_EQ(n.desc_size, 8u);
    uint64_t entry;
    memcpy(&entry, n.desc, 8);
    EXPECT_EQ(entry, kVirtBase + 0x40);
    ASSERT_TRUE(it.next(&n));
    EXPECT_TRUE(n.name_is("GNU"));
    EXPECT_FALSE(n.name_is("GNU2"));
    EXPECT_FALSE(n.name_is("GN"));
    EXPECT_EQ(n.desc_size, 20u);
    ASSERT_TRUE(it.next(&n));
    EXPECT_EQ(n.name_len, 0u);
    EXPECT_EQ(n.type, 9u);
    EXPECT_EQ(n.desc_size, 3u);
    EXPECT_FALSE(it.next(&n));
    EXPECT_FALSE(it.next(&n));
}

TEST(Elf, FindNote) {
    Image img;
    ElfImage elf;
    ASSERT_EQ(img.open(&elf), ElfError::kOk);
    ElfNote n;
    ASSERT_TRUE(elf_find_note(elf, "Xen", 6, &n));
    EXPECT_STREQ(reinterpret_cast<const char*>(n.desc), "linux");
    EXPECT_FALSE(elf_find_note(elf, "Xen", 3, &n));
    EXPECT_FALSE(elf_find_note(elf, "Xe", 6, &n));
    EXPECT_FALSE(elf_find_note(ElfImage{}, "Xen", 6, &n)); // an unopened image has no notes
}

TEST(Elf, NotesInSeveralSegmentsAndEightByteAlignment) {
    Image img;
    // A fourth header: an 8-aligned note segment (GNU property style) after the first.
    std::vector<uint8_t> n;
    note(n, "GNU", 5, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 8);
    note(n, "Xen", 7, {0x42}, 8);
    memcpy(img.bytes.data() + 0x300, n.data(), n.size());
    w16(img.bytes, kPhnum, 4);
    img.segment(3, 4, 4, 0x300, 0, n.size(), n.size(), 8);
    ElfImage elf;
    ASSERT_EQ(img.open(&elf), ElfError::kOk);
    ElfNoteIterator it(elf);
    ElfNote note_out;
    int count = 0;
    while (it.next(&note_out))
        count++;
    EXPECT_EQ(count, 6);
    ASSERT_TRUE(elf_find_note(elf, "Xen", 7, &note_out));
    ASSERT_EQ(note_out.desc_size, 1u);
    EXPECT_EQ(note_out.desc[0], 0x42);
}

TEST(Elf, LastNoteMayOmitItsPadding) {
    Image img;
    // "Xen" note with a 3-byte descriptor ending exactly at the segment's end.
    std::vector<uint8_t> n;
    note(n, "Xen", 8, {'a', 'b', 'c'});
    n.pop_back();
    memcpy(img.bytes.data() + kNotes, n.data(), n.size());
    w64(img.bytes, phdr(2) + kPFilesz, n.size());
    ElfImage elf;
    ASSERT_EQ(img.open(&elf), ElfError::kOk);
    ElfNote out;
    ASSERT_TRUE(elf_find_note(elf, "Xen", 8, &out));
    EXPECT_EQ(out.desc_size, 3u);

    // An empty descriptor after a name whose padding is cut off.
    n.clear();
    note(n, "Xenon", 10, {});
    n.resize(12 + 6);
    memcpy(img.bytes.data() + kNotes, n.data(), n.size());
    w64(img.bytes, phdr(2) + kPFilesz, n.size());
    ASSERT_EQ(img.open(&elf), ElfError::kOk);
    ASSERT_TRUE(elf_find_note(elf, "Xenon", 10, &out));
    EXPECT_EQ(out.desc_size, 0u);
}

TEST(Elf, HeaderErrors) {
    auto with = [](auto mutate) {
        Image img;
        mutate(img.bytes);
        return img.open();
    };
    EXPECT_EQ(with([](auto& v) { v[1] = 'X'; }), ElfError::kBadMagic);
    EXPECT_EQ(with([](auto& v) { v[4] = 1; }), ElfError::kNot64Bit);
    EXPECT_EQ(with([](auto& v) { v[4] = 3; }), ElfError::kBadClass);
    EXPECT_EQ(with([](auto& v) { v[5] = 2; }), ElfError::kBigEndian);
    EXPECT_EQ(with([](auto& v) { v[6] = 0; }), ElfError::kBadVersion);
    EXPECT_EQ(with([](auto& v) { w32(v, 20, 2); }), ElfError::kBadVersion);
    EXPECT_EQ(with([](auto& v) { w16(v, kMachine, 3); }), ElfError::kNotX86_64);
    EXPECT_EQ(with([](auto& v) { w16(v, kType, 1); }), ElfError::kNotExecutable); // ET_REL
    EXPECT_EQ(with([](auto& v) { w16(v, kType, 4); }), ElfError::kNotExecutable); // ET_CORE
    EXPECT_EQ(with([](auto& v) { w16(v, kPhentsize, 32); }), ElfError::kBadPhentsize);
    EXPECT_EQ(with([](auto& v) { w16(v, kPhnum, 0); }), ElfError::kNoProgramHeaders);
    EXPECT_EQ(with([](auto& v) { w16(v, kPhnum, 0xffff); }), ElfError::kPhnumExtended);
    EXPECT_EQ(with([](auto& v) { w64(v, kPhoff, 0xffffffffffffff00ull); }),
              ElfError::kPhdrsOutside);
    EXPECT_EQ(with([](auto& v) { w64(v, kPhoff, v.size() - 100); }), ElfError::kPhdrsOutside);
    EXPECT_EQ(with([](auto& v) { w16(v, kPhnum, 200); }), ElfError::kPhdrsOutside);
    EXPECT_EQ(with([](auto& v) { w16(v, kPhentsize, 0xffff); }), ElfError::kPhdrsOutside);
    EXPECT_EQ(with([](auto& v) { w64(v, kShoff, 0xffffffffffffff00ull); }),
              ElfError::kShdrsOutside);
    EXPECT_EQ(with([](auto& v) { w16(v, kShnum, 3); }), ElfError::kShdrsOutside);
    EXPECT_EQ(with([](auto& v) { w16(v, kShentsize, 40); }), ElfError::kBadShentsize);
    EXPECT_EQ(with([](auto& v) { w16(v, kShnum, 0), w64(v, kShoff, v.size() - 8); }),
              ElfError::kShdrsOutside);
    // No section headers at all is fine.
    EXPECT_EQ(with([](auto& v) { w64(v, kShoff, 0), w16(v, kShnum, 0), w16(v, kShentsize, 0); }),
              ElfError::kOk);
}

TEST(Elf, TooSmallImages) {
    ElfImage elf;
    EXPECT_EQ(elf_open(nullptr, 100, &elf), ElfError::kBadMagic);
    const uint8_t magic[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    EXPECT_EQ(elf_open(magic, 0, &elf), ElfError::kBadMagic);
    EXPECT_EQ(elf_open(magic, 3, &elf), ElfError::kBadMagic);
    EXPECT_EQ(elf_open(magic, sizeof(magic), &elf), ElfError::kTruncatedHeader);
}

TEST(Elf, SegmentErrors) {
    auto with = [](auto mutate) {
        Image img;
        mutate(img.bytes);
        return img.open();
    };
    // The text segment (0) and the note segment (2).
    for (size_t seg : {size_t(0), size_t(2)}) {
        EXPECT_EQ(with([&](auto& v) { w64(v, phdr(seg) + kPOffset, 0xffffffffffffff00ull); }),
                  ElfError::kSegmentOutside);
        EXPECT_EQ(with([&](auto& v) { w64(v, phdr(seg) + kPFilesz, v.size()); }),
                  ElfError::kSegmentOutside);
        EXPECT_EQ(with([&](auto& v) { w64(v, phdr(seg) + kPFilesz, 0xfffffffffffffff8ull); }),
                  ElfError::kSegmentOutside);
    }
    EXPECT_EQ(with([](auto& v) { w64(v, phdr(1) + kPMemsz, 0x7f); }), ElfError::kFileszOverMemsz);
    EXPECT_EQ(with([](auto& v) { w64(v, phdr(1) + kPVaddr, 0xfffffffffffff800ull); }),
              ElfError::kSegmentWraps);
    EXPECT_EQ(with([](auto& v) { w64(v, phdr(0) + kPPaddr, 0xffffffffffffff80ull); }),
              ElfError::kSegmentWraps);
    EXPECT_EQ(with([](auto& v) { w32(v, phdr(0) + kPType, 0), w32(v, phdr(1) + kPType, 2); }),
              ElfError::kNoLoadSegment);
    // Segments of other types are not checked: their contents are never read.
    EXPECT_EQ(with([](auto& v) {
                  w32(v, phdr(1) + kPType, 0x6474e551); // GNU_STACK
                  w64(v, phdr(1) + kPOffset, 0xffffffffffffff00ull);
              }),
              ElfError::kOk);
}

TEST(Elf, NoteErrors) {
    auto with = [](auto mutate) {
        Image img;
        mutate(img);
        return img.open();
    };
    // Lying name and descriptor sizes in the first note.
    EXPECT_EQ(with([](Image& i) { w32(i.bytes, kNotes, 0xffffffff); }), ElfError::kNoteOutside);
    EXPECT_EQ(with([](Image& i) { w32(i.bytes, kNotes + 4, 0xffffffff); }), ElfError::kNoteOutside);
    EXPECT_EQ(with([](Image& i) { w32(i.bytes, kNotes + 4, uint32_t(i.notes_len)); }),
              ElfError::kNoteOutside);
    // A segment ending inside a note header, or inside a descriptor.
    EXPECT_EQ(with([](Image& i) { w64(i.bytes, phdr(2) + kPFilesz, i.notes_len + 5); }),
              ElfError::kNoteOutside);
    EXPECT_EQ(with([](Image& i) { w64(i.bytes, phdr(2) + kPFilesz, 18); }), ElfError::kNoteOutside);
    // An empty note segment is fine.
    EXPECT_EQ(with([](Image& i) { w64(i.bytes, phdr(2) + kPFilesz, 0); }), ElfError::kOk);
}

TEST(Elf, ErrorStrings) {
    EXPECT_STREQ(elf_error_string(ElfError::kBadMagic), "not an ELF image (bad magic)");
    EXPECT_STREQ(elf_error_string(ElfError::kNot64Bit),
                 "ELF is 32-bit; xenon builds 64-bit guests only");
    EXPECT_STREQ(elf_error_string(ElfError::kPhdrsOutside),
                 "program header table outside the image");
    std::set<std::string> seen;
    for (int e = 0; e <= int(ElfError::kNoteOutside); e++) {
        const char* s = elf_error_string(ElfError(e));
        ASSERT_NE(s, nullptr);
        EXPECT_TRUE(seen.insert(s).second) << "duplicate message: " << s;
    }
    EXPECT_STREQ(elf_error_string(ElfError(200)), "unknown ELF error");
}

// Reads everything the reader hands out, so the sanitizers catch any byte outside the image.
uint64_t touch_everything(const ElfImage& elf) {
    uint64_t sum = elf.entry();
    for (size_t i = 0; i < elf.segment_count(); i++) {
        ElfSegment s = elf.segment(i);
        if (s.data)
            for (uint64_t b = 0; b < s.filesz; b++)
                sum += s.data[b];
    }
    ElfNoteIterator it(elf);
    ElfNote n;
    while (it.next(&n)) {
        for (size_t b = 0; b < n.name_len; b++)
            sum += uint8_t(n.name[b]);
        for (size_t b = 0; b < n.desc_size; b++)
            sum += n.desc[b];
    }
    return sum;
}

TEST(Elf, EveryTruncationFailsCleanly) {
    Image img;
    for (size_t len = 0; len < img.bytes.size(); len++) {
        // A separate allocation of exactly len bytes: reading past it is caught.
        std::vector<uint8_t> cut(img.bytes.begin(), img.bytes.begin() + long(len));
        ElfImage elf;
        if (elf_open(cut.data(), cut.size(), &elf) == ElfError::kOk)
            touch_everything(elf);
    }
}

TEST(Elf, RandomCorruptionNeverReadsOutside) {
    std::mt19937 rng(42);
    Image good;
    int opened = 0;
    for (int round = 0; round < 3000; round++) {
        std::vector<uint8_t> v = good.bytes;
        int flips = 1 + int(rng() % 4);
        for (int f = 0; f < flips; f++) {
            // Mostly the header, program headers and notes, where lies matter.
            size_t at = rng() % 2 ? rng() % 0x180 : rng() % v.size();
            v[at] = uint8_t(rng() % 3 == 0 ? 0xff : rng());
        }
        ElfImage elf;
        if (elf_open(v.data(), v.size(), &elf) == ElfError::kOk) {
            opened++;
            touch_everything(elf);
        }
    }
    EXPECT_GT(opened, 0);
}

} // namespace
