// Writable page tables: the #PF of a guest kernel's write to one of its own L1 tables
// (every page table is mapped read-only to its guest) becomes, as in Xen 4.17's ptwr
// path, the checked update of that entry. The entry the fault address maps must be
// present and read-only and point at an L1 table of the domain; the instruction must be
// one of those common/memory/ptwr_insn.h accepts, writing 1, 2, 4 or 8 naturally aligned
// bytes in the fault address's page (a smaller write is merged with the rest of its
// entry); and the new entry must pass the checks of mmu_update. Anything else leaves the
// #PF to be bounced to the guest as it was.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/pv.h"
#include "arch/pv_ptwr.h"
#include "common/memory/page_info.h"
#include "common/memory/page_type.h"
#include "common/memory/ptwr_insn.h"
#include "mm.h"

namespace arch {
namespace {

namespace ptwr = memory::ptwr;

constexpr uint64_t kRflagsTf = 1u << 8;

// The guest kernel's L1 entry for va (0 when a level above is missing), as the CPU
// walked it for the fault.
uint64_t kernel_l1e(const Vcpu& v, uint64_t va) {
    uint64_t l1_mfn;
    if (!pv_guest_l1(v, va, &l1_mfn))
        return 0;
    auto* l1 = static_cast<const uint64_t*>(phys_to_virt(l1_mfn << PAGE_SHIFT));
    return __atomic_load_n(&l1[(va >> PAGE_SHIFT) & 511], __ATOMIC_RELAXED);
}

// Reads the instruction at rip: to the end of its page first, the rest only if the
// decoder needs it (the next page may not be mapped).
bool fetch_and_decode(uint64_t rip, ptwr::Insn* insn) {
    uint8_t bytes[ptwr::kMaxInsnLength];
    size_t first = PAGE_SIZE - (rip & (PAGE_SIZE - 1));
    if (first > sizeof(bytes))
        first = sizeof(bytes);
    if (copy_from_guest(bytes, rip, first))
        return false;
    ptwr::Decode rc = ptwr::decode(bytes, first, insn);
    if (rc == ptwr::Decode::truncated) {
        if (copy_from_guest(bytes + first, rip + first, sizeof(bytes) - first))
            return false;
        rc = ptwr::decode(bytes, sizeof(bytes), insn);
    }
    return rc == ptwr::Decode::ok;
}

void load_cpu(const TrapFrame& f, ptwr::CpuState& c) {
    c = {{f.rax, f.rcx, f.rdx, f.rbx, f.rsp, f.rbp, f.rsi, f.rdi, f.r8, f.r9, f.r10, f.r11, f.r12,
          f.r13, f.r14, f.r15},
         f.rip,
         f.rflags};
}

void store_cpu(const ptwr::CpuState& c, TrapFrame& f) {
    const uint64_t* g = c.gpr;
    f.rax = g[0], f.rcx = g[1], f.rdx = g[2], f.rbx = g[3], f.rsp = g[4], f.rbp = g[5];
    f.rsi = g[6], f.rdi = g[7], f.r8 = g[8], f.r9 = g[9], f.r10 = g[10], f.r11 = g[11];
    f.r12 = g[12], f.r13 = g[13], f.r14 = g[14], f.r15 = g[15];
    f.rip = c.rip;
    f.rflags = c.rflags;
}

// The instruction applied to its operand's bytes within the 8-byte entry.
struct EntryWrite {
    const ptwr::Insn* insn;
    ptwr::CpuState before, after;
    unsigned shift; // the operand's bit offset in the entry
    uint64_t mask;  // the operand's bits, unshifted
};

bool compute_entry(void* ctx, uint64_t old, uint64_t* val) {
    auto& w = *static_cast<EntryWrite*>(ctx);
    uint64_t operand;
    bool write = ptwr::execute(*w.insn, w.before, old >> w.shift, &w.after, &operand);
    *val = (old & ~(w.mask << w.shift)) | ((operand & w.mask) << w.shift);
    return write;
}

} // namespace

bool pv_ptwr_emulate(TrapFrame& f, Vcpu& v) {
    uint64_t cr2 = read_cr2();
    if (!pv_addr_ok(cr2))
        return false;
    uint64_t pte = kernel_l1e(v, cr2);
    if ((pte & (kPtePresent | kPteWrite)) != kPtePresent)
        return false;

    ptwr::Insn insn;
    if (!fetch_and_decode(f.rip, &insn)) {
        write_cr2(cr2); // a failed fetch faulted in xenon: the guest's #PF keeps its cr2
        return false;
    }
    EntryWrite w;
    w.insn = &insn;
    load_cpu(f, w.before);
    uint64_t addr = ptwr::write_address(insn, w.before);
    if (((addr ^ cr2) & ~(PAGE_SIZE - 1)) || (addr & (insn.size - 1)))
        return false; // another page, or straddling entries
    w.shift = (addr & 7) * 8;
    w.mask = insn.size == 8 ? ~0ull : (1ull << (insn.size * 8)) - 1;

    uint64_t l1_mfn = (pte & kPteAddrMask) >> PAGE_SHIFT;
    if (memory::emulate_l1_write(l1_mfn, (addr & (PAGE_SIZE - 1)) >> 3, v.domain->domid,
                                 compute_entry, &w))
        return false;
    store_cpu(w.after, f);
    // Single-stepping guests see the #DB the instruction would have raised (Xen 4.17
    // leaves the guest's DR6 alone for it, and so does xenon).
    if (w.before.rflags & kRflagsTf)
        pv_bounce_exception(f, kVecDebug, false, 0);
    return true;
}

} // namespace arch
