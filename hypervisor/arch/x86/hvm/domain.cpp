// Making a domain an HVM one: its p2m, HVM parameters, and a VMCB per vCPU; and the
// flush that makes a p2m change safe for the frames it unmaps.
#include "common/domain.h"
#include "arch/cpu.h"
#include "arch/hvm.h"
#include "arch/layout.h"
#include "arch/smp.h"
#include "arch/x86/hvm/hvm.h"
#include "arch/x86/svm/svm.h"
#include "arch/x86/svm/vmcb.h"
#include "common/memory/buddy.h"
#include "common/memory/heap.h"
#include "lib/new.h"
#include "public/errno.h"

namespace hvm {

HvmVcpu& vcpu_of(Vcpu& v) {
    return *v.arch.hvm;
}
HvmDomain& domain_of(Domain& d) {
    return *d.arch.hvm;
}

int hvm_domain_init(Domain& d, bool pvh) {
    auto* hd = static_cast<HvmDomain*>(xzalloc(sizeof(HvmDomain), 64));
    if (!hd)
        return -xen::XEN_ENOMEM;
    new (&hd->p2m) P2m();
    hd->pvh = pvh;
    hd->shared_info_gfn = ~0ull;
    if (p2m_init(hd->p2m)) {
        xfree(hd);
        return -xen::XEN_ENOMEM;
    }
    d.arch.hvm = hd;
    for (unsigned i = 0; i < d.vcpu_count; i++) {
        Vcpu& v = *d.vcpus[i];
        auto* h = static_cast<HvmVcpu*>(xzalloc(sizeof(HvmVcpu), 64));
        auto* vmcb = static_cast<svm::Vmcb*>(memory::alloc_zeroed_page());
        if (!h || !vmcb)
            return -xen::XEN_ENOMEM; // the caller's domain is not started: a boot error
        h->vmcb = vmcb;
        h->vmcb_pa = arch::virt_to_phys(vmcb);
        h->asid_cpu = ~0u;
        svm::vmcb_init(*vmcb, hd->p2m.root_pa);
        v.arch.hvm = h;
        v.arch.xcr0 = 1; // x87 only, the architectural reset value
    }
    return 0;
}

void hvm_flush_guest_tlbs(Domain& d) {
    __atomic_add_fetch(&domain_of(d).p2m_generation, 1, __ATOMIC_ACQ_REL);
    // Every CPU leaves its guest at least once (the IPI is an exit); each vCPU's next
    // VMRUN sees the new generation and flushes its ASID.
    arch::on_each_cpu([](void*) {}, nullptr);
}

int hvm_map_ram(Domain& d, uint64_t gfn, uint64_t mfn, uint64_t n) {
    P2m& p = domain_of(d).p2m;
    while (n) {
        unsigned order = !(gfn & 511) && !(mfn & 511) && n >= 512 ? 9 : 0;
        if (int rc = p2m_set(p, gfn, mfn, order, P2mType::ram))
            return rc;
        gfn += 1ull << order, mfn += 1ull << order, n -= 1ull << order;
    }
    return 0;
}

} // namespace hvm
