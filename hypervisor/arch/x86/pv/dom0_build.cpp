// Builds the initial domain from a Xen PV kernel (the first boot module), laying it out
// the way Xen 4.17 does for a 64-bit PV guest, so kernels built for Xen find what they
// expect: kernel, initrd, phys-to-machine list, start_info, initial page tables and a
// boot stack, mapped contiguously from the kernel's virtual base.
#include "arch/dom0_build.h"

#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/percpu.h"
#include "arch/pv.h"
#include "arch/pv_mm.h"
#include "arch/time.h"
#include "common/bootinfo.h"
#include "common/bzimage.h"
#include "common/console.h"
#include "common/domain.h"
#include "common/elf.h"
#include "common/memory/buddy.h"
#include "common/memory/heap.h"
#include "common/options.h"
#include "common/panic.h"
#include "lib/string.h"
#include "public/elfnote.h"
#include "public/xen.h"

namespace arch {
namespace {

constexpr uint64_t kPage = PAGE_SIZE;
constexpr uint64_t k4MiB = 4ull << 20;
constexpr uint64_t kUnset = ~0ull;
// Xen's initial entries: tables P RW U A D, leaves P RW U A and bit 52 (Xen's mark of a
// 64-bit PV guest's kernel mappings), so that validating them changes nothing.
constexpr uint64_t kPteTable = kPtePresent | kPteWrite | kPteUser | (1 << 5) | (1 << 6);
constexpr uint64_t kPteData = kPtePresent | kPteWrite | kPteUser | (1 << 5) | (1ull << 52);

uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

// What the kernel's Xen ELF notes say.
struct KernelNotes {
    bool any = false;
    uint64_t entry = kUnset;
    uint64_t virt_base = kUnset;
    uint64_t paddr_offset = kUnset;
    uint64_t hypercall_page = kUnset;
    bool unmapped_initrd = false; // XEN_ELFNOTE_MOD_START_PFN: the initrd by pfn
    const char* guest_os = "";
    char xen_version[16] = "";
};

uint64_t note_number(const ElfNote& n) {
    uint64_t v = 0;
    memcpy(&v, n.desc, n.desc_size < 8 ? n.desc_size : 8);
    return v;
}

KernelNotes read_notes(const ElfImage& elf) {
    KernelNotes k;
    ElfNoteIterator it(elf);
    ElfNote n;
    while (it.next(&n)) {
        if (!n.name_is("Xen"))
            continue;
        k.any = true;
        switch (n.type) {
        case xen::XEN_ELFNOTE_ENTRY: k.entry = note_number(n); break;
        case xen::XEN_ELFNOTE_VIRT_BASE: k.virt_base = note_number(n); break;
        case xen::XEN_ELFNOTE_PADDR_OFFSET: k.paddr_offset = note_number(n); break;
        case xen::XEN_ELFNOTE_HYPERCALL_PAGE: k.hypercall_page = note_number(n); break;
        case xen::XEN_ELFNOTE_MOD_START_PFN:
            k.unmapped_initrd = note_number(n) != 0;
            break;
        case xen::XEN_ELFNOTE_XEN_VERSION:
            memcpy(k.xen_version, n.desc, n.desc_size < 15 ? n.desc_size : 15);
            break;
        default: break;
        }
    }
    return k;
}

// Page-table pages needed to map [start, end) with 4 KiB pages.
uint64_t tables_needed(uint64_t start, uint64_t end) {
    auto span = [&](unsigned shift) { return ((end - 1) >> shift) - (start >> shift) + 1; };
    return 1 + span(39) + span(30) + span(21);
}

struct Builder {
    Domain* d;
    uint64_t nr_pages;
    uint64_t* p2m; // pfn -> mfn
    uint64_t v_start;

