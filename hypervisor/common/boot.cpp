#include "common/boot.h"

#include "arch/crash_selftest.h"
#include "arch/machine.h"
#include "arch/percpu.h"
#include "common/bootinfo.h"
#include "common/console.h"
#include "common/elf.h"
#include "common/memory/buddy.h"
#include "common/panic.h"

void boot_complete(const BootInfo& info) {
    uint64_t free_mib = memory::buddy().free_pages() * PAGE_SIZE >> 20;
    unsigned cpus = arch::cpus_online();
    log_info("xenon: ready, %u CPU%s, %lu MiB free", cpus, cpus == 1 ? "" : "s", free_mib);
    arch::crash_selftest();

    // The initial domain's kernel is the first module. Building it is the domain builder's
    // job (next step); until then xenon checks what it was given and stops cleanly.
    if (info.module_count == 0)
        fatal_boot_error("no dom0 kernel: give the kernel as the first module (QEMU: -initrd "
                         "\"kernel args\"; GRUB: module2 /kernel args)");
    const BootModule& kernel = info.modules[0];
    const void* image = arch::phys_to_virt(kernel.start);
    ElfImage elf;
    ElfError err = elf_open(image, kernel.end - kernel.start, &elf);
    if (err != ElfError::kOk)
        fatal_boot_error("dom0 kernel '%s' (module 0, %lu bytes): %s", kernel.name,
                         kernel.end - kernel.start, elf_error_string(err));
    log_info("dom0: kernel '%s' is a 64-bit x86 ELF, entry %#lx", kernel.name, elf.entry());
    log_warn("dom0: the domain builder is not part of xenon yet; nothing to run");
    arch::machine_power_off();
}
