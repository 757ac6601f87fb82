// Log-dirty mode for PV domains through shadow page tables (arch/x86/pv/shadow.cpp;
// docs/migration.md has the design). While it is on, the CPU walks a shadow of every
// validated page table of the domain instead of the guest's own, so the guest's entries
// (Accessed, Dirty, RW) read back exactly as it wrote them, and the Dirty bits the CPU
// sets land in the shadows, where xenon harvests them into the log-dirty bitmap.
#pragma once
#include <stdint.h>

#include "common/domain.h"

namespace memory {
class LogDirty;
}

namespace arch {

// Enables log-dirty mode for PV domain d (its vCPUs paused and off their CPUs:
// pv_domain_pause_sync): 0, -EINVAL if it is on already, -ENOMEM.
int pv_logdirty_enable(Domain& d);
// Turns it off (d paused and off its CPUs, or dying): the guest's tables are walked
// again, the shadows and the bitmap go.
void pv_logdirty_disable(Domain& d);
inline bool pv_logdirty_on(const Domain& d) {
    return __atomic_load_n(&d.arch.shadow, __ATOMIC_ACQUIRE) != nullptr;
}
// d's bitmap, nullptr when log-dirty is off. Valid while d's vCPUs are paused by the
// caller (disable needs them paused too).
memory::LogDirty* pv_logdirty(Domain& d);
// Before the bitmap is read (d paused and off its CPUs): moves the Dirty bits of every
// shadow L1 entry into the bitmap and adds the frames xenon writes without a guest
// mapping (registered vcpu_info frames), then flushes d's TLBs, so that the next write
// to any page sets a Dirty bit again.
void pv_logdirty_harvest(Domain& d);
// Shadow frames d holds now (GET_ALLOCATION reports them, in MiB rounded up).
uint64_t pv_shadow_pages(const Domain& d);

// Pauses every vCPU of d and waits until none is on a CPU; pv_domain_unpause undoes it.
void pv_domain_pause_sync(Domain& d);
void pv_domain_unpause(Domain& d);

// Frame mfn was written other than through its owner's shadowed mappings (by xenon, or
// through another domain's mapping): dirty in its owner's bitmap, if it keeps one.
void pv_mark_dirty_mfn(uint64_t mfn);

// The root the CPU loads for v's guest base pointer cr3 (a machine address).
uint64_t pv_shadow_root(uint64_t cr3);
inline uint64_t pv_root_for(const Vcpu& v, uint64_t cr3) {
    if (__builtin_expect(!__atomic_load_n(&v.domain->arch.shadow_on, __ATOMIC_ACQUIRE), 1))
        return cr3;
    return pv_shadow_root(cr3);
}

// A #PF at va (error code ec) that the shadows' Accessed/Dirty emulation caused: the
// guest entry gets the bit the CPU would have set, the shadow entry the access, and
// true is returned (the access is retried). False: the fault is the guest's own.
bool pv_shadow_fault(Vcpu& v, uint64_t va, uint32_t ec);

// Slot `slot` of guest L4 l4_mfn was changed by xenon (the M2P slot): the shadow follows.
void pv_shadow_copy_slot(uint64_t l4_mfn, unsigned slot);

} // namespace arch
