// The PV MMU's page-type system: which frames a PV guest may use as page tables, and the
// reference counts that make that safe (Xen's rules, on Xen's ABI).
//
// Every frame has a general reference count (PageInfo::count_info: the owner's allocation
// holds one, every mapping and every other user one more) and a type with a type count
// (PageInfo::type_info). A frame is used as one type at a time:
//   - writable: mapped writable somewhere (each writable L1 entry holds a type reference);
//   - l1..l4: a validated page table (each entry of the level above that points at it,
//     each pin and each vCPU base pointer holds a type reference);
//   - segdesc: a GDT/LDT page.
// The type may change only while the type count is 0. On the 0 -> 1 transition to a
// table type the frame's every entry is checked and takes its own references (the frame
// "validates"); when the count drops back to 0 they are dropped again ("devalidates").
// So a guest can never write to a page table, and can never make a table out of a frame
// it can write: every PTE the CPU walks has been checked.
//
// Validation recurses down the levels (an L4 validates its L3s, which validate their
// L2s, ...): at most four levels deep, so the hypervisor stack use is bounded. It is not
// preemptible (Xen's is): a very large tree validates in one go.
//
// Concurrency: counts and types change with compare-and-swap as in Xen; a CPU that finds
// a frame being validated by another waits for it; entry updates take a per-frame lock
// (kTypeLocked) so that two CPUs never change entries of one table at once.
//
// The frames' contents are reached through PageTableEnv::map, so the host tests run the
// same code over fake memory. Functions return 0 or a negative Xen errno (XEN_E*).
#pragma once
#include <stdint.h>

#include "common/memory/page_info.h"

