// Builds a PVH domain from a kernel ELF with XEN_ELFNOTE_PHYS32_ENTRY, as Xen 4.17's PVH
// dom0 builder lays one out: segments at their physical addresses, then (after the
// kernel) the initrd, the command line, the module list and the hvm_start_info, and
// vCPU 0 in 32-bit flat protected mode at the entry with ebx = the start info.
//
// Its guest-physical RAM is [0, 640 KiB) and from 1 MiB up (the legacy VGA/BIOS hole
// left unmapped), which XENMEM_memory_map reports.
#include "arch/dom0_build.h"

#include "arch/cpu.h"
#include "arch/hvm.h"
#include "arch/layout.h"
#include "arch/pv_mm.h"
#include "arch/x86/hvm/hvm.h"
#include "arch/x86/svm/vmcb.h"
#include "common/bzimage.h"
#include "common/console.h"
#include "common/domain.h"
#include "common/elf.h"
#include "common/memory/buddy.h"
#include "common/memory/heap.h"
#include "common/memory/page_type.h"
#include "common/panic.h"
#include "lib/string.h"
#include "public/elfnote.h"
#include "public/hvm/start_info.h"
#include "public/memory.h"
#include "public/xen.h"

namespace arch {
namespace {

constexpr uint64_t kPage = PAGE_SIZE;
constexpr uint64_t kLowEnd = 0xa0000, kHighStart = 0x100000;

uint64_t round_up(uint64_t v, uint64_t a) {
    return (v + a - 1) & ~(a - 1);
}

uint32_t phys32_entry(const ElfImage& elf, bool* found) {
    ElfNoteIterator it(elf);
    ElfNote n;
    *found = false;
    while (it.next(&n)) {
        if (n.name_is("Xen") && n.type == xen::XEN_ELFNOTE_PHYS32_ENTRY && n.desc_size >= 4) {
            uint32_t e;
            memcpy(&e, n.desc, 4);
            *found = true;
            return e;
        }
    }
    return 0;
}

// The domain's RAM, in the two ranges around the hole.
struct Layout {
    uint64_t nr_pages;
    uint64_t high_end; // one past the last byte of RAM above 1 MiB
    bool is_ram(uint64_t start, uint64_t end) const {
        return end > start && ((end <= kLowEnd) || (start >= kHighStart && end <= high_end));
    }
};

void give_memory(Domain& d, const Layout& l) {
    memory::FrameTable& ft = memory::frame_table();
    uint64_t done = 0;
    auto fill = [&](uint64_t gfn, uint64_t count) {
        while (count) {
            unsigned order = 9;
            while (order && ((1ull << order) > count || (gfn & ((1ull << order) - 1))))
                order--;
            memory::PageInfo* pg = memory::buddy().alloc(order);
            while (!pg && order)
                pg = memory::buddy().alloc(--order);
            if (!pg)
                fatal_boot_error("out of memory giving d%u its RAM", d.domid);
            uint64_t mfn = ft.mfn(pg);
            for (uint64_t i = 0; i < (1ull << order); i++) {
                pg[i].order = 0; // each frame its own block, as for PV
                pg[i].owner = d.domid;
                pg[i].count_info = memory::kCountAllocated | 1;
                pg[i].type_info = 0;
                m2p_set(mfn + i, gfn + i);
            }
            memset(phys_to_virt(mfn * kPage), 0, kPage << order);
            if (hvm::hvm_map_ram(d, gfn, mfn, 1ull << order))
                fatal_boot_error("out of memory for d%u's p2m", d.domid);
            gfn += 1ull << order, count -= 1ull << order, done += 1ull << order;
        }
    };
    fill(0, kLowEnd / kPage);
    fill(kHighStart / kPage, l.nr_pages - kLowEnd / kPage);
}

void set_e820(Domain& d, const Layout& l) {
    auto* map = static_cast<xen::e820entry*>(xmalloc(2 * sizeof(xen::e820entry)));
    if (!map)
        fatal_boot_error("out of memory for d%u's memory map", d.domid);
    map[0] = {0, kLowEnd, xen::E820_RAM};
    map[1] = {kHighStart, l.high_end - kHighStart, xen::E820_RAM};
    d.e820 = map;
    d.nr_e820 = 2;
}

// vCPU 0 as docs/misc/pvh.pandoc has it (and Xen's pvh_setup_cpus sets it).
void set_entry_state(Vcpu& v, uint32_t entry, uint64_t start_info) {
    svm::Vmcb& vmcb = *hvm::vcpu_of(v).vmcb;
    vmcb.cs = {0, 0xc9b, 0xffffffff, 0};
    vmcb.ds = vmcb.es = vmcb.ss = {0, 0xc93, 0xffffffff, 0};
    vmcb.tr = {0, 0x8b, 0x67, 0};
    vmcb.cr0 = 0x11; // PE, ET
    vmcb.rflags = 2;
    vmcb.rip = entry;
    vmcb.g_pat = 0x0000050100070406ull; // Xen's own PAT, which its PVH vCPUs start with
    memset(&v.arch.regs, 0, sizeof(v.arch.regs));
    v.arch.regs.rbx = start_info;
}

} // namespace

Domain* build_pvh_domain(const PvDomainSpec& spec) {
    if (!hvm_available())
        fatal_boot_error("d%u: a PVH domain needs AMD SVM with nested paging (QEMU: -cpu max)",
                         spec.domid);
    const BootModule& kernel = spec.kernel;
    ElfImage elf;
    if (ElfError err = elf_open(phys_to_virt(kernel.start), kernel.end - kernel.start, &elf);
        err != ElfError::kOk)
        fatal_boot_error("d%u kernel '%s': %s", spec.domid, kernel.name, elf_error_string(err));
    bool found;
    uint32_t entry = phys32_entry(elf, &found);
    if (!found)
        fatal_boot_error("d%u kernel '%s' has no XEN_ELFNOTE_PHYS32_ENTRY: not a PVH kernel",
                         spec.domid, kernel.name);
    if (spec.nr_pages < (4 << 20) / kPage || spec.nr_pages > memory::buddy().free_pages())
        fatal_boot_error("d%u: %lu MiB asked for, %lu MiB free", spec.domid, spec.nr_pages >> 8,
                         memory::buddy().free_pages() >> 8);
    Layout l{spec.nr_pages, kHighStart + (spec.nr_pages - kLowEnd / kPage) * kPage};

    uint64_t kern_start = ~0ull, kern_end = 0;
    for (size_t i = 0; i < elf.segment_count(); i++) {
        ElfSegment s = elf.segment(i);
        if (s.type != kPtLoad || s.memsz == 0)
            continue;
        if (s.paddr + s.memsz < s.paddr || !l.is_ram(s.paddr, s.paddr + s.memsz))
            fatal_boot_error("d%u kernel '%s': segment %#lx+%#lx is outside its RAM", spec.domid,
                             kernel.name, s.paddr, s.memsz);
        if (s.paddr < kern_start)
            kern_start = s.paddr;
        if (s.paddr + s.memsz > kern_end)
            kern_end = s.paddr + s.memsz;
    }
    if (kern_end == 0 || entry < kern_start || entry >= kern_end)
        fatal_boot_error("d%u kernel '%s': entry %#x outside its segments", spec.domid, kernel.name,
                         entry);

    pv_mm_init(); // the M2P table, which HVM frames have entries in too
    Domain* d = domain_create(spec.domid, spec.privileged, spec.vcpus);
    if (!d || hvm::hvm_domain_init(*d, true))
        fatal_boot_error("out of memory creating d%u", spec.domid);
    d->max_pages = spec.nr_pages;
    if (domain_charge_pages(d->domid, spec.nr_pages) != 0)
        fatal_boot_error("d%u: cannot charge its %lu pages", spec.domid, spec.nr_pages);
    give_memory(*d, l);
    set_e820(*d, l);
    memory::share_xen_page_with_guest(memory::frame_table().page(d->shared_info_mfn), d->domid,
                                      false);

    for (size_t i = 0; i < elf.segment_count(); i++) {
        ElfSegment s = elf.segment(i);
        if (s.type != kPtLoad || s.memsz == 0)
            continue;
        hvm_copy_to_guest_phys(*d, s.paddr, s.data, s.filesz);
    }

    // After the kernel, in Xen's order: initrd (and its command line), the command line,
    // the module list, the start info.
    uint64_t last = round_up(kern_end, kPage);
    xen::hvm_modlist_entry mod{};
    const BootModule* initrd = spec.initrd;
    uint64_t need = sizeof(xen::hvm_start_info) + round_up(strlen(spec.cmdline) + 1, 8) +
                    (initrd ? round_up(initrd->end - initrd->start, kPage) + sizeof(mod) : 0);
    if (!l.is_ram(last, last + need))
        fatal_boot_error("d%u: no room after the kernel for its initrd and start info", spec.domid);
    if (initrd) {
        mod.paddr = last;
        mod.size = initrd->end - initrd->start;
        hvm_copy_to_guest_phys(*d, last, phys_to_virt(initrd->start), mod.size);
        last = round_up(last + mod.size, kPage);
    }
    xen::hvm_start_info si{};
    size_t cmdline_len = strlen(spec.cmdline) + 1;
    si.cmdline_paddr = last;
    hvm_copy_to_guest_phys(*d, last, spec.cmdline, cmdline_len);
    last += round_up(cmdline_len, 8);
    if (initrd) {
        hvm_copy_to_guest_phys(*d, last, &mod, sizeof(mod));
        si.modlist_paddr = last;
        si.nr_modules = 1;
        last += sizeof(mod);
    }
    si.magic = xen::XEN_HVM_START_MAGIC_VALUE;
    si.flags = spec.privileged ? xen::SIF_PRIVILEGED | xen::SIF_INITDOMAIN : 0;
    hvm_copy_to_guest_phys(*d, last, &si, sizeof(si));
    set_entry_state(*d->vcpus[0], entry, last);

    log_info("d%u: PVH '%s', %lu MiB, kernel %#lx-%#lx, entry %#x, start info %#lx", spec.domid,
             kernel.name, spec.nr_pages >> 8, kern_start, kern_end, entry, last);
    return d;
}

} // namespace arch
