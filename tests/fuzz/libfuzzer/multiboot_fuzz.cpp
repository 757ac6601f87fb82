// libFuzzer target: common/bootinfo.h. The input is a window of "physical memory" at a
// fixed address holding a Multiboot 1 or 2 information structure (the first byte picks
// which, the next two where in the window the structure starts). Everything the parser
// reads goes through the PhysReader, which refuses anything outside the window; what it
// produces must be self-consistent: counts within the arrays, every string non-null and
// inside the BootInfo's own pool, modules with end >= start.
// FUZZ_REQUIRES: hypervisor/common/bootinfo.h
#include <stddef.h>
#include <stdint.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "common/bootinfo.h"

namespace {

constexpr uint64_t kBase = 0x100000;

struct Window {
    std::vector<uint8_t> mem;
};

const void* map(uint64_t phys, size_t len, void* ctx) {
    auto* w = static_cast<Window*>(ctx);
    if (phys < kBase || phys - kBase > w->mem.size() || len > w->mem.size() - (phys - kBase))
        return nullptr;
    return w->mem.data() + (phys - kBase);
}

bool in_pool(const BootInfo& info, const char* s) {
    if (!s)
        return false;
    if (s[0] == 0)
        return true; // "" may be a literal
    return s >= info.string_pool && s < info.string_pool + sizeof info.string_pool &&
           memchr(s, 0, info.string_pool + sizeof info.string_pool - s) != nullptr;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3)
        return 0;
    Window w;
    w.mem.assign(data + 3, data + size);
    uint64_t start = kBase + ((uint64_t(data[1]) | uint64_t(data[2]) << 8) % (w.mem.size() + 1));
    PhysReader reader{map, &w};
    auto info = std::make_unique<BootInfo>();
    bool ok = (data[0] & 1) ? parse_multiboot2(start, reader, info.get())
                            : parse_multiboot1(start, reader, info.get());
    if (!ok)
        return 0;
    if (info->memory_count > BootInfo::kMaxMemoryRegions ||
        info->module_count > BootInfo::kMaxModules ||
        info->acpi_rsdp_len > BootInfo::kMaxRsdpSize ||
        info->string_pool_used > BootInfo::kStringPoolSize)
        abort();
    if (!in_pool(*info, info->cmdline) || !in_pool(*info, info->image_name) ||
        !in_pool(*info, info->loader_name))
        abort();
    for (size_t i = 0; i < info->module_count; i++) {
        const BootModule& m = info->modules[i];
        if (!in_pool(*info, m.name) || !in_pool(*info, m.args) || m.end < m.start)
            abort();
    }
    for (size_t i = 1; i < info->memory_count; i++)
        if (info->memory[i].base < info->memory[i - 1].base)
            abort(); // sorted by base
    memory_type_name(info->memory_count ? info->memory[0].type : 0);
    return 0;
}
