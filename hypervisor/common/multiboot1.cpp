// Multiboot 1 information structure (the format is the Multiboot 0.6.96 specification's).
#include "common/bootinfo.h"
#include "common/bootinfo_builder.h"
#include "common/console.h"

using namespace bootinfo_detail;

namespace {

// Flag bits saying which fields are valid.
constexpr uint32_t kFlagMemory = 1u << 0;
constexpr uint32_t kFlagCmdline = 1u << 2;
constexpr uint32_t kFlagModules = 1u << 3;
constexpr uint32_t kFlagMmap = 1u << 6;
constexpr uint32_t kFlagLoaderName = 1u << 9;

// Field offsets; the structure is read only up to the loader name.
constexpr size_t kOffFlags = 0;
constexpr size_t kOffMemLower = 4;
constexpr size_t kOffMemUpper = 8;
constexpr size_t kOffCmdline = 16;
constexpr size_t kOffModsCount = 20;
constexpr size_t kOffModsAddr = 24;
constexpr size_t kOffMmapLength = 44;
constexpr size_t kOffMmapAddr = 48;
constexpr size_t kOffLoaderName = 64;
constexpr size_t kInfoSize = 68;

constexpr size_t kModuleSize = 16;       // mod_start, mod_end, string, reserved
constexpr size_t kMmapEntryMinSize = 20; // after the size field: base, length, type

bool parse_modules(const uint8_t* mbi, const PhysReader& reader, Builder& b) {
    uint32_t count = rd32(mbi + kOffModsCount);
    uint32_t addr = rd32(mbi + kOffModsAddr);
    if (count > BootInfo::kMaxModules) {
        log_warn("multiboot1: %u modules, only the first %zu are used", count,
                 BootInfo::kMaxModules);
        count = BootInfo::kMaxModules;
    }
    if (count == 0)
        return true;
    const auto* mods =
        static_cast<const uint8_t*>(reader.map(addr, count * kModuleSize, reader.ctx));
    if (!mods) {
        log_error("multiboot1: module list at %#x (%u entries) is not readable", addr, count);
        return false;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t* m = mods + i * kModuleSize;
        char* string = b.copy_phys_string(reader, rd32(m + 8));
        if (!b.add_module(rd32(m), rd32(m + 4), string))
            return false;
    }
    return true;
}

bool parse_mmap(const uint8_t* mbi, const PhysReader& reader, Builder& b) {
    uint32_t length = rd32(mbi + kOffMmapLength);
    uint32_t addr = rd32(mbi + kOffMmapAddr);
    if (length == 0)
        return true;
    const auto* map = static_cast<const uint8_t*>(reader.map(addr, length, reader.ctx));
    if (!map) {
        log_error("multiboot1: memory map at %#x (%u bytes) is not readable", addr, length);
        return false;
    }
    // Each entry starts with its own size, not counting the size field itself.
    for (uint32_t off = 0; length - off >= 4;) {
        uint32_t size = rd32(map + off);
        if (size < kMmapEntryMinSize || size > length - off - 4) {
            log_error("multiboot1: memory map entry at offset %u has size %u (at least %zu, at "
                      "most the %u bytes left)",
                      off, size, kMmapEntryMinSize, length - off - 4);
            return false;
        }
        const uint8_t* e = map + off + 4;
        b.add_region(rd64(e), rd64(e + 8), rd32(e + 16));
        off += 4 + size;
    }
    return true;
}

} // namespace

bool parse_multiboot1(uint64_t info_phys, const PhysReader& reader, BootInfo* info) {
    Builder b(info, 1);
    const auto* mbi = static_cast<const uint8_t*>(reader.map(info_phys, kInfoSize, reader.ctx));
    if (!mbi) {
        log_error("multiboot1: information structure at %#lx is not readable",
                  static_cast<unsigned long>(info_phys));
        return false;
    }
    uint32_t flags = rd32(mbi + kOffFlags);
    if (flags & kFlagCmdline)
        b.set_cmdline(b.copy_phys_string(reader, rd32(mbi + kOffCmdline)));
    if (flags & kFlagLoaderName)
        b.set_loader_name(b.copy_phys_string(reader, rd32(mbi + kOffLoaderName)));
    if ((flags & kFlagModules) && !parse_modules(mbi, reader, b))
        return false;
    if ((flags & kFlagMmap) && !parse_mmap(mbi, reader, b))
        return false;
    if (info->memory_count == 0 && (flags & kFlagMemory))
        b.add_basic_memory(rd32(mbi + kOffMemLower), rd32(mbi + kOffMemUpper));
    return b.finish();
}
