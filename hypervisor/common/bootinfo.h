// What the boot loader told xenon, in one loader-neutral form: the memory map, the
// command line, the modules and the ACPI RSDP. Filled from a Multiboot 1 or Multiboot 2
// information structure; every length, count and tag size in it is checked first.
#pragma once
#include <stddef.h>
#include <stdint.h>

// E820 region types, which both Multiboot versions use.
enum : uint32_t {
    kMemoryRam = 1,
    kMemoryReserved = 2,
    kMemoryAcpiReclaimable = 3,
    kMemoryAcpiNvs = 4,
    kMemoryBad = 5,
};

struct MemoryRegion {
    uint64_t base;
    uint64_t length;
    uint32_t type; // E820 type; values other than 1..5 are kept as given
};

struct BootModule {
    uint64_t start; // physical
    uint64_t end;   // physical, exclusive
    const char* name;
    const char* args;
};

// Strings point into the pool inside the structure, so a BootInfo is never copied.
// After a successful parse every string is non-null (possibly empty).
struct BootInfo {
    static constexpr size_t kMaxMemoryRegions = 128;
    static constexpr size_t kMaxModules = 32;
    static constexpr size_t kStringPoolSize = 4096;
    static constexpr size_t kMaxRsdpSize = 36; // an ACPI 2.0+ RSDP; 1.0 uses 20

    BootInfo() = default;
    BootInfo(const BootInfo&) = delete;
    BootInfo& operator=(const BootInfo&) = delete;

    int multiboot_version = 0; // 1 or 2 once parsed
    const char* image_name = "";
    const char* cmdline = ""; // without the image name
    const char* loader_name = "";

    MemoryRegion memory[kMaxMemoryRegions] = {}; // sorted by base
    size_t memory_count = 0;

    BootModule modules[kMaxModules] = {};
    size_t module_count = 0;

    uint8_t acpi_rsdp[kMaxRsdpSize] = {}; // Multiboot 2 only: the loader's copy
    size_t acpi_rsdp_len = 0;

    char string_pool[kStringPoolSize] = {};
    size_t string_pool_used = 0;
};

// Physical memory as the parser reaches it: map() returns a pointer to len readable
// bytes at phys, or nullptr if that range cannot be read.
struct PhysReader {
    const void* (*map)(uint64_t phys, size_t len, void* ctx);
    void* ctx;
};

// Each fills *info from scratch. false means the structure could not be used; the
// reason has been logged.
bool parse_multiboot1(uint64_t info_phys, const PhysReader& reader, BootInfo* info);
bool parse_multiboot2(uint64_t info_phys, const PhysReader& reader, BootInfo* info);

// The memory map and the modules, one line each.
void bootinfo_log(const BootInfo& info);
const char* memory_type_name(uint32_t type);
