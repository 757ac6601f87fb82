// HYPERVISOR_mmuext_op: pinning page tables, switching the guest's base pointers, TLB
// and cache flushes, the LDT, and clearing or copying whole frames. Answers, `done` and
// the checks' order follow Xen 4.17 (do_mmuext_op).
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/layout.h"
#include "arch/pv_mm.h"
#include "arch/pv_shadow.h"
#include "arch/smp.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/memory/page_type.h"
#include "lib/string.h"
#include "mm.h"
#include "public/errno.h"
#include "public/xen.h"

using namespace arch;

namespace {

constexpr unsigned kMaxLdtEntries = 8192;
constexpr unsigned long kVmAssistM2pStrict = 1ul << xen::VMASST_TYPE_m2p_strict;

memory::PageInfo* frame(uint64_t mfn) { return memory::frame_table().page(mfn); }
void* frame_va(uint64_t mfn) { return phys_to_virt(mfn << PAGE_SHIFT); }

// Xen's new_guest_cr3 for a 64-bit guest: mfn must be an L4 of the caller (validated
// here if it is not yet); the old one's references go.
long new_baseptr(Vcpu& v, uint64_t mfn) {
    Domain& d = *v.domain;
    uint64_t old = v.arch.cr3_kernel >> PAGE_SHIFT;
    if (old == mfn) {
        if (v.arch.in_kernel)
            write_cr3(pv_root_for(v, v.arch.cr3_kernel));
        return 0;
    }
    if (int rc = memory::get_page_and_type(mfn, d.domid, memory::PageType::l4))
        return rc;
    // TODO: the LDT's shadow mapping is dropped here once LDTs are supported.
    if (!(d.vm_assist & kVmAssistM2pStrict))
        m2p_fill_slot(mfn);
    v.arch.cr3_kernel = mfn << PAGE_SHIFT;
    if (v.arch.in_kernel)
        write_cr3(pv_root_for(v, v.arch.cr3_kernel));
    if (old)
        memory::put_page_and_type(frame(old));
    return 0;
}

long new_user_baseptr(Vcpu& v, uint64_t mfn) {
    Domain& d = *v.domain;
    uint64_t old = v.arch.cr3_user >> PAGE_SHIFT;
    if (old == mfn)
        return 0;
    if (mfn != 0) {
        if (int rc = memory::get_page_and_type(mfn, d.domid, memory::PageType::l4))
            return rc;
        if (d.vm_assist & kVmAssistM2pStrict)
            m2p_zap_slot(mfn);
    }
    v.arch.cr3_user = mfn << PAGE_SHIFT;
    if (old)
        memory::put_page_and_type(frame(old));
    return 0;
}

} // namespace

void arch::pv_mm_drop_baseptrs(Vcpu& v) {
    uint64_t* base[] = {&v.arch.cr3_kernel, &v.arch.cr3_user};
    for (uint64_t* cr3 : base) {
        if (uint64_t mfn = *cr3 >> PAGE_SHIFT)
            memory::put_page_and_type(frame(mfn));
        *cr3 = 0;
    }
}