namespace memory {

// What the page-type code needs from the machine and from the domains.
struct PageTableEnv {
    FrameTable* frames;
    // The 512 entries of frame mfn (a RAM frame of the frame table).
    uint64_t* (*map)(uint64_t mfn);
    // Writes the hypervisor's own slots (256..271) into an L4 that has just validated.
    void (*install_xen_slots)(uint64_t* l4, uint64_t l4_mfn);
    // A frame of `owner` changes type: every TLB (and paging-structure cache) that may
    // hold the owner's translations must be flushed before the new type is relied on.
    void (*flush_tlbs)(DomId owner);
    // Whether domain d holds I/O rights (then its L1 entries may carry cache attributes).
    bool (*io_capable)(DomId d);
    // Whether domain d may map the I/O frame mfn (outside the frame table, or DOMID_IO's).
    bool (*iomem_permitted)(DomId d, uint64_t mfn);
    // Whether domain d may act on other domains' memory (Xen's control domain).
    bool (*privileged)(DomId d);
    // Checks a page of segment descriptors (GDT/LDT frames); nullptr refuses them.
    bool (*segdesc_ok)(const uint64_t* descriptors);
    // The last general reference to pg went away (the owner gave the frame up).
    void (*released)(PageInfo* pg);
    bool nx; // the CPU has NX: bit 63 of an entry is usable
    // Shadow page tables (arch/x86/pv/shadow.cpp; docs/migration.md), all nullptr without:
    // table pg of a domain with shadows has just validated as `type` (its entries are
    // final, the type not yet published) / is about to devalidate / had entry `index`
    // written (under the table's entry lock). shadow_entry returns the shadow's new entry
    // (0 if there is none). frame_written: xenon wrote into frame pg for a guest.
    void (*shadow_validated)(PageInfo* pg, PageType type);
    void (*shadow_devalidate)(PageInfo* pg, PageType type);
    uint64_t (*shadow_entry)(PageInfo* table, unsigned index);
    void (*frame_written)(PageInfo* pg);
};

// How many domains have shadow tables: the hooks above are called only while it is not 0.
extern uint32_t g_shadow_domains;
inline bool shadows_active() {
    return __atomic_load_n(&g_shadow_domains, __ATOMIC_ACQUIRE) != 0;
}

// Installs the environment (at boot; tests install theirs). The env must outlive its use.
void page_type_init(const PageTableEnv& env);
const PageTableEnv& page_type_env();

// --- General references -----------------------------------------------------------------

// Takes a general reference on a frame owned by `owner`; false if the frame is not
// allocated, belongs to someone else, or its count would overflow.
bool get_page(PageInfo* pg, DomId owner);
void put_page(PageInfo* pg);
// The frame mfn with a general reference taken, or nullptr (no such frame, not owner's,
// or owner is DOMID_XEN: xenon's own frames are never handed to a guest this way).
PageInfo* get_page_from_mfn(uint64_t mfn, DomId owner);

// --- Type references ----------------------------------------------------------------------

// Takes a type reference of `type`, validating the frame on the 0 -> 1 transition. 0, or
// why not: -EINVAL for a frame in use as another type (or a count overflow), else the
// error validation met (-EINVAL, -EBUSY, -EPERM, -EACCES, as Xen answers for the entry).
// The caller holds a general reference.
int get_page_type(PageInfo* pg, PageType type);
// Drops a type reference; the last one of a page table devalidates it.
void put_page_type(PageInfo* pg);
// Both references at once, as Xen's get_page_and_type_from_mfn: -EINVAL if the frame is
// not the owner's, else get_page_type's answer (the general reference is dropped again
// on failure).
int get_page_and_type(uint64_t mfn, DomId owner, PageType type);
void put_page_and_type(PageInfo* pg);

// --- Guest operations ----------------------------------------------------------------------

// MMUEXT_PIN_L*_TABLE: validates frame mfn of `owner` as `type` (l1..l4) and keeps it so
// until unpinned (the pin holds a general and a type reference). -EINVAL if already
// pinned or not the owner's frame.
int pin_table(uint64_t mfn, DomId owner, PageType type);
// MMUEXT_UNPIN_TABLE: -EINVAL if the frame is not owner's or not pinned.
int unpin_table(uint64_t mfn, DomId owner);

// How an entry update treats the Accessed and Dirty bits already in the entry.
enum class EntryWrite { normal, preserve_ad };

// MMU_NORMAL_PT_UPDATE / MMU_PT_UPDATE_PRESERVE_AD: writes `val` into entry `index` of
// frame mfn, a frame of pt_owner, for a mapping of pg_owner's frames. A page-table entry
// is checked and takes its references (the old entry's are dropped); an entry of a
// writable frame is written as it is. *flush_all is set when a non-leaf entry changed
// (the caller must flush the TLBs of every CPU the domain runs on).
int update_entry(uint64_t mfn, unsigned index, uint64_t val, EntryWrite how, DomId pt_owner,
                 DomId pg_owner, bool* flush_all);
// update_va_mapping: as update_entry, but frame l1_mfn must be an L1 table of d.
int update_l1_entry(uint64_t l1_mfn, unsigned index, uint64_t val, DomId d, DomId pg_owner);

// Writable page tables (VMASST_TYPE_writable_pagetables; arch/x86/pv/ptwr.cpp): one guest
// write to entry `index` of frame l1_mfn, which must be an L1 table of d (else -EINVAL).
// Under the table's entry lock, `compute` sees the entry's current value and gives the
// value to write, or false when nothing is to be written (a failed compare). A present
// new entry is checked and referenced as Xen's ptwr emulation does it: the new entry's
// references taken (d owning both the table and the frame), the old entry's dropped,
// even when the two are equal. `compute` may run again if the CPU sets Accessed/Dirty
// meanwhile; its last call is the one that counts. 0, or why not (entry unchanged).
using L1WriteFn = bool (*)(void* ctx, uint64_t old, uint64_t* val);
int emulate_l1_write(uint64_t l1_mfn, unsigned index, DomId d, L1WriteFn compute, void* ctx);

// Shadow paging's Accessed/Dirty emulation (a shadow L1 entry is absent while the guest's
// has no Accessed bit, and read-only while a writable one has no Dirty bit): sets the
// Accessed bit (and Dirty for a write) in entry `index` of frame l1_mfn, an L1 table of d,
// if the entry is present and allows the access. 0 with *shadow_after the shadow's entry
// now, -EINVAL if the access is the guest's own fault (or the frame is no L1 of d).
int shadow_access_l1(uint64_t l1_mfn, unsigned index, DomId d, bool write, bool* changed,
                     uint64_t* shadow_after);

// --- Grant-table mappings (hook for common/grant_table/ via arch/x86/pv/grant_map.cpp) ---
// Xen's create/replace_grant_pv_mapping write L1 entries whose references the grant code
// takes and drops itself. exchange_l1_entry writes `val` (adjusted as every 64-bit PV L1
// entry is) into entry `index` of frame l1_mfn, which must be an L1 table owned by d
// (else -EINVAL), under the table's entry lock. With expect_mask != 0 the old entry must
// equal `expect` in those bits (else -EINVAL, nothing written). *old receives the old
// entry, whose references are the caller's from then on: put_l1e_references drops them
// (Xen's put_page_from_l1e).
int exchange_l1_entry(uint64_t l1_mfn, unsigned index, uint64_t val, DomId d, uint64_t expect,
                      uint64_t expect_mask, uint64_t* old);
void put_l1e_references(uint64_t e);

// --- Teardown of a dead domain (Xen's relinquish_memory) -----------------------------------
// Drops pg's pin and the references it held, if it is pinned.
void drop_pin(PageInfo* pg);
// A validated table of type `type` whose domain is dead loses its validation at once,
// whatever still refers to it: its entries' references are dropped, which is what
// breaks reference cycles (linear entries) that would keep the domain's frames forever.
// Its type references stay until their holders drop them, then it is simply untyped.
// Safe only once nobody can validate or update the dead domain's tables again (its
// vCPUs are gone and domain_lookup no longer finds it); an update already under way
// is waited for. The caller holds a general reference.
void force_devalidate(PageInfo* pg, PageType type);

// Hands a hypervisor page (e.g. shared_info) to guest d, as Xen's
// share_xen_page_with_guest: owned by d, allocated, and pinned writable (or read-only)
// with a type reference, so it can never become a page table.
void share_xen_page_with_guest(PageInfo* pg, DomId d, bool readonly);
// Takes a writable share back from live domain d (Xen's put_page_alloc_ref and the check
// gnttab_unpopulate_status_frames makes): only when nothing but the share references the
// page; then it is xenon's again (owner DOMID_XEN, no references). False: still in use.
bool unshare_xen_page(PageInfo* pg, DomId d);

// --- Inspection (tests, diagnostics) ------------------------------------------------------

inline uint64_t page_count(const PageInfo* pg) {
    return pg->count_info & kCountMask;
}
inline uint64_t type_count(const PageInfo* pg) {
    return pg->type_info & kTypeCountMask;
}
inline int linear_count(const PageInfo* pg) {
    return static_cast<int16_t>((pg->type_info & kTypeLinearMask) >> kTypeLinearShift);
}

} // namespace memory
