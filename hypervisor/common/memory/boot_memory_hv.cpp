// The hypervisor's side of boot memory setup: the real direct map, the global frame
// table and allocator, and the loader's memory map.
#include "arch/layout.h"
#include "common/bootinfo.h"
#include "common/memory/boot_memory.h"
#include "common/memory/heap.h"
#include "common/memory/pages.h"
#include "common/panic.h"

namespace memory {

void init(const BootMemoryInput &in) {
    BootMemoryLayout layout;
    if (const char *err = setup_memory(in, &arch::phys_to_virt, &frame_table(), &buddy(), &layout))
        fatal_boot_error("memory: %s", err);
    heap().init(&hypervisor_page_source());
}

} // namespace memory

void memory_init_from_boot(const BootInfo &info, uint64_t image_start, uint64_t image_end) {
    static constinit memory::MemRange usable[BootInfo::kMaxMemoryRegions] = {};
    static constinit memory::MemRange reserved[BootInfo::kMaxModules + 2] = {};
    size_t nu = 0;
    for (size_t i = 0; i < info.memory_count && nu < BootInfo::kMaxMemoryRegions; i++) {
        const MemoryRegion &r = info.memory[i];
        if (r.type != kMemoryRam || r.length == 0)
            continue;
        uint64_t end = r.base + r.length;
        usable[nu++] = {r.base, end < r.base ? ~0ull : end};
    }
    size_t nr = 0;
    reserved[nr++] = {0, 0x100000};
    reserved[nr++] = {image_start, image_end};
    for (size_t i = 0; i < info.module_count && i < BootInfo::kMaxModules; i++)
        reserved[nr++] = {info.modules[i].start, info.modules[i].end};
    memory::init({usable, nu, reserved, nr});
}