    void* page_of_va(uint64_t va) {
        return phys_to_virt(p2m[(va - v_start) / kPage] * kPage);
    }
    // Copies (or zeroes, with src == nullptr) bytes into the guest's initial mapping.
    void write(uint64_t va, const void* src, uint64_t len) { copy(va - v_start, src, len); }
    // The same at a pseudo-physical address.
    void copy(uint64_t pa, const void* src, uint64_t len) {
        auto* from = static_cast<const uint8_t*>(src);
        while (len) {
            uint64_t off = pa % kPage, n = kPage - off < len ? kPage - off : len;
            auto* to = static_cast<uint8_t*>(phys_to_virt(p2m[pa / kPage] * kPage)) + off;
            if (from) {
                memcpy(to, from, n);
                from += n;
            } else {
                memset(to, 0, n);
            }
            pa += n, len -= n;
        }
    }
};

// dom0_mem's max: part, in pages of `free`; as in Xen, without one dom0 may grow (by
// populate_physmap) up to the 32-bit limit of Xen's max_pages.
uint64_t dom0_max_pages(uint64_t free) {
    const Dom0MemAmount& max = boot_options().dom0_mem.max;
    uint64_t pages = UINT32_MAX;
    switch (max.kind) {
    case Dom0MemAmount::Kind::kBytes: pages = max.value / kPage; break;
    case Dom0MemAmount::Kind::kAllBut: pages = free > max.value / kPage ? free - max.value / kPage : 0; break;
    case Dom0MemAmount::Kind::kPercent: pages = free * max.value / 100; break;
    default: break;
    }
    return pages < UINT32_MAX ? pages : UINT32_MAX;
}

uint64_t choose_dom0_pages() {
    uint64_t free = memory::buddy().free_pages();
    const Dom0Mem& opt = boot_options().dom0_mem;
    uint64_t want;
    switch (opt.amount.kind) {
    case Dom0MemAmount::Kind::kBytes: want = opt.amount.value / kPage; break;
    case Dom0MemAmount::Kind::kAllBut: want = free > opt.amount.value / kPage ? free - opt.amount.value / kPage : 0; break;
    case Dom0MemAmount::Kind::kPercent: want = free * opt.amount.value / 100; break;
    default: want = free - free / 16 - (16 << 20) / kPage; break; // leave xenon room to work
    }
    if (want > dom0_max_pages(free))
        want = dom0_max_pages(free);
    uint64_t reserve = (4 << 20) / kPage;
    if (want + reserve > free)
        want = free > reserve ? free - reserve : 0;
    return want;
}

// --- bzImage dom0 kernels (common/bzimage.h) -------------------------------------------
// Distributions ship the kernel as a bzImage whose payload is the compressed ELF vmlinux.
// Like Xen, xenon unpacks it into pages of its own and builds dom0 from the ELF; the
// pages go back once the ELF's segments are copied into dom0.
struct UnpackedKernel {
    BootModule module; // the ELF, or the module itself if it was no bzImage
    void* pages = nullptr;
    unsigned order = 0;
};

// The smallest block of 2^order pages holding `bytes`; past the allocator's largest, that.
unsigned order_for(uint64_t bytes) {
    unsigned order = 0;
    while (order <= memory::BuddyAllocator::kMaxOrder && (kPage << order) < bytes)
        order++;
    return order;
}

UnpackedKernel unpack_kernel(const BootModule& kernel) {
    UnpackedKernel u{kernel};
    const void* image = phys_to_virt(kernel.start);
    uint64_t size = kernel.end - kernel.start;
    if (!bzimage_detect(image, size))
        return u;
    BzImage bz;
    if (BzImageError err = bzimage_open(image, size, &bz); err != BzImageError::kOk) {
        if (err == BzImageError::kUnsupportedCompression)
            fatal_boot_error("dom0 kernel '%s' is a bzImage compressed with %s, which xenon "
                             "cannot unpack (it reads xz and gzip)",
                             kernel.name, bz_compression_name(bz.compression));
        fatal_boot_error("dom0 kernel '%s': bzImage: %s", kernel.name, bzimage_error_string(err));
    }
    u.order = order_for(bz.decompressed_size);
    unsigned ws_order = order_for(sizeof(BzImageWorkspace));
    u.pages = u.order <= memory::BuddyAllocator::kMaxOrder ? memory::alloc_pages(u.order) : nullptr;
    auto* ws = static_cast<BzImageWorkspace*>(memory::alloc_pages(ws_order));
    if (!u.pages || !ws)
        fatal_boot_error("dom0 kernel '%s': no room to unpack its %lu MiB vmlinux", kernel.name,
                         bz.decompressed_size >> 20);
    uint64_t t0 = now_ns();
    size_t len = 0;
    const char* detail = "";
    BzImageError err = bzimage_decompress(bz, static_cast<uint8_t*>(u.pages), kPage << u.order,
                                          &len, ws, &detail);
    memory::free_pages(ws, ws_order);
    if (err != BzImageError::kOk)
        fatal_boot_error("dom0 kernel '%s': bzImage: %s: %s", kernel.name,
                         bzimage_error_string(err), detail);
    log_info("dom0 kernel '%s': bzImage (boot protocol %u.%02u), %s payload of %lu KiB unpacked "
             "to a %lu KiB ELF in %lu ms",
             kernel.name, bz.protocol >> 8, bz.protocol & 0xff, bz_compression_name(bz.compression),
             uint64_t(bz.payload_len) >> 10, uint64_t(len) >> 10, (now_ns() - t0) / 1000000);
    u.module.start = virt_to_phys(u.pages);
    u.module.end = u.module.start + len;
    return u;
}
// --- end of bzImage dom0 kernels ------------------------------------------------------------

} // namespace

Domain* build_dom0(const BootModule& kernel, const BootModule* initrd) {
    UnpackedKernel unpacked = unpack_kernel(kernel); // bzImage -> ELF (see above)
    PvDomainSpec spec;
    spec.domid = 0;
    spec.privileged = true;
    spec.kernel = unpacked.module;
    spec.initrd = initrd;
    spec.cmdline = kernel.args;
    pv_mm_init(); // the M2P table's memory, before dom0's share is chosen
    uint64_t free = memory::buddy().free_pages();
    spec.nr_pages = choose_dom0_pages();
    // As in Xen, dom0 gets a vCPU per CPU (dom0_max_vcpus= bounds it); vCPU 0 starts, the
    // others wait for VCPUOP_up.
    unsigned vcpus = dom0_vcpus(boot_options(), arch::cpus_online());
    spec.vcpus = vcpus < kMaxVcpusPerDomain ? vcpus : kMaxVcpusPerDomain;
    // dom0=pvh: the same kernel module booted as a PVH domain (arch/x86/hvm/pvh_build.cpp).
    Domain* d = boot_options().dom0_pvh ? build_pvh_domain(spec) : build_pv_domain(spec);
    d->max_pages = dom0_max_pages(free);
    memory::free_pages(unpacked.pages, unpacked.order); // the ELF is in dom0 now
    return d;
}

Domain* build_pv_domain(const PvDomainSpec& spec) {
    const BootModule& kernel = spec.kernel;
    const BootModule* initrd = spec.initrd;
    const void* image = phys_to_virt(kernel.start);
    uint64_t image_size = kernel.end - kernel.start;
    ElfImage elf;
    if (ElfError err = elf_open(image, image_size, &elf); err != ElfError::kOk)
        fatal_boot_error("d%u kernel '%s': %s", spec.domid, kernel.name, elf_error_string(err));
    KernelNotes notes = read_notes(elf);
    if (!notes.any)
        fatal_boot_error("d%u kernel '%s' has no Xen ELF notes: it is not a Xen PV kernel",
                         spec.domid, kernel.name);
    if (notes.virt_base == kUnset)
        notes.virt_base = 0;
    if (notes.paddr_offset == kUnset)
        notes.paddr_offset = notes.virt_base;
    uint64_t virt_offset = notes.virt_base - notes.paddr_offset;

    // Where the kernel's loadable segments land.
    uint64_t kern_start = ~0ull, kern_end = 0;
    for (size_t i = 0; i < elf.segment_count(); i++) {
        ElfSegment s = elf.segment(i);
        if (s.type != kPtLoad || s.memsz == 0)
            continue;
        uint64_t va = s.paddr + virt_offset;
        if (va < kern_start)
            kern_start = va;
        if (va + s.memsz > kern_end)
            kern_end = va + s.memsz;
    }
    uint64_t v_start = notes.virt_base & ~(kPage - 1);
    if (kern_start < v_start || kern_end <= kern_start || kern_end - v_start > (1ull << 40) ||
        (v_start >= xen::HYPERVISOR_VIRT_START && v_start < xen::HYPERVISOR_VIRT_END))
        fatal_boot_error("d%u kernel '%s': its segments (%#lx-%#lx) do not fit its virtual "
                         "base %#lx",
                         spec.domid, kernel.name, kern_start, kern_end, v_start);
    uint64_t entry = notes.entry != kUnset ? notes.entry : elf.entry();

    uint64_t nr_pages = spec.nr_pages;
    if (nr_pages > memory::buddy().free_pages())
        fatal_boot_error("d%u: %lu MiB asked for, %lu MiB free", spec.domid, nr_pages >> 8,
                         memory::buddy().free_pages() >> 8);
    uint64_t initrd_len = initrd ? initrd->end - initrd->start : 0;
    // The layout, in the order Xen uses. A kernel that takes its initrd by pfn gets it
    // outside the initial mapping, as Xen 4.17 places it: so the mapping, which the
    // kernel maps writable and executable until it tidies it up, stays small.
    uint64_t v_initrd = round_up(kern_end, kPage);
    uint64_t v_p2m = round_up(v_initrd + (notes.unmapped_initrd ? 0 : initrd_len), kPage);
    uint64_t v_start_info = round_up(v_p2m + nr_pages * 8, kPage);
    uint64_t v_pt = v_start_info + kPage;
    uint64_t nr_pt = 1, v_stack, v_end;
    for (;; nr_pt++) {
        v_stack = v_pt + nr_pt * kPage;
        uint64_t stack_end = v_stack + kPage;
        v_end = round_up(stack_end, k4MiB);
        if (v_end - stack_end < (512 << 10))
            v_end += k4MiB;
        if (tables_needed(v_start, v_end) <= nr_pt)
            break;
    }
    uint64_t mapped_pages = (v_end - v_start) / kPage;
    if (mapped_pages > nr_pages)
        fatal_boot_error("d%u needs %lu MiB for its initial mapping but has %lu MiB",
                         spec.domid, mapped_pages >> 8, nr_pages >> 8);
    // Xen's pfn for an unmapped initrd: past the power-of-two block holding the mapping.
    uint64_t initrd_pfn = 1;
    while (initrd_pfn < mapped_pages)
        initrd_pfn <<= 1;
    if (notes.unmapped_initrd && initrd_pfn + round_up(initrd_len, kPage) / kPage > nr_pages)
        fatal_boot_error("d%u: %lu MiB is too small for its kernel and initrd", spec.domid,
                         nr_pages >> 8);

    Domain* d = domain_create(spec.domid, spec.privileged, spec.vcpus);
    if (!d)
        fatal_boot_error("out of memory creating d%u", spec.domid);
    d->max_pages = nr_pages;
    if (domain_charge_pages(d->domid, nr_pages) != 0)
        fatal_boot_error("d%u: cannot charge its %lu pages", spec.domid, nr_pages);
    auto* p2m = static_cast<uint64_t*>(xmalloc(nr_pages * sizeof(uint64_t), kPage));
    if (!p2m)
        fatal_boot_error("out of memory for dom0's page list");
    // Memory in the largest blocks available: fewer, faster allocations.
    for (uint64_t pfn = 0; pfn < nr_pages;) {
        unsigned order = 9;
        while (order && (pfn + (1ull << order) > nr_pages))
            order--;
        memory::PageInfo* pg = memory::buddy().alloc(order);
        while (!pg && order)
            pg = memory::buddy().alloc(--order);
        if (!pg)
            fatal_boot_error("out of memory giving d%u %lu pages", spec.domid, nr_pages);
        uint64_t mfn = memory::frame_table().mfn(pg);
        for (uint64_t i = 0; i < (1ull << order); i++) {
            // Each frame its own block: decrease_reservation may give back any one.
            pg[i].order = 0;
            pg[i].owner = d->domid;
            p2m[pfn + i] = mfn + i;
        }
        memset(phys_to_virt(mfn * kPage), 0, kPage << order); // scrubbed before use
        pfn += 1ull << order;
    }

    Builder b{d, nr_pages, p2m, v_start};
    // Kernel segments, initrd, the p2m list for the guest.
    for (size_t i = 0; i < elf.segment_count(); i++) {
        ElfSegment s = elf.segment(i);
        if (s.type != kPtLoad || s.memsz == 0)
            continue;
        b.write(s.paddr + virt_offset, s.data, s.filesz);
    }
    if (initrd && notes.unmapped_initrd)
        b.copy(initrd_pfn * kPage, phys_to_virt(initrd->start), initrd_len);
    else if (initrd)
        b.write(v_initrd, phys_to_virt(initrd->start), initrd_len);
    b.write(v_p2m, p2m, nr_pages * 8);

    // Page tables: pages from v_pt on, filled top-down as needed.
    uint64_t next_table = v_pt;
    auto new_table = [&]() {
        uint64_t va = next_table;
        next_table += kPage;
        return va;
    };
    uint64_t l4_va = new_table();
    auto table = [&](uint64_t va) { return static_cast<uint64_t*>(b.page_of_va(va)); };
    auto mfn_of = [&](uint64_t va) { return p2m[(va - v_start) / kPage]; };
    uint64_t* l4 = table(l4_va);
    pv_install_xen_slots(l4);
    uint64_t* l3 = nullptr;
    uint64_t* l2 = nullptr;
    uint64_t* l1 = nullptr;
    for (uint64_t va = v_start; va < v_end; va += kPage) {
        if (!l3 || (va & ((1ull << 39) - 1)) == 0 || va == v_start) {
            uint64_t& e = l4[(va >> 39) & 511];
            if (!(e & kPtePresent)) {
                uint64_t t = new_table();
                e = (mfn_of(t) << PAGE_SHIFT) | kPteTable;
                l3 = table(t);
            }
        }
        if (!l2 || (va & ((1ull << 30) - 1)) == 0 || va == v_start) {
            uint64_t& e = l3[(va >> 30) & 511];
            if (!(e & kPtePresent)) {
                uint64_t t = new_table();
                e = (mfn_of(t) << PAGE_SHIFT) | kPteTable;
                l2 = table(t);
            }
        }
        if (!l1 || (va & ((1ull << 21) - 1)) == 0 || va == v_start) {
            uint64_t& e = l2[(va >> 21) & 511];
            if (!(e & kPtePresent)) {
                uint64_t t = new_table();
                e = (mfn_of(t) << PAGE_SHIFT) | kPteTable;
                l1 = table(t);
            }
        }
        bool is_table = va >= v_pt && va < v_pt + nr_pt * kPage;
        uint64_t flags = is_table ? (kPteData & ~kPteWrite) : kPteData;
        l1[(va >> 12) & 511] = (mfn_of(va) << PAGE_SHIFT) | flags;
    }
    if (next_table > v_pt + nr_pt * kPage)
        panic("dom0 builder: page-table estimate %lu too small", nr_pt);

    // start_info.
    auto* si = static_cast<xen::start_info*>(b.page_of_va(v_start_info));
    memcpy(si->magic, "xen-3.0-x86_64", 15);
    si->nr_pages = nr_pages;
    si->shared_info = d->shared_info_mfn << PAGE_SHIFT;
    si->flags = spec.privileged ? xen::SIF_PRIVILEGED | xen::SIF_INITDOMAIN : 0;
    si->pt_base = l4_va;
    si->nr_pt_frames = nr_pt;
    si->mfn_list = v_p2m;
    si->mod_start = !initrd ? 0 : notes.unmapped_initrd ? initrd_pfn : v_initrd;
    si->mod_len = initrd_len;
    if (initrd && notes.unmapped_initrd)
        si->flags |= xen::SIF_MOD_START_PFN;
    size_t args_len = strnlen(spec.cmdline, xen::MAX_GUEST_CMDLINE - 1);
    memcpy(si->cmd_line, spec.cmdline, args_len);

    if (notes.hypercall_page != kUnset) {
        uint64_t hp = notes.hypercall_page;
        if (hp < v_start || hp >= kern_end || hp % kPage)
            fatal_boot_error("d%u kernel: hypercall page %#lx is not a page of the kernel",
                             spec.domid, hp);
        pv_write_hypercall_page(static_cast<uint8_t*>(b.page_of_va(hp)));
        d->arch.hypercall_page_va = hp;
    }

    Vcpu& v = *d->vcpus[0];
    TrapFrame& r = v.arch.regs;
    memset(&r, 0, sizeof(r));
    r.rip = entry;
    r.rsp = v_stack + kPage;
    r.rsi = v_start_info;
    r.cs = SEL_RING3_CS64;
    r.ss = SEL_RING3_DS;
    r.rflags = 0x202;
    v.arch.in_kernel = true;
    v.arch.cr3_kernel = mfn_of(l4_va) << PAGE_SHIFT;
    // PV MMU (arch/pv_mm.h): the frames' references and M2P entries, then the initial
    // tables validated, the L4 pinned and held as vCPU 0's base pointer, as in Xen.
    if (int rc = pv_mm_adopt_domain(*d, p2m, nr_pages, mfn_of(l4_va)))
        fatal_boot_error("d%u: its initial page tables do not validate (error %d)",
                         spec.domid, rc);
    xfree(p2m);

    log_info("d%u: '%s' (%s), %lu MiB, entry %#lx", spec.domid, kernel.name,
             notes.xen_version[0] ? notes.xen_version : "no XEN_VERSION note", nr_pages >> 8,
             entry);
    log_info("d%u: kernel %#lx-%#lx, initrd %s %#lx+%#lx, p2m %#lx, start_info %#lx, "
             "page tables %#lx (%lu), stack %#lx, mapped to %#lx",
             spec.domid, kern_start, kern_end, notes.unmapped_initrd ? "pfn" : "at",
             notes.unmapped_initrd ? initrd_pfn : v_initrd, initrd_len, v_p2m, v_start_info, v_pt,
             nr_pt, v_stack, v_end);
    return d;
}

} // namespace arch
