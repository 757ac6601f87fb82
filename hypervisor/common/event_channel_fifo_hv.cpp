// EVTCHNOP_init_control and EVTCHNOP_expand_array, and the FIFO ABI's teardown, as Xen
// 4.17's event_fifo.c answers them. The frames' references are taken before the table
// lock (taking a type may flush TLBs) and dropped after it.
#include "common/event_channel_fifo_hv.h"

#include "arch/layout.h"
#include "common/domain.h"
#include "common/event_channel.h"
#include "common/event_channel_2l.h"
#include "common/event_channel_fifo.h"
#include "common/hypercalls/hypercall_util.h"
#include "common/memory/heap.h"
#include "common/memory/page_info.h"
#include "common/memory/page_type.h"
#include "public/errno.h"

namespace evtchn {
namespace {

using Guard = hc::IrqLockGuard<lib::SpinLock>;
using fifo::FifoDomain;

static_assert(fifo::kMaxVcpus >= kMaxVcpusPerDomain);
static_assert(sizeof(xen::evtchn_fifo_control_block) <= 4096);

// A frame of d's that xenon may write: for a PV guest the gfn is the mfn. Any refusal is
// -EINVAL, as Xen's map_guest_page.
long get_frame(Domain& d, uint64_t gfn, void** virt) {
    if (memory::get_page_and_type(gfn, d.domid, memory::PageType::writable))
        return -xen::XEN_EINVAL;
    *virt = arch::phys_to_virt(gfn << PAGE_SHIFT);
    return 0;
}

void put_frame(uint64_t mfn) {
    memory::put_page_and_type(memory::frame_table().page(mfn));
}

// The 2-level ABI's pending ports wait for their event words; every port in the table
// gets the default priority (Xen's setup_ports).
void carry_ports_over(EvtchnDomain& e) {
    for (uint32_t port = 1; port < e.valid; port++) {
        Port& p = port_ref(e, port);
        p.priority = xen::EVTCHN_FIFO_PRIORITY_DEFAULT;
        p.fifo_pending = usable(p) && port < kMax2lPorts && is_pending(*e.shared, port);
    }
}

} // namespace

long init_control(Domain& d, xen::evtchn_init_control& op) {
    op.link_bits = xen::EVTCHN_FIFO_LINK_BITS;
    if (op.vcpu >= d.vcpu_count || !d.vcpus[op.vcpu])
        return -xen::XEN_ENOENT;
    if (op.offset > 4096 - sizeof(xen::evtchn_fifo_control_block))
        return -xen::XEN_EINVAL;
    if (op.offset & 7)
        return -xen::XEN_EINVAL;
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    // The state for the switch, made ahead in case this is the first control block.
    auto* fresh = __atomic_load_n(&e->fifo, __ATOMIC_ACQUIRE)
                      ? nullptr
                      : static_cast<FifoDomain*>(xzalloc(sizeof(FifoDomain), 64));
    void* page = nullptr;
    long rc = get_frame(d, op.control_gfn, &page);
    {
        Guard g(e->lock);
        FifoDomain* f = e->fifo;
        if (!f && !fresh)
            rc = -xen::XEN_ENOMEM;
        else if (f && f->vcpus[op.vcpu].cb)
            rc = -xen::XEN_EINVAL; // once per vCPU (the frame is Xen's second check)
        if (rc == 0) {
            if (!f) {
                f = fresh;
                fresh = nullptr;
            }
            auto* cb = reinterpret_cast<xen::evtchn_fifo_control_block*>(
                static_cast<uint8_t*>(page) + op.offset);
            fifo::attach_control_block(*f, uint16_t(op.vcpu), cb, op.control_gfn);
            if (!e->fifo) {
                carry_ports_over(*e);
                __atomic_store_n(&e->fifo, f, __ATOMIC_RELEASE);
                e->limit = kMaxPorts;
                __atomic_store_n(&e->abi, &kAbiFifo, __ATOMIC_RELEASE);
            }
        }
    }
    if (rc && page)
        put_frame(op.control_gfn);
    if (fresh)
        xfree(fresh);
    return rc;
}

long expand_array(Domain& d, uint64_t array_gfn) {
    EvtchnDomain* e = of(d);
    if (!e)
        return -xen::XEN_ENOMEM;
    {
        Guard g(e->lock);
        if (!e->fifo)
            return -xen::XEN_EOPNOTSUPP;
        if (e->fifo->nr_pages >= fifo::kMaxPages)
            return -xen::XEN_ENOSPC;
    }
    void* page = nullptr;
    if (long rc = get_frame(d, array_gfn, &page))
        return rc;
    long rc = 0;
    {
        Guard g(e->lock);
        FifoDomain* f = e->fifo;
        if (!f) // reset meanwhile
            rc = -xen::XEN_EOPNOTSUPP;
        else if (!fifo::add_page(*f, static_cast<uint32_t*>(page), array_gfn))
            rc = -xen::XEN_ENOSPC;
        else {
            // Events raised while this page was missing.
            for (uint32_t port = f->nr_ports - fifo::kWordsPerPage;
                 port < f->nr_ports && port_valid(*e, port); port++) {
                Port& p = port_ref(*e, port);
                if (!p.fifo_pending)
                    continue;
                p.fifo_pending = false;
                if (p.notify_vcpu < d.vcpu_count && d.vcpus[p.notify_vcpu])
                    set_pending(*d.vcpus[p.notify_vcpu], port);
            }
        }
    }
    if (rc)
        put_frame(array_gfn);
    return rc;
}

void fifo_destroy(EvtchnDomain& e) {
    FifoDomain* f;
    {
        Guard g(e.lock);
        f = e.fifo;
        if (!f)
            return;
        __atomic_store_n(&e.abi, &kAbi2l, __ATOMIC_RELEASE);
        e.limit = kMax2lPorts;
        e.fifo = nullptr;
    }
    for (auto& vq : f->vcpus)
        if (vq.cb)
            put_frame(vq.cb_mfn);
    for (uint32_t i = 0; i < f->nr_pages; i++)
        put_frame(f->page_mfn[i]);
    xfree(f);
}

} // namespace evtchn
