// A bounds-checked reader of 64-bit x86 ELF images (guest kernels). elf_open() checks
// the whole structure once: the header, every program header and every note. After it
// succeeds, nothing read through an ElfImage lies outside the image.
#pragma once
#include <stddef.h>
#include <stdint.h>

enum class ElfError : uint8_t {
    kOk,
    kBadMagic,
    kTruncatedHeader,
    kNot64Bit,
    kBadClass,
    kBigEndian,
    kBadVersion,
    kNotX86_64,
    kNotExecutable,
    kBadPhentsize,
    kNoProgramHeaders,
    kPhnumExtended,
    kPhdrsOutside,
    kBadShentsize,
    kShdrsOutside,
    kSegmentOutside,
    kFileszOverMemsz,
    kSegmentWraps,
    kNoLoadSegment,
    kNoteOutside,
};

const char* elf_error_string(ElfError err);

// ELF constants the users of this reader need.
enum : uint32_t { kPtLoad = 1, kPtNote = 4 };
enum : uint32_t { kPfExecute = 1, kPfWrite = 2, kPfRead = 4 };
enum : uint16_t { kEtExec = 2, kEtDyn = 3 };

struct ElfSegment {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
    // The filesz bytes in the image; checked for PT_LOAD and PT_NOTE segments only.
    const uint8_t* data;
};

struct ElfNote {
    const char* name; // not necessarily NUL-terminated: use name_len
    size_t name_len;  // without the terminating NUL
    uint32_t type;
    const uint8_t* desc;
    size_t desc_size;

    bool name_is(const char* expected) const;
};

class ElfImage {
  public:
    uint64_t entry() const { return entry_; }
    uint16_t type() const { return type_; }
    const uint8_t* data() const { return image_; }
    size_t size() const { return size_; }

    size_t segment_count() const { return phnum_; }
    ElfSegment segment(size_t index) const; // index < segment_count()

    // The virtual range the PT_LOAD segments cover, [start, end).
    uint64_t load_start() const { return load_start_; }
    uint64_t load_end() const { return load_end_; }

  private:
    friend ElfError elf_open(const void* image, size_t size, ElfImage* out);
    const uint8_t* image_ = nullptr;
    size_t size_ = 0;
    uint64_t entry_ = 0;
    uint64_t phoff_ = 0;
    uint16_t phentsize_ = 0;
    uint16_t phnum_ = 0;
    uint16_t type_ = 0;
    uint64_t load_start_ = 0;
    uint64_t load_end_ = 0;
};

// Checks the image and fills *out; on error *out is left unusable.
ElfError elf_open(const void* image, size_t size, ElfImage* out);

// Walks the notes of every PT_NOTE segment, in order:
//   ElfNoteIterator it(elf); ElfNote n; while (it.next(&n)) ...
class ElfNoteIterator {
  public:
    explicit ElfNoteIterator(const ElfImage& elf) : elf_(elf) {}
    bool next(ElfNote* out);

  private:
    const ElfImage& elf_;
    size_t segment_ = 0;
    uint64_t offset_ = 0; // within the current segment
};

// The first note with this name and type; false if there is none.
bool elf_find_note(const ElfImage& elf, const char* name, uint32_t type, ElfNote* out);
