// Internal to the Multiboot parsers: filling a BootInfo safely (pooled strings, bounded
// tables) whatever the loader handed over.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "common/bootinfo.h"

namespace bootinfo_detail {

// Loader structures are packed and may be unaligned: read fields byte by byte.
inline uint32_t rd32(const uint8_t* p) {
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
inline uint64_t rd64(const uint8_t* p) {
    return rd32(p) | (uint64_t(rd32(p + 4)) << 32);
}

class Builder {
  public:
    Builder(BootInfo* info, int version);

    // Copies at most max bytes of s (stopping at a NUL) into the pool.
    char* copy_string(const char* s, size_t max);
    // Copies a NUL-terminated string from physical memory into the pool.
    char* copy_phys_string(const PhysReader& reader, uint64_t phys);

    // The loader's command line: "image-path rest" or just "rest" (see split_first_word).
    void set_cmdline(char* pooled);
    void set_loader_name(const char* pooled) { info_->loader_name = pooled; }
    void add_region(uint64_t base, uint64_t length, uint32_t type);
    // end is exclusive; false (and logged) if the module makes no sense.
    bool add_module(uint64_t start, uint64_t end, char* pooled_string);
    void set_rsdp(const uint8_t* bytes, size_t len);
    // Low and high memory in KiB (Multiboot's mem_lower/mem_upper), when there is no map.
    void add_basic_memory(uint32_t lower_kib, uint32_t upper_kib);

    // Sorts the map; false (and logged) if there is no usable memory information.
    bool finish();

  private:
    char* pool_alloc_start();
    BootInfo* info_;
    const char* tag_;
    bool pool_full_warned_ = false;
    bool regions_full_warned_ = false;
    bool modules_full_warned_ = false;
};

// Loaders put the image's path first; it is split off unless the first word holds a
// '=' (then the loader gave no path). Writes a NUL into s.
void split_first_word(char* s, const char** first, const char** rest);

} // namespace bootinfo_detail
