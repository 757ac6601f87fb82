#include "common/boot.h"

#include "arch/crash_selftest.h"
#include "arch/dom0_build.h"
#include "arch/machine.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "common/bootinfo.h"
#include "common/cmdline.h"
#include "common/console.h"
#include "common/domain.h"
#include "common/memory/buddy.h"
#include "common/options.h"
#include "common/panic.h"
#include "common/sched/sched.h"
#include "lib/string.h"

namespace {

constexpr uint64_t kDefaultDomUMiB = 32;

bool is_domu_module(const BootModule& m) {
    return !strncmp(m.args, "domU", 4) && (m.args[4] == 0 || m.args[4] == ' ');
}

// "domU [pvh] [mem=SIZE] [vcpus=N] [-- guest command line]": sizes as on xenon's command
// line (a bare number is MiB), unknown words warned about; pvh builds a PVH domain.
arch::PvDomainSpec parse_domu_module(const BootModule& m, uint16_t domid) {
    arch::PvDomainSpec spec;
    spec.domid = domid;
    spec.kernel = m;
    spec.nr_pages = kDefaultDomUMiB << 8;
    const char* p = m.args + 4;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char* end = p;
        while (*end && *end != ' ')
            end++;
        size_t len = end - p;
        uint64_t value;
        if (len == 2 && !strncmp(p, "--", 2)) {
            p = end;
            while (*p == ' ')
                p++;
            spec.cmdline = p;
            break;
        }
        if (len == 3 && !strncmp(p, "pvh", 3))
            spec.pvh = true;
        else if (len > 4 && !strncmp(p, "mem=", 4) && parse_size(p + 4, len - 4, &value, 20) &&
                 value >= (4 << 20))
            spec.nr_pages = value >> PAGE_SHIFT;
        else if (len > 6 && !strncmp(p, "vcpus=", 6) && parse_uint(p + 6, len - 6, &value) &&
                 value >= 1 && value <= kMaxVcpusPerDomain)
            spec.vcpus = static_cast<unsigned>(value);
        else
            log_warn("d%u: module option '%.*s' ignored", domid, static_cast<int>(len), p);
        p = end;
    }
    return spec;
}

void start_domain(Domain* d) {
    for (unsigned i = 0; i < d->vcpu_count; i++) {
        Vcpu* v = d->vcpus[i];
        if (d->privileged && boot_options().dom0_vcpus_pin) { // hard affinity: CPU i
            unsigned cpu = i % arch::cpus_online();
            for (unsigned w = 0; w < arch::kMaxCpus / 64; w++)
                v->hard_affinity_excluded[w] = ~uint64_t(0);
            v->hard_affinity_excluded[cpu / 64] &= ~(uint64_t(1) << (cpu % 64));
        }
        sched_add_vcpu(v);
    }
    vcpu_up(d->vcpus[0]); // the others wait for VCPUOP_up, as in Xen
    log_info("d%u: starting on CPU %u", d->domid, d->vcpus[0]->processor);
}

} // namespace

void boot_complete(const BootInfo& info) {
    uint64_t free_mib = memory::buddy().free_pages() * PAGE_SIZE >> 20;
    unsigned cpus = arch::cpus_online();
    log_info("xenon: ready, %u CPU%s, %lu MiB free", cpus, cpus == 1 ? "" : "s", free_mib);
    arch::crash_selftest();

    // Module 0 is dom0's kernel, module 1 its initrd unless it is a domU kernel; every
    // module whose arguments start with "domU" is an unprivileged domain's kernel.
    if (info.module_count == 0)
        fatal_boot_error("no dom0 kernel: give the kernel as the first module (QEMU: -initrd "
                         "\"kernel args\"; GRUB: module2 /kernel args)");
    const BootModule* initrd =
        info.module_count > 1 && !is_domu_module(info.modules[1]) ? &info.modules[1] : nullptr;
    Domain* d0 = arch::build_dom0(info.modules[0], initrd);
    start_domain(d0);
    uint16_t next_domid = 1;
    for (size_t i = 1; i < info.module_count; i++) {
        if (!is_domu_module(info.modules[i]))
            continue;
        arch::PvDomainSpec spec = parse_domu_module(info.modules[i], next_domid++);
        start_domain(spec.pvh ? arch::build_pvh_domain(spec) : arch::build_pv_domain(spec));
    }
    pv_idle_loop();
}
