#include "common/elf.h"

#include "lib/string.h"

namespace {

// ELF64 layout (the System V ABI's): header and program header field offsets.
constexpr size_t kEhdrSize = 64;
constexpr size_t kPhdrSize = 56;
constexpr size_t kShdrSize = 64;
constexpr uint16_t kPnXnum = 0xffff;
constexpr uint16_t kEmX86_64 = 62;

// Images come from loaders and guests: never assume fields are aligned.
uint16_t rd16(const uint8_t* p) {
    return uint16_t(p[0] | p[1] << 8);
}
uint32_t rd32(const uint8_t* p) {
    return uint32_t(rd16(p)) | uint32_t(rd16(p + 2)) << 16;
}
uint64_t rd64(const uint8_t* p) {
    return rd32(p) | uint64_t(rd32(p + 4)) << 32;
}

// [offset, offset + len) lies inside an image of size bytes, without overflow.
bool inside(uint64_t offset, uint64_t len, uint64_t size) {
    return offset <= size && len <= size - offset;
}

ElfSegment read_phdr(const uint8_t* p) {
    ElfSegment s{};
    s.type = rd32(p);
    s.flags = rd32(p + 4);
    s.offset = rd64(p + 8);
    s.vaddr = rd64(p + 16);
    s.paddr = rd64(p + 24);
    s.filesz = rd64(p + 32);
    s.memsz = rd64(p + 40);
    s.align = rd64(p + 48);
    return s;
}

// Notes are padded to 4 bytes, or 8 in segments aligned to 8 (as GNU property notes are).
uint64_t note_alignment(const ElfSegment& s) {
    return s.align == 8 ? 8 : 4;
}

enum class NoteStep { kNote, kEnd, kBad };

// Reads the note at *offset in the segment's bytes and moves *offset past it.
NoteStep read_note(const uint8_t* seg, uint64_t size, uint64_t align, uint64_t* offset,
                   ElfNote* out) {
    uint64_t off = *offset;
    if (off >= size)
        return NoteStep::kEnd;
    if (size - off < 12)
        return NoteStep::kBad;
    uint64_t namesz = rd32(seg + off);
    uint64_t descsz = rd32(seg + off + 4);
    uint32_t type = rd32(seg + off + 8);
    // Offsets are aligned from the note's start (for 4-byte notes the same as aligning
    // the sizes).
    uint64_t mask = align - 1;
    uint64_t name_off = off + 12;
    uint64_t desc_off = (name_off + namesz + mask) & ~mask;
    if (descsz == 0 && desc_off > size) // an empty last note without its name's padding
        desc_off = size;
    if (!inside(name_off, namesz, size) || !inside(desc_off, descsz, size))
        return NoteStep::kBad;
    uint64_t next = (desc_off + descsz + mask) & ~mask;
    const char* name = reinterpret_cast<const char*>(seg + name_off);
    *out = ElfNote{name, strnlen(name, namesz), type, seg + desc_off, descsz};
    *offset = next < size ? next : size; // the last note's padding may be left out
    return NoteStep::kNote;
}

ElfError check_notes(const uint8_t* image, const ElfSegment& s) {
    uint64_t off = 0;
    ElfNote note;
    for (;;) {
        switch (read_note(image + s.offset, s.filesz, note_alignment(s), &off, &note)) {
        case NoteStep::kNote:
            continue;
        case NoteStep::kEnd:
            return ElfError::kOk;
        case NoteStep::kBad:
            return ElfError::kNoteOutside;
        }
    }
}

ElfError check_header(const uint8_t* p, size_t size) {
    if (size < 4 || p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
        return ElfError::kBadMagic;
    if (size < kEhdrSize)
        return ElfError::kTruncatedHeader;
    if (p[4] == 1)
        return ElfError::kNot64Bit;
    if (p[4] != 2)
        return ElfError::kBadClass;
    if (p[5] != 1)
        return ElfError::kBigEndian;
    if (p[6] != 1 || rd32(p + 20) != 1)
        return ElfError::kBadVersion;
    if (rd16(p + 18) != kEmX86_64)
        return ElfError::kNotX86_64;
    uint16_t type = rd16(p + 16);
    if (type != kEtExec && type != kEtDyn)
        return ElfError::kNotExecutable;

    uint64_t phoff = rd64(p + 32);
    uint16_t phentsize = rd16(p + 54);
    uint16_t phnum = rd16(p + 56);
    if (phnum == 0)
        return ElfError::kNoProgramHeaders;
    if (phnum == kPnXnum)
        return ElfError::kPhnumExtended;
    if (phentsize < kPhdrSize)
        return ElfError::kBadPhentsize;
    if (!inside(phoff, uint64_t(phnum) * phentsize, size))
        return ElfError::kPhdrsOutside;

    // Section headers are not used, but a table pointing outside means a damaged file.
    uint64_t shoff = rd64(p + 40);
    uint16_t shentsize = rd16(p + 58);
    uint16_t shnum = rd16(p + 60);
    if (shoff != 0) {
        if (shentsize < kShdrSize)
            return ElfError::kBadShentsize;
        // shnum 0 with a table means the count is in entry 0: that entry must be there.
        uint64_t count = shnum ? shnum : 1;
        if (!inside(shoff, count * shentsize, size))
            return ElfError::kShdrsOutside;
    }
    return ElfError::kOk;
}

} // namespace

bool ElfNote::name_is(const char* expected) const {
    return strlen(expected) == name_len && memcmp(name, expected, name_len) == 0;
}

ElfSegment ElfImage::segment(size_t index) const {
    ElfSegment s = read_phdr(image_ + phoff_ + index * phentsize_);
    bool checked = s.type == kPtLoad || s.type == kPtNote;
    s.data = checked ? image_ + s.offset : nullptr;
    return s;
}

const char* elf_error_string(ElfError err) {
    switch (err) {
    case ElfError::kOk:
        return "no error";
    case ElfError::kBadMagic:
        return "not an ELF image (bad magic)";
    case ElfError::kTruncatedHeader:
        return "ELF header truncated (image smaller than 64 bytes)";
    case ElfError::kNot64Bit:
        return "ELF is 32-bit; xenon builds 64-bit guests only";
    case ElfError::kBadClass:
        return "ELF class is neither 32- nor 64-bit";
    case ElfError::kBigEndian:
        return "ELF is not little endian";
    case ElfError::kBadVersion:
        return "unknown ELF version";
    case ElfError::kNotX86_64:
        return "ELF is not for x86-64";
    case ElfError::kNotExecutable:
        return "ELF is not an executable (type is neither EXEC nor DYN)";
    case ElfError::kBadPhentsize:
        return "ELF program header entries are too small";
    case ElfError::kNoProgramHeaders:
        return "ELF has no program headers";
    case ElfError::kPhnumExtended:
        return "ELF has too many program headers (extended numbering is not supported)";
    case ElfError::kPhdrsOutside:
        return "program header table outside the image";
    case ElfError::kBadShentsize:
        return "ELF section header entries are too small";
    case ElfError::kShdrsOutside:
        return "section header table outside the image";
    case ElfError::kSegmentOutside:
        return "a segment's file contents lie outside the image";
    case ElfError::kFileszOverMemsz:
        return "a segment has more file bytes than memory bytes";
    case ElfError::kSegmentWraps:
        return "a segment wraps around the end of the address space";
    case ElfError::kNoLoadSegment:
        return "ELF has no loadable segment";
    case ElfError::kNoteOutside:
        return "an ELF note runs past the end of its segment";
    }
    return "unknown ELF error";
}

ElfError elf_open(const void* image, size_t size, ElfImage* out) {
    *out = ElfImage{};
    const auto* p = static_cast<const uint8_t*>(image);
    if (!p)
        return ElfError::kBadMagic;
    if (ElfError err = check_header(p, size); err != ElfError::kOk)
        return err;

    ElfImage elf;
    elf.image_ = p;
    elf.size_ = size;
    elf.type_ = rd16(p + 16);
    elf.entry_ = rd64(p + 24);
    elf.phoff_ = rd64(p + 32);
    elf.phentsize_ = rd16(p + 54);
    elf.phnum_ = rd16(p + 56);
    elf.load_start_ = UINT64_MAX;

    bool any_load = false;
    for (size_t i = 0; i < elf.phnum_; i++) {
        ElfSegment s = read_phdr(p + elf.phoff_ + i * elf.phentsize_);
        if (s.type != kPtLoad && s.type != kPtNote)
            continue;
        if (!inside(s.offset, s.filesz, size))
            return ElfError::kSegmentOutside;
        if (s.type == kPtNote) {
            if (ElfError err = check_notes(p, s); err != ElfError::kOk)
                return err;
            continue;
        }
        if (s.filesz > s.memsz)
            return ElfError::kFileszOverMemsz;
        if (s.vaddr + s.memsz < s.vaddr || s.paddr + s.memsz < s.paddr)
            return ElfError::kSegmentWraps;
        any_load = true;
        if (s.vaddr < elf.load_start_)
            elf.load_start_ = s.vaddr;
        if (s.vaddr + s.memsz > elf.load_end_)
            elf.load_end_ = s.vaddr + s.memsz;
    }
    if (!any_load)
        return ElfError::kNoLoadSegment;
    *out = elf;
    return ElfError::kOk;
}

bool ElfNoteIterator::next(ElfNote* out) {
    while (segment_ < elf_.segment_count()) {
        ElfSegment s = elf_.segment(segment_);
        if (s.type == kPtNote &&
            read_note(s.data, s.filesz, note_alignment(s), &offset_, out) == NoteStep::kNote)
            return true;
        // elf_open checked every note, so anything but a note is the segment's end.
        segment_++;
        offset_ = 0;
    }
    return false;
}

bool elf_find_note(const ElfImage& elf, const char* name, uint32_t type, ElfNote* out) {
    ElfNoteIterator it(elf);
    ElfNote n;
    while (it.next(&n)) {
        if (n.type == type && n.name_is(name)) {
            *out = n;
            return true;
        }
    }
    return false;
}
