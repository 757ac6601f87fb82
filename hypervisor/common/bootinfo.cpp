#include "common/bootinfo.h"

#include "common/bootinfo_builder.h"
#include "common/console.h"
#include "lib/new.h"
#include "lib/string.h"

namespace bootinfo_detail {

Builder::Builder(BootInfo* info, int version)
    : info_(info), tag_(version == 1 ? "multiboot1" : "multiboot2") {
    info->~BootInfo();
    new (info) BootInfo();
    info->multiboot_version = version;
}

char* Builder::pool_alloc_start() {
    // One byte is always kept for the terminating NUL.
    if (info_->string_pool_used >= BootInfo::kStringPoolSize) {
        if (!pool_full_warned_)
            log_warn("%s: string storage full (%zu bytes); strings truncated", tag_,
                     BootInfo::kStringPoolSize);
        pool_full_warned_ = true;
        return nullptr;
    }
    return info_->string_pool + info_->string_pool_used;
}

char* Builder::copy_string(const char* s, size_t max) {
    char* dst = pool_alloc_start();
    if (!dst)
        return const_cast<char*>("");
    size_t room = BootInfo::kStringPoolSize - info_->string_pool_used - 1;
    size_t n = 0;
    while (n < max && s[n] && n < room)
        n++;
    if (n == room && n < max && s[n]) {
        log_warn("%s: string storage full (%zu bytes); strings truncated", tag_,
                 BootInfo::kStringPoolSize);
        pool_full_warned_ = true;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
    info_->string_pool_used += n + 1;
    return dst;
}

char* Builder::copy_phys_string(const PhysReader& reader, uint64_t phys) {
    char* dst = pool_alloc_start();
    if (!dst)
        return const_cast<char*>("");
    size_t room = BootInfo::kStringPoolSize - info_->string_pool_used - 1;
    size_t n = 0;
    // Byte by byte: the string's length is unknown and it may end at the last readable byte.
    for (;; n++) {
        const auto* p = static_cast<const char*>(reader.map(phys + n, 1, reader.ctx));
        if (!p) {
            log_warn("%s: string at %#lx runs into unreadable memory; truncated", tag_,
                     static_cast<unsigned long>(phys));
            break;
        }
        if (*p == '\0')
            break;
        if (n == room) {
            log_warn("%s: string storage full (%zu bytes); strings truncated", tag_,
                     BootInfo::kStringPoolSize);
            pool_full_warned_ = true;
            break;
        }
        dst[n] = *p;
    }
    dst[n] = '\0';
    info_->string_pool_used += n + 1;
    return dst;
}

void Builder::set_cmdline(char* pooled) {
    split_first_word(pooled, &info_->image_name, &info_->cmdline);
}

void Builder::add_region(uint64_t base, uint64_t length, uint32_t type) {
    if (length == 0)
        return;
    if (base + length < base) { // runs past 2^64: keep what exists
        log_warn("%s: memory region at %#lx wraps past the top of memory; clipped", tag_,
                 static_cast<unsigned long>(base));
        length = 0 - base;
    }
    if (info_->memory_count == BootInfo::kMaxMemoryRegions) {
        if (!regions_full_warned_)
            log_warn("%s: more than %zu memory regions; the rest are ignored", tag_,
                     BootInfo::kMaxMemoryRegions);
        regions_full_warned_ = true;
        return;
    }
    info_->memory[info_->memory_count++] = MemoryRegion{base, length, type};
}

void Builder::add_basic_memory(uint32_t lower_kib, uint32_t upper_kib) {
    add_region(0, uint64_t(lower_kib) << 10, kMemoryRam);
    add_region(1ull << 20, uint64_t(upper_kib) << 10, kMemoryRam);
}

bool Builder::add_module(uint64_t start, uint64_t end, char* pooled_string) {
    if (end < start) {
        log_error("%s: module %zu ends (%#lx) before it starts (%#lx)", tag_, info_->module_count,
                  static_cast<unsigned long>(end), static_cast<unsigned long>(start));
        return false;
    }
    if (info_->module_count == BootInfo::kMaxModules) {
        if (!modules_full_warned_)
            log_warn("%s: more than %zu modules; the rest are ignored", tag_,
                     BootInfo::kMaxModules);
        modules_full_warned_ = true;
        return true;
    }
    BootModule& m = info_->modules[info_->module_count++];
    m.start = start;
    m.end = end;
    split_first_word(pooled_string, &m.name, &m.args);
    return true;
}

void Builder::set_rsdp(const uint8_t* bytes, size_t len) {
    if (len > BootInfo::kMaxRsdpSize)
        len = BootInfo::kMaxRsdpSize;
    memcpy(info_->acpi_rsdp, bytes, len);
    info_->acpi_rsdp_len = len;
}

bool Builder::finish() {
    // Insertion sort: few entries, usually already in order.
    MemoryRegion* m = info_->memory;
    for (size_t i = 1; i < info_->memory_count; i++) {
        MemoryRegion r = m[i];
        size_t j = i;
        for (; j > 0 && m[j - 1].base > r.base; j--)
            m[j] = m[j - 1];
        m[j] = r;
    }
    if (info_->memory_count == 0) {
        log_error("%s: the boot loader gave no memory map and no memory sizes", tag_);
        return false;
    }
    return true;
}

void split_first_word(char* s, const char** first, const char** rest) {
    while (*s == ' ' || *s == '\t')
        s++;
    char* end = s;
    bool has_equals = false;
    while (*end && *end != ' ' && *end != '\t') {
        has_equals |= *end == '=';
        end++;
    }
    if (has_equals || end == s) {
        *first = end; // the empty string at the end of s when s is blank
        while (**first)
            (*first)++;
        *rest = s;
        return;
    }
    *first = s;
    if (*end) {
        *end++ = '\0';
        while (*end == ' ' || *end == '\t')
            end++;
    }
    *rest = end;
}

} // namespace bootinfo_detail

const char* memory_type_name(uint32_t type) {
    switch (type) {
    case kMemoryRam:
        return "RAM";
    case kMemoryReserved:
        return "reserved";
    case kMemoryAcpiReclaimable:
        return "ACPI data";
    case kMemoryAcpiNvs:
        return "ACPI NVS";
    case kMemoryBad:
        return "bad memory";
    default:
        return "unknown type";
    }
}

void bootinfo_log(const BootInfo& info) {
    log_info("boot loader: %s (multiboot%d), image %s",
             info.loader_name[0] ? info.loader_name : "unnamed", info.multiboot_version,
             info.image_name[0] ? info.image_name : "unnamed");
    log_info("memory map:");
    for (size_t i = 0; i < info.memory_count; i++) {
        const MemoryRegion& r = info.memory[i];
        unsigned long last = static_cast<unsigned long>(r.base + r.length - 1);
        if (r.type >= kMemoryRam && r.type <= kMemoryBad)
            log_info("  %016lx - %016lx  %s", static_cast<unsigned long>(r.base), last,
                     memory_type_name(r.type));
        else
            log_info("  %016lx - %016lx  type %u", static_cast<unsigned long>(r.base), last,
                     r.type);
    }
    if (info.module_count == 0)
        log_info("modules: none");
    for (size_t i = 0; i < info.module_count; i++) {
        const BootModule& m = info.modules[i];
        uint64_t size = m.end - m.start;
        log_info("module %zu: %016lx - %016lx (%lu KiB) %s%s%s", i,
                 static_cast<unsigned long>(m.start), static_cast<unsigned long>(m.end),
                 static_cast<unsigned long>((size + 1023) >> 10), m.name[0] ? m.name : "(unnamed)",
                 m.args[0] ? " " : "", m.args);
    }
}
