// HYPERVISOR_mmu_update, update_va_mapping and update_va_mapping_otherdomain: a PV
// guest's only ways to write its page tables (they are mapped read-only to it). Each
// entry is checked by the page-type code (common/memory/page_type.h) before it is
// written; the answers, the `done` count and the flushes follow Xen 4.17.
#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/percpu.h"
#include "arch/pv_mm.h"
#include "arch/pv_shadow.h"
#include "arch/smp.h"
#include "common/domain.h"
#include "common/hypercall.h"
#include "common/memory/page_type.h"
#include "mm.h"
#include "public/errno.h"
#include "public/xen.h"

namespace arch {

bool pv_get_pg_owner(Domain& self, uint16_t domid, PgOwner* out) {
    if (domid == self.domid)
        return false; // Xen: "Cannot specify itself as foreign domain"
    if (domid == xen::DOMID_SELF) {
        *out = {self.domid, &self};
        return true;
    }
    if (domid == xen::DOMID_IO || domid == xen::DOMID_XEN) {
        // No domain behind them. Xen's dom_xen owns the pages it shares deliberately;
        // xenon shares none that way, and the page-type code never hands out a
        // reference to a frame of xenon's own (memory::get_page_from_mfn).
        *out = {domid, nullptr};
        return true;
    }
    Domain* d = pv_get_pt_owner(self, domid);
    if (!d)
        return false;
    *out = {d->domid, d};
    return true;
}

Domain* pv_get_pt_owner(Domain& self, uint16_t domid) {
    if (domid == self.domid)
        return &self;
    // Whether the caller may act on it is each operation's check (pv_may_target).
    return domid < xen::DOMID_FIRST_RESERVED ? pv_find_domain(domid) : nullptr;
}

int pv_read_vcpumask(Domain& d, uint64_t bitmap_va, bool* any, bool* others) {
    *any = *others = false;
    unsigned self = this_cpu_id();
    for (unsigned bias = 0; bias < d.vcpu_count; bias += 64) {
        uint64_t word;
        if (copy_from_guest(&word, bitmap_va + bias / 8, sizeof(word)))
            return -xen::XEN_EFAULT;
        for (unsigned bit = 0; bit < 64 && bias + bit < d.vcpu_count; bit++) {
            Vcpu* v = d.vcpus[bias + bit];
            if (!(word >> bit & 1) || !v)
                continue;
            *any = true;
            if (v->processor != self)
                *others = true;
        }
    }
    return 0;
}

void pv_flush_tlb_cpus(bool others) {
    pv_flush_tlb_local();
    if (others)
        smp_call_others([](void*) { pv_flush_tlb_local(); }, nullptr);
}

void pv_invlpg_cpus(uint64_t va, bool others) {
    invlpg(reinterpret_cast<const void*>(va));
    if (others)
        smp_call_others([](void* p) { invlpg(p); }, reinterpret_cast<void*>(va));
}

namespace {

long update_va_mapping(uint64_t va, uint64_t val, uint64_t flags, const PgOwner& pg_owner) {
    Vcpu* v = current_vcpu();
    Domain& d = *v->domain;
    if (pg_owner.domain != &d && !d.privileged)
        return -xen::XEN_EPERM;
    uint64_t l1_mfn;
    if (!pv_guest_l1(*v, va, &l1_mfn))
        return -xen::XEN_EINVAL;
    int rc = memory::update_l1_entry(l1_mfn, (va >> 12) & 511, val, d.domid, pg_owner.id);
    if (rc)
        return rc; // nothing changed: no flush
    uint64_t bitmap = flags & ~xen::UVMF_FLUSHTYPE_MASK;
    switch (flags & xen::UVMF_FLUSHTYPE_MASK) {
    case xen::UVMF_TLB_FLUSH:
        if (bitmap == xen::UVMF_LOCAL) {
            pv_flush_tlb_local();
        } else if (bitmap == xen::UVMF_ALL) {
            pv_flush_tlb_domain(d);
        } else {
            bool any, others;
            rc = pv_read_vcpumask(d, bitmap, &any, &others);
            if (any)
                pv_flush_tlb_cpus(others);
        }
        break;
    case xen::UVMF_INVLPG:
        if (bitmap == xen::UVMF_LOCAL) {
            invlpg(reinterpret_cast<const void*>(va));
        } else if (bitmap == xen::UVMF_ALL) {
            pv_invlpg_cpus(va, true);
        } else {
            bool any, others;
            rc = pv_read_vcpumask(d, bitmap, &any, &others);
            if (any)
                pv_invlpg_cpus(va, others);
        }
        break;
    default:
        break;
    }
    return rc;
}

} // namespace
} // namespace arch

using namespace arch;

