// Helpers shared by the hostile guests (guests/hostile/<name>.cpp) and the fuzzer.
//
// A hostile guest abuses one part of the guest ABI, checks that it gets exactly Xen
// 4.17's answer, checks that nothing it owns was damaged, and reports. On xenon it runs as
// dom0 beside the heartbeat domU; the runner (tests/hostile/run-hostile) then passes the
// word "linger" on its command line: xenon powers the machine off when dom0 shuts down,
// so after its verdict the guest must stay alive while the heartbeat is counted.
//
// Tags read by tests/hostile/CMakeLists.txt (one per line, anywhere in the source):
//   // hostile: role=domU      run as a domU (d2) beside a waiting dom0 and the heartbeat
//                              (d1) on xenon; on Xen it still runs alone as dom0
//   // hostile: expect=crash   pass when the hypervisor crashes this domain (after it has
//                              printed the line from expect_crash()); a verdict line fails
//   // hostile: timeout=S      runner timeout on both hypervisors
#pragma once
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/memory.h"
#include "public/sched.h"
#include "public/vcpu.h"
#include "runtime.h"

namespace hostile {

// ---------------------------------------------------------------------------------------
// Command line.

// The word itself, or "word=..." among the space-separated words of the command line.
inline const char *find_arg(const char *word) {
    size_t n = xt::strlen(word);
    for (const char *p = xt::cmdline; p && *p;) {
        while (*p == ' ')
            p++;
        if (!xt::strncmp(p, word, n) && (p[n] == 0 || p[n] == ' ' || p[n] == '='))
            return p;
        while (*p && *p != ' ')
            p++;
    }
    return nullptr;
}

inline bool has_arg(const char *word) {
    return find_arg(word) != nullptr;
}

// "name=N" (decimal, or hex with 0x); dflt when absent.
inline uint64_t arg_value(const char *name, uint64_t dflt) {
    const char *p = find_arg(name);
    if (!p)
        return dflt;
    p += xt::strlen(name);
    if (*p != '=')
        return dflt;
    p++;
    uint64_t v = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        for (p += 2;; p++) {
            unsigned d;
            if (*p >= '0' && *p <= '9')
                d = unsigned(*p - '0');
            else if (*p >= 'a' && *p <= 'f')
                d = unsigned(*p - 'a' + 10);
            else if (*p >= 'A' && *p <= 'F')
                d = unsigned(*p - 'A' + 10);
            else
                break;
            v = v * 16 + d;
        }
        return v;
    }
    for (; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + unsigned(*p - '0');
    return v;
}

// ---------------------------------------------------------------------------------------
// Verdicts.

// Stays alive without doing anything: blocks, waking only for stray events.
[[noreturn]] inline void linger() {
    for (;;)
        xt::sched_op(xen::SCHEDOP_block);
}

// "Test result: SUCCESS", or "Test result: SUCCESS (note)", then power off; with "linger"
// on the command line the domain stays alive instead (see linger()).
[[noreturn]] inline void pass(const char *note = nullptr) {
    if (note)
        xt::printf("Test result: SUCCESS (%s)\n", note);
    else
        xt::printf("Test result: SUCCESS\n");
    if (has_arg("linger"))
        linger();
    xt::shutdown(xen::SHUTDOWN_poweroff);
}

// Announces that the next action must crash this domain; the runner wants this line
// before the hypervisor's crash message.
inline void expect_crash(const char *what) {
    xt::printf("hostile: expecting crash: %s\n", what);
}

// The action announced by expect_crash() came back.
[[noreturn]] inline void survived(const char *what) {
    xt::report_failure("the domain survived %s", what);
}

// ---------------------------------------------------------------------------------------
// Memory: the m2p, the initial mapping, page-table walks.

inline constexpr uint64_t MFN_MASK = 0x000ffffffffff000ull;
inline const volatile uint64_t *const m2p =
    reinterpret_cast<const volatile uint64_t *>(xen::MACH2PHYS_VIRT_START);

inline uint64_t mfn_of_pte(uint64_t pte) {
    return (pte & MFN_MASK) >> 12;
}

// The virtual address of a frame of the initial mapping (kernel image, p2m, start_info,
// page tables, boot stack), through the m2p. 0 when the frame is not in it.
inline uint64_t va_of_mfn(uint64_t mfn) {
    uint64_t pfn = m2p[mfn];
    if (pfn >= xt::start_info->nr_pages)
        return 0;
    uint64_t va = xt::VIRT_BASE + pfn * xt::PAGE_SIZE;
    // Only pages the builder mapped: the image and what follows it (up to the stack).
    if (va >= xt::VIRT_BASE + 0x40000000ull)
        return 0;
    return va;
}

template <typename T> inline T *ptr_of_mfn(uint64_t mfn) {
    return reinterpret_cast<T *>(va_of_mfn(mfn));
}

// The page-table path of a virtual address: the frame of the table at each level
// (4 = the root) and the machine address and contents of the entry used at that level.
struct walk_result {
    uint64_t table_mfn[5];   // [4] L4 ... [1] L1
    uint64_t entry_maddr[5]; // machine address of the entry in that table
    uint64_t entry[5];       // its value
    int leaf;                // lowest level reached (1 normally; 0 when nothing mapped)
};

inline walk_result walk(uint64_t va) {
    walk_result w{};
    uint64_t mfn = xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
    for (int level = 4; level >= 1; level--) {
        unsigned idx = unsigned(va >> (12 + 9 * (level - 1))) & 511;
        w.table_mfn[level] = mfn;
        w.entry_maddr[level] = (mfn << 12) + idx * 8;
        const uint64_t *table = ptr_of_mfn<const uint64_t>(mfn);
        if (!table)
            xt::report_error("page table mfn %#lx (level %d) is not in the initial mapping", mfn,
                             level);
        uint64_t e = table[idx];
        w.entry[level] = e;
        w.leaf = level;
        if (!(e & xt::PTE_P)) {
            w.leaf = level == 1 ? 0 : level;
            return w;
        }
        if (level == 2 && (e & (1u << 7)))
            return w; // a 2 MiB page
        mfn = mfn_of_pte(e);
    }
    return w;
}

inline uint64_t l1e_maddr(const volatile void *va) {
    walk_result w = walk(reinterpret_cast<uint64_t>(va));
    if (w.leaf != 1)
        xt::report_error("%p is not mapped by an L1 entry", (const void *)va);
    return w.entry_maddr[1];
}

inline uint64_t pte_of(const volatile void *va) {
    return walk(reinterpret_cast<uint64_t>(va)).entry[1];
}

// The L4 this vCPU runs on (the builder's, unless a test switched).
inline uint64_t l4_mfn() {
    return xt::mfn_of(reinterpret_cast<void *>(xt::start_info->pt_base));
}

inline const uint64_t *l4_table() {
    return reinterpret_cast<const uint64_t *>(xt::start_info->pt_base);
}

// A present PTE of ours for `mfn` with the given extra flags.
inline uint64_t pte(uint64_t mfn, uint64_t flags) {
    return (mfn << 12) | xt::PTE_P | xt::PTE_A | flags;
}

// ---------------------------------------------------------------------------------------
// Hypercall wrappers with the argument shapes the hostile tests vary.

inline long mmu_batch(const xen::mmu_update *reqs, unsigned long count, unsigned *done,
                       unsigned long dom = xen::DOMID_SELF) {
    return xt::hypercall(xen::HYPERVISOR_mmu_update, xt::arg(reqs), count, xt::arg(done), dom);
}

inline long mmu_update1(uint64_t ptr, uint64_t val, unsigned long dom = xen::DOMID_SELF) {
    xen::mmu_update req{ptr, val};
    unsigned done = 0;
    return mmu_batch(&req, 1, &done, dom);
}

inline long mmuext_batch(const xen::mmuext_op *ops, unsigned long count, unsigned *done,
                   unsigned long dom = xen::DOMID_SELF) {
    return xt::hypercall(xen::HYPERVISOR_mmuext_op, xt::arg(ops), count, xt::arg(done), dom);
}

inline long mmuext1(unsigned cmd, uint64_t arg1, uint64_t arg2 = 0,
                    unsigned long dom = xen::DOMID_SELF) {
    xen::mmuext_op op{};
    op.cmd = cmd;
    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    unsigned done = 0;
    return mmuext_batch(&op, 1, &done, dom);
}

inline long grant_table_op(unsigned cmd, const void *args, unsigned long count) {
    return xt::hypercall(xen::HYPERVISOR_grant_table_op, cmd, xt::arg(args), count);
}

// Makes sure the domain's grant table has a first frame and maps that frame writable at
// `va` (a page of the image). Returns the entries (version 1).
inline volatile xen::grant_entry_v1 *map_own_grant_table(void *va) {
    static uint64_t frames[1];
    xen::gnttab_setup_table st{xen::DOMID_SELF, 1, 77, {reinterpret_cast<uint64_t>(frames)}};
    long rc = grant_table_op(xen::GNTTABOP_setup_table, &st, 1);
    if (rc || st.status != xen::GNTST_okay)
        xt::report_error("GNTTABOP_setup_table: %ld, status %d", rc, st.status);
    rc = xt::update_va_mapping(reinterpret_cast<uint64_t>(va),
                               pte(frames[0], xt::PTE_RW | xt::PTE_D), xen::UVMF_INVLPG);
    if (rc)
        xt::report_error("mapping grant-table frame %#lx: %ld", frames[0], rc);
    return reinterpret_cast<volatile xen::grant_entry_v1 *>(va);
}

// One GNTTABOP_map_grant_ref; returns the status (the hypercall itself must answer 0).
inline int16_t map_grant(uint64_t host_addr, uint32_t flags, uint32_t ref, uint16_t dom,
                         uint32_t *handle = nullptr) {
    xen::gnttab_map_grant_ref m{host_addr, flags, ref, dom, 77, 0x7777, 0};
    long rc = grant_table_op(xen::GNTTABOP_map_grant_ref, &m, 1);
    if (rc)
        xt::report_failure("GNTTABOP_map_grant_ref(ref %u, dom %u) returned %ld", ref, dom, rc);
    if (handle)
        *handle = m.handle;
    return m.status;
}

inline int16_t unmap_grant(uint64_t host_addr, uint32_t handle) {
    xen::gnttab_unmap_grant_ref u{host_addr, 0, handle, 77};
    long rc = grant_table_op(xen::GNTTABOP_unmap_grant_ref, &u, 1);
    if (rc)
        xt::report_failure("GNTTABOP_unmap_grant_ref(handle %#x) returned %ld", handle, rc);
    return u.status;
}

// Unmaps a page of the image (its PTE cleared); remap() puts the old PTE back.
inline long unmap(const volatile void *va) {
    return xt::update_va_mapping(reinterpret_cast<uint64_t>(va), 0, xen::UVMF_INVLPG);
}
inline long remap(const volatile void *va, uint64_t old_pte) {
    return xt::update_va_mapping(reinterpret_cast<uint64_t>(va), old_pte, xen::UVMF_INVLPG);
}

// Hypervisor-range and non-canonical addresses every test reuses.
inline constexpr uint64_t XEN_DIRECTMAP = 0xffff830000000000ull; // Xen's direct map
inline constexpr uint64_t XEN_M2P_RO = 0xffff800000000000ull;    // read-only m2p (slot 256)
inline constexpr uint64_t XEN_TEXT = 0xffff82d040000000ull;      // Xen's image
inline constexpr uint64_t XEN_AREA_TOP = 0xffff87fffffff000ull;  // last page of slot 271
inline constexpr uint64_t NONCANON_LOW = 0x0000800000000000ull;  // first non-canonical
inline constexpr uint64_t NONCANON_HIGH = 0xffff7ffffffff000ull; // last non-canonical page
inline constexpr uint64_t NONCANON_MID = 0x8000000000000000ull;

} // namespace hostile
