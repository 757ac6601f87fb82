#include "common/boot.h"

#include "arch/crash_selftest.h"
#include "arch/machine.h"
#include "arch/percpu.h"
#include "common/bootinfo.h"
#include "common/console.h"
#include "arch/dom0_build.h"
#include "arch/pv.h"
#include "common/domain.h"
#include "common/sched/sched.h"
#include "common/memory/buddy.h"
#include "common/panic.h"

void boot_complete(const BootInfo& info) {
    uint64_t free_mib = memory::buddy().free_pages() * PAGE_SIZE >> 20;
    unsigned cpus = arch::cpus_online();
    log_info("xenon: ready, %u CPU%s, %lu MiB free", cpus, cpus == 1 ? "" : "s", free_mib);
    arch::crash_selftest();

    // The initial domain's kernel is the first module, its initrd the second.
    if (info.module_count == 0)
        fatal_boot_error("no dom0 kernel: give the kernel as the first module (QEMU: -initrd "
                         "\"kernel args\"; GRUB: module2 /kernel args)");
    Domain* d = arch::build_dom0(info.modules[0], info.module_count > 1 ? &info.modules[1] : nullptr);
    log_info("dom0: starting");
    for (unsigned i = 0; i < d->vcpu_count; i++) {
        sched_add_vcpu(d->vcpus[i]);
        if (i == 0)
            vcpu_up(d->vcpus[i]);
    }
    pv_idle_loop();
}