namespace {

// A RAM frame of pg_owner, with a general reference (Xen's get_page_from_gfn with
// p2m_ram_rw required: DOMID_IO's frames are not RAM).
memory::PageInfo* ram_frame(const PgOwner& pg_owner, uint64_t mfn) {
    if (pg_owner.id == xen::DOMID_IO)
        return nullptr;
    return memory::get_page_from_mfn(mfn, pg_owner.id);
}

long one_op(Vcpu& v, const xen::mmuext_op& op, const PgOwner& pg_owner) {
    Domain& d = *v.domain;
    bool self = pg_owner.domain == &d;
    switch (op.cmd) {
    case xen::MMUEXT_PIN_L1_TABLE:
    case xen::MMUEXT_PIN_L2_TABLE:
    case xen::MMUEXT_PIN_L3_TABLE:
    case xen::MMUEXT_PIN_L4_TABLE: {
        auto type = static_cast<memory::PageType>(static_cast<unsigned>(memory::PageType::l1) +
                                                  op.cmd - xen::MMUEXT_PIN_L1_TABLE);
        return memory::pin_table(op.arg1.mfn, pg_owner.id, type);
    }
    case xen::MMUEXT_UNPIN_TABLE: return memory::unpin_table(op.arg1.mfn, pg_owner.id);

    case xen::MMUEXT_NEW_BASEPTR:
        return self ? new_baseptr(v, op.arg1.mfn) : -xen::XEN_EPERM;
    case xen::MMUEXT_NEW_USER_BASEPTR:
        return self ? new_user_baseptr(v, op.arg1.mfn) : -xen::XEN_EPERM;

    case xen::MMUEXT_TLB_FLUSH_LOCAL:
        if (!self)
            return -xen::XEN_EPERM;
        pv_flush_tlb_local();
        return 0;
    case xen::MMUEXT_INVLPG_LOCAL:
        if (!self)
            return -xen::XEN_EPERM;
        if (pv_canonical(op.arg1.linear_addr))
            invlpg(reinterpret_cast<const void*>(op.arg1.linear_addr));
        return 0;
    case xen::MMUEXT_TLB_FLUSH_MULTI:
    case xen::MMUEXT_INVLPG_MULTI: {
        if (!self)
            return -xen::XEN_EPERM;
        bool any, others;
        if (pv_read_vcpumask(d, op.arg2.vcpumask.p, &any, &others))
            return -xen::XEN_EINVAL;
        if (!any)
            return 0;
        if (op.cmd == xen::MMUEXT_TLB_FLUSH_MULTI)
            pv_flush_tlb_cpus(others);
        else if (pv_addr_ok(op.arg1.linear_addr))
            pv_invlpg_cpus(op.arg1.linear_addr, others);
        return 0;
    }
    case xen::MMUEXT_TLB_FLUSH_ALL:
        if (!self)
            return -xen::XEN_EPERM;
        pv_flush_tlb_domain(d);
        return 0;
    case xen::MMUEXT_INVLPG_ALL:
        if (!self)
            return -xen::XEN_EPERM;
        if (pv_addr_ok(op.arg1.linear_addr))
            pv_invlpg_cpus(op.arg1.linear_addr, true);
        return 0;

    case xen::MMUEXT_FLUSH_CACHE:
        if (!self)
            return -xen::XEN_EPERM;
        if (!d.privileged) // Xen: only with I/O rights
            return -xen::XEN_EACCES;
        asm volatile("wbinvd" ::: "memory");
        return 0;
    case xen::MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!self)
            return -xen::XEN_EPERM;
        if (!d.privileged)
            return -xen::XEN_EINVAL;
        on_each_cpu([](void*) { asm volatile("wbinvd" ::: "memory"); }, nullptr);
        return 0;

    case xen::MMUEXT_SET_LDT: {
        if (!self)
            return -xen::XEN_EPERM;
        unsigned ents = op.arg2.nr_ents;
        uint64_t ptr = op.arg1.linear_addr;
        if (ents > kMaxLdtEntries || (ents && ((ptr & (PAGE_SIZE - 1)) || !pv_addr_ok(ptr))))
            return -xen::XEN_EINVAL;
        // The LDT itself is not supported yet: the range is recorded, nothing is loaded
        // (a guest's LDT selectors fault as with an empty LDT).
        v.arch.ldt_base = ents ? ptr : 0;
        v.arch.ldt_ents = ents;
        return 0;
    }

    case xen::MMUEXT_CLEAR_PAGE: {
        memory::PageInfo* pg = ram_frame(pg_owner, op.arg1.mfn);
        if (!pg)
            return -xen::XEN_EINVAL;
        if (memory::get_page_type(pg, memory::PageType::writable)) {
            memory::put_page(pg);
            return -xen::XEN_EINVAL;
        }
        memset(frame_va(op.arg1.mfn), 0, PAGE_SIZE);
        memory::put_page_and_type(pg);
        return 0;
    }
    case xen::MMUEXT_COPY_PAGE: {
        memory::PageInfo* src = ram_frame(pg_owner, op.arg2.src_mfn);
        if (!src)
            return -xen::XEN_EINVAL;
        memory::PageInfo* dst = ram_frame(pg_owner, op.arg1.mfn);
        if (!dst || memory::get_page_type(dst, memory::PageType::writable)) {
            memory::put_page(src);
            if (dst)
                memory::put_page(dst);
            return -xen::XEN_EINVAL;
        }
        memcpy(frame_va(op.arg1.mfn), frame_va(op.arg2.src_mfn), PAGE_SIZE);
        memory::put_page_and_type(dst);
        memory::put_page(src);
        return 0;
    }

    case xen::MMUEXT_MARK_SUPER:
    case xen::MMUEXT_UNMARK_SUPER: return -xen::XEN_EOPNOTSUPP;
    default: return -xen::XEN_ENOSYS;
    }
}

} // namespace

long do_mmuext_op(uint64_t uops, uint64_t count_arg, uint64_t pdone, uint64_t foreigndom,
                  uint64_t) {
    Vcpu* v = current_vcpu();
    Domain& d = *v->domain;
    auto count = static_cast<unsigned>(count_arg);
    unsigned done = 0;

    if (count == kMmuUpdatePreempted && uops == 0)
        return static_cast<int>(static_cast<unsigned>(foreigndom));
    if (count & kMmuUpdatePreempted) {
        count &= ~kMmuUpdatePreempted;
        if (pdone)
            (void)get_guest(done, pdone);
    }
    if (!pv_handle_okay(uops, count, sizeof(xen::mmuext_op)))
        return -xen::XEN_EFAULT;
    PgOwner pg_owner;
    if (!pv_get_pg_owner(d, static_cast<uint16_t>(foreigndom), &pg_owner))
        return -xen::XEN_ESRCH;
    if (!pv_may_target(d, pg_owner.domain))
        return -xen::XEN_EPERM;

    long rc = 0;
    unsigned i = 0;
    for (; i < count; i++) {
        xen::mmuext_op op;
        if (copy_from_guest(&op, uops + uint64_t(i) * sizeof(op), sizeof(op))) {
            rc = -xen::XEN_EFAULT;
            break;
        }
        rc = one_op(*v, op, pg_owner);
        if (rc)
            break;
    }
    if (pdone) {
        done += i;
        (void)put_guest(pdone, done);
    }
    return rc;
}