long do_mmu_update(uint64_t ureqs, uint64_t count_arg, uint64_t pdone, uint64_t foreigndom_arg,
                   uint64_t) {
    Vcpu* v = current_vcpu();
    Domain& d = *v->domain;
    auto count = static_cast<unsigned>(count_arg);
    auto foreigndom = static_cast<unsigned>(foreigndom_arg);
    unsigned done = 0;

    // A continuation's last word (Xen passes the result in place of foreigndom).
    if (count == kMmuUpdatePreempted && ureqs == 0)
        return static_cast<int>(foreigndom);
    if (count & kMmuUpdatePreempted) {
        count &= ~kMmuUpdatePreempted;
        if (pdone)
            (void)get_guest(done, pdone);
    }
    if (!pv_handle_okay(ureqs, count, sizeof(xen::mmu_update)))
        return -xen::XEN_EFAULT;

    // The page tables' owner: foreigndom's top half, plus one (0: the caller).
    Domain* pt_owner = &d;
    if (unsigned pt_dom = foreigndom >> 16; pt_dom != 0) {
        pt_owner = pv_get_pt_owner(d, static_cast<uint16_t>(pt_dom - 1));
        if (!pt_owner)
            return -xen::XEN_ESRCH;
    }

    long rc = 0;
    unsigned i = 0;
    bool flush = false;
    PgOwner pg_owner;
    if (!pv_get_pg_owner(d, static_cast<uint16_t>(foreigndom), &pg_owner)) {
        rc = -xen::XEN_ESRCH;
    } else {
        for (; i < count; i++) {
            xen::mmu_update req;
            if (copy_from_guest(&req, ureqs + uint64_t(i) * sizeof(req), sizeof(req))) {
                rc = -xen::XEN_EFAULT;
                break;
            }
            unsigned cmd = req.ptr & 7; // the low bits of an 8-byte-aligned address
            uint64_t ptr = req.ptr - cmd;
            switch (cmd) {
            case xen::MMU_NORMAL_PT_UPDATE:
            case xen::MMU_PT_UPDATE_PRESERVE_AD:
            case xen::MMU_PT_UPDATE_NO_TRANSLATE: // PV guests are never translated
                if ((pg_owner.id != xen::DOMID_IO && !pv_may_target(d, pg_owner.domain)) ||
                    !pv_may_target(d, pt_owner)) {
                    rc = -xen::XEN_EPERM;
                    break;
                }
                rc = memory::update_entry(ptr >> PAGE_SHIFT, (ptr & (PAGE_SIZE - 1)) >> 3, req.val,
                                          cmd == xen::MMU_PT_UPDATE_PRESERVE_AD
                                              ? memory::EntryWrite::preserve_ad
                                              : memory::EntryWrite::normal,
                                          pt_owner->domid, pg_owner.id, &flush);
                break;
            case xen::MMU_MACHPHYS_UPDATE: {
                if (pt_owner != &d) {
                    rc = -xen::XEN_EPERM;
                    break;
                }
                if (pg_owner.id != xen::DOMID_IO && !pv_may_target(d, pg_owner.domain)) {
                    rc = -xen::XEN_EPERM;
                    break;
                }
                uint64_t mfn = req.ptr >> PAGE_SHIFT;
                memory::PageInfo* pg = memory::get_page_from_mfn(mfn, pg_owner.id);
                if (!pg) {
                    rc = -xen::XEN_EINVAL;
                    break;
                }
                m2p_set(mfn, req.val);
                pv_mark_dirty_mfn(mfn); // the frame is now pfn req.val's (Xen marks it too)
                memory::put_page(pg);
                rc = 0;
                break;
            }
            default:
                rc = -xen::XEN_ENOSYS;
                break;
            }
            if (rc)
                break;
        }
        // A changed L2..L4 entry may leave stale paging-structure caches anywhere the
        // tables' owner runs; L1 changes are the guest's to flush.
        if (flush)
            pv_flush_tlb_domain(*pt_owner);
    }

    if (pdone) {
        done += i;
        (void)put_guest(pdone, done);
    }
    return rc;
}

long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags, uint64_t, uint64_t) {
    Domain& d = *current_vcpu()->domain;
    return update_va_mapping(va, val, flags, PgOwner{d.domid, &d});
}

long do_update_va_mapping_otherdomain(uint64_t va, uint64_t val, uint64_t flags, uint64_t domid,
                                      uint64_t) {
    Domain& d = *current_vcpu()->domain;
    PgOwner pg_owner;
    if (!pv_get_pg_owner(d, static_cast<uint16_t>(domid), &pg_owner))
        return -xen::XEN_ESRCH;
    return update_va_mapping(va, val, flags, pg_owner);
}
