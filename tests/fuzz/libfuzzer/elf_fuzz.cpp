// libFuzzer target: common/elf.h. Any bytes as a guest kernel image: elf_open() must
// either refuse them or hand out segments and notes that lie inside the image (every
// byte they name is read here, so AddressSanitizer sees any overreach).
// FUZZ_REQUIRES: hypervisor/common/elf.h
#include <stddef.h>
#include <stdint.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/elf.h"

namespace {
volatile uint8_t sink;

void touch(const uint8_t* p, size_t n) {
    uint8_t x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= p[i];
    sink = x;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A copy of exactly `size` bytes on the heap: reading one byte past it is caught.
    std::vector<uint8_t> image(data, data + size);
    ElfImage elf;
    ElfError err = elf_open(image.data(), image.size(), &elf);
    if (!elf_error_string(err))
        abort();
    if (err != ElfError::kOk)
        return 0;
    if (elf.segment_count() == 0 || elf.load_start() > elf.load_end())
        abort();
    for (size_t i = 0; i < elf.segment_count(); i++) {
        ElfSegment s = elf.segment(i);
        if (s.type == kPtLoad || s.type == kPtNote) {
            if (s.filesz > image.size() || (s.filesz && !s.data))
                abort();
            if (s.filesz) {
                if (s.data < image.data() || s.data + s.filesz > image.data() + image.size())
                    abort();
                touch(s.data, s.filesz);
            }
            if (s.type == kPtLoad && s.filesz > s.memsz)
                abort();
        }
    }
    ElfNoteIterator it(elf);
    ElfNote n;
    unsigned notes = 0;
    while (it.next(&n) && notes++ < 100000) {
        touch(reinterpret_cast<const uint8_t*>(n.name), n.name_len);
        touch(n.desc, n.desc_size);
        n.name_is("Xen");
    }
    ElfNote found;
    if (elf_find_note(elf, "Xen", 2, &found))
        touch(found.desc, found.desc_size);
    return 0;
}
