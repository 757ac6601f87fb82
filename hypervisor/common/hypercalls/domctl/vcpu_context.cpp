// XEN_DOMCTL_setvcpucontext and getvcpucontext: the builder gives a vCPU of a paused
// domain its first register state (libxc's PV builder: vCPU 0, online, on the initial
// page tables it pinned); the toolstack reads a vCPU's state back. As Xen 4.17: never
// the caller's own domain (-EINVAL, it cannot be paused), a vCPU that does not exist
// -EINVAL, a null context resets the vCPU, getvcpucontext of a vCPU without a context
// -ENODATA.
#include "arch/guest_access.h"
#include "arch/pv.h"
#include "arch/pv_mm.h"
#include "common/domain.h"
#include "common/hypercalls/domctl/domctl.h"
#include "common/memory/heap.h"
#include "common/sched/sched.h"
#include "public/errno.h"

namespace domctl {
namespace {

using namespace xen;

Vcpu* target_vcpu(Call& c) {
    Domain& d = *c.target;
    uint32_t id = c.op.u.vcpucontext.vcpu;
    if (&d == &c.self || id >= d.vcpu_count)
        return nullptr;
    return d.vcpus[id];
}

// Paused and off its CPU (its registers saved), as Xen's vcpu_pause waits for.
void pause_off_cpu(Vcpu& v) {
    vcpu_pause(&v);
    while (__atomic_load_n(&v.sched.running, __ATOMIC_ACQUIRE))
        asm volatile("pause");
}

// Xen's vcpu_reset: the vCPU loses its context and goes down.
void reset(Vcpu& v) {
    pause_off_cpu(v);
    arch::pv_mm_drop_baseptrs(v);
    v.sched.down = true;
    vcpu_unpause(&v);
}

} // namespace

long setvcpucontext(Call& c) {
    Vcpu* v = target_vcpu(c);
    if (!v)
        return -XEN_EINVAL;
    uint64_t ctxt = c.op.u.vcpucontext.ctxt.p;
    if (!ctxt) {
        reset(*v);
        return 0;
    }
    auto* ctx = static_cast<vcpu_guest_context*>(xmalloc(sizeof(vcpu_guest_context), 16));
    if (!ctx)
        return -XEN_ENOMEM;
    long rc = arch::copy_from_guest(ctx, ctxt, sizeof(*ctx)) ? -XEN_EFAULT : 0;
    if (rc == 0) {
        pause_off_cpu(*v);
        rc = arch::pv_vcpu_set_context(*v, *ctx);
        if (rc == 0)
            v->sched.down = !(ctx->flags & VGCF_online);
        vcpu_unpause(v);
    }
    xfree(ctx);
    return rc;
}

long getvcpucontext(Call& c) {
    Vcpu* v = target_vcpu(c);
    if (!v)
        return -XEN_EINVAL;
    if (!v->arch.cr3_kernel)
        return -XEN_ENODATA; // never given a context
    auto* ctx = static_cast<vcpu_guest_context*>(xmalloc(sizeof(vcpu_guest_context), 16));
    if (!ctx)
        return -XEN_ENOMEM;
    pause_off_cpu(*v);
    arch::pv_vcpu_get_context(*v, *ctx);
    vcpu_unpause(v);
    long rc = arch::copy_to_guest(c.op.u.vcpucontext.ctxt.p, ctx, sizeof(*ctx)) ? -XEN_EFAULT : 0;
    xfree(ctx);
    return rc;
}

} // namespace domctl
