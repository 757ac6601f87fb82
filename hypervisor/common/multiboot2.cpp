// Multiboot 2 information structure: a total size, then 8-byte aligned tags, each with a
// type and a size, ending with a tag of type 0 (the Multiboot2 specification's format).
#include "common/bootinfo.h"
#include "common/bootinfo_builder.h"
#include "common/console.h"

using namespace bootinfo_detail;

namespace {

enum : uint32_t {
    kTagEnd = 0,
    kTagCmdline = 1,
    kTagLoaderName = 2,
    kTagModule = 3,
    kTagBasicMemory = 4,
    kTagMmap = 6,
    kTagAcpiOld = 14,
    kTagAcpiNew = 15,
};

constexpr size_t kTagHeader = 8;         // type, size
constexpr size_t kMmapEntryMinSize = 20; // base, length, type (then a reserved word)
// No loader builds anything near this; a larger size is garbage, not information.
constexpr uint32_t kMaxTotalSize = 1u << 20;

struct State {
    bool have_basic = false;
    uint32_t mem_lower = 0, mem_upper = 0;
    bool have_new_rsdp = false;
};

// A string filling the rest of a tag; a loader that forgot the NUL gets it cut at the end.
char* tag_string(Builder& b, const uint8_t* tag, uint32_t size, size_t offset) {
    return b.copy_string(reinterpret_cast<const char*>(tag + offset), size - offset);
}

bool parse_mmap(Builder& b, const uint8_t* tag, uint32_t size) {
    if (size < 16) {
        log_error("multiboot2: memory map tag of %u bytes is too short", size);
        return false;
    }
    uint32_t entry_size = rd32(tag + 8);
    if (entry_size < kMmapEntryMinSize) {
        log_error("multiboot2: memory map entry size %u is below %zu", entry_size,
                  kMmapEntryMinSize);
        return false;
    }
    for (uint32_t off = 16; size - off >= entry_size; off += entry_size) {
        const uint8_t* e = tag + off;
        b.add_region(rd64(e), rd64(e + 8), rd32(e + 16));
    }
    return true;
}

bool parse_tag(Builder& b, State& s, uint32_t type, const uint8_t* tag, uint32_t size) {
    switch (type) {
    case kTagCmdline:
        b.set_cmdline(tag_string(b, tag, size, kTagHeader));
        return true;
    case kTagLoaderName:
        b.set_loader_name(tag_string(b, tag, size, kTagHeader));
        return true;
    case kTagModule:
        if (size < 16) {
            log_error("multiboot2: module tag of %u bytes is too short", size);
            return false;
        }
        return b.add_module(rd32(tag + 8), rd32(tag + 12), tag_string(b, tag, size, 16));
    case kTagBasicMemory:
        if (size >= 16) {
            s.have_basic = true;
            s.mem_lower = rd32(tag + 8);
            s.mem_upper = rd32(tag + 12);
        }
        return true;
    case kTagMmap:
        return parse_mmap(b, tag, size);
    case kTagAcpiOld:
    case kTagAcpiNew:
        // The ACPI 2.0 copy wins over the 1.0 one, whatever their order.
        if (type == kTagAcpiOld && s.have_new_rsdp)
            return true;
        s.have_new_rsdp |= type == kTagAcpiNew;
        b.set_rsdp(tag + kTagHeader, size - kTagHeader);
        return true;
    default:
        return true; // framebuffer, ELF sections, EFI tables...: not needed
    }
}

} // namespace

bool parse_multiboot2(uint64_t info_phys, const PhysReader& reader, BootInfo* info) {
    Builder b(info, 2);
    const auto* head = static_cast<const uint8_t*>(reader.map(info_phys, kTagHeader, reader.ctx));
    if (!head) {
        log_error("multiboot2: information structure at %#lx is not readable",
                  static_cast<unsigned long>(info_phys));
        return false;
    }
    uint32_t total = rd32(head);
    if (total < kTagHeader || total > kMaxTotalSize) {
        log_error("multiboot2: information structure claims a size of %u bytes", total);
        return false;
    }
    const auto* mbi = static_cast<const uint8_t*>(reader.map(info_phys, total, reader.ctx));
    if (!mbi) {
        log_error("multiboot2: information structure at %#lx (%u bytes) is not readable",
                  static_cast<unsigned long>(info_phys), total);
        return false;
    }

    State s;
    uint32_t off = kTagHeader;
    for (;;) {
        if (off == total) {
            log_warn("multiboot2: no end tag; using the %u bytes given", total);
            break;
        }
        if (total - off < kTagHeader) {
            log_error("multiboot2: tag at offset %u runs past the total size %u", off, total);
            return false;
        }
        uint32_t type = rd32(mbi + off);
        uint32_t size = rd32(mbi + off + 4);
        if (size < kTagHeader || size > total - off) {
            log_error("multiboot2: tag %u at offset %u has size %u (must be 8..%u)", type, off,
                      size, total - off);
            return false;
        }
        if (type == kTagEnd)
            break;
        if (!parse_tag(b, s, type, mbi + off, size))
            return false;
        // Tags start 8-byte aligned; padding may run to exactly the end.
        uint32_t step = (size + 7) & ~7u;
        off = step > total - off ? total : off + step;
    }
    if (info->memory_count == 0 && s.have_basic)
        b.add_basic_memory(s.mem_lower, s.mem_upper);
    return b.finish();
}
