// Grant tables: how a domain lets another domain (or itself) reach one of its frames.
// The granting domain writes grant entries into frames it shares with xenon: version 1
// records (flags, grantee, frame), or after GNTTABOP_set_version(2) version 2 records
// (full-page, sub-page: a window of the frame, transitive: another domain's grant, for
// copies) whose GTF_reading / GTF_writing flags live apart, in status frames. A grantee names a
// grant by (domain, ref) to copy to or from the frame (GNTTABOP_copy) or to map it
// (GNTTABOP_map_grant_ref), and xenon keeps the bookkeeping that makes this safe:
//
//   - the shared frames: allocated on demand up to max_frames (Xen's defaults: 1 at
//     first, 64 at most), owned by the granting domain as hypervisor pages shared with it
//     (writable, never a page table, not counted in tot_pages);
//   - active entries (xenon's own memory): per grant, who has it pinned and how often
//     (four 8-bit counters, host/device x read/write, as Xen keeps them) and the machine
//     frame pinned; while a grant is pinned its GTF_reading / GTF_writing flags are set
//     (version 1: in the shared entry, with compare-and-swap on the combined flags+domid
//     word, as the guest may rewrite the entry at any time; version 2: in the status
//     frame, the header checked again afterwards);
//   - the maptrack of a mapping domain: one record per mapping, indexed by the handle
//     the guest gets back, on per-vCPU free lists exactly as Xen hands handles out.
//
// References: a mapping holds page references on the granted frame (a writable host
// mapping also a writable type reference, so the frame can never become a page table
// while mapped writable). As in Xen, those of a host mapping belong to the page-table
// entry (a guest that overwrites the entry drops them; its unmap then fails), those of a
// device mapping to the maptrack record.
//
// Lifetime: a domain's table is created on first use and lives until domain_destroy()
// and the last mapping of its grants is gone. A destroyed domain's frames that other
// domains still have pinned are never freed (their whole allocation block is taken from
// the dead domain and leaked, so nothing can reuse a frame another domain still maps).
//
// The machine side (frame contents, page allocation, page-table entries, TLB flushes)
// comes through an Env, so host tests run the same code over fake memory.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "common/memory/page_info.h"
#include "public/grant_table.h"

namespace gnttab {

using memory::DomId;

struct Table; // a domain's grant table and maptrack (grant_table/table.h)

inline constexpr unsigned kInitialFrames = 1; // Xen's INITIAL_NR_GRANT_FRAMES (x86)
inline constexpr unsigned kMaxFrames = 64;    // Xen's default gnttab_max_frames
// The highest entry layout a domain may use unless created with less: Xen's default
// gnttab=max-ver:2 (physinfo's cap_gnttab_v2, createdomain's and dom0's limit).
inline constexpr uint32_t kMaxVersion = 2;
inline constexpr unsigned kEntriesPerFrame = 4096 / sizeof(xen::grant_entry_v1);   // 512
inline constexpr unsigned kEntriesPerFrameV2 = 4096 / sizeof(xen::grant_entry_v2); // 256
inline constexpr unsigned kStatusPerFrame = 4096 / sizeof(xen::grant_status_t);    // 2048
inline constexpr unsigned kMaxStatusFrames =
    (kMaxFrames * kEntriesPerFrameV2 + kStatusPerFrame - 1) / kStatusPerFrame; // 8
inline constexpr unsigned kMaptrackPerFrame = 256;   // Xen: 4096 / sizeof(grant_mapping)
inline constexpr unsigned kMaxMaptrackFrames = 1024; // Xen's gnttab_max_maptrack_frames
inline constexpr unsigned kMaxVcpus = 32;            // per-vCPU maptrack free lists
inline constexpr uint32_t kMaptrackTail = ~0u;

// Active-entry pin counters (Xen's layout): writable host mappings in bits 0-7, read-only
// host mappings 8-15, writable device mappings 16-23, read-only device mappings 24-31.
// A copy pins as a host mapping for its duration.
inline constexpr uint32_t kPinHostW = 1u << 0;
inline constexpr uint32_t kPinHostR = 1u << 8;
inline constexpr uint32_t kPinDevW = 1u << 16;
inline constexpr uint32_t kPinDevR = 1u << 24;
inline constexpr uint32_t kPinHostWMask = 0xffu << 0;
inline constexpr uint32_t kPinDevWMask = 0xffu << 16;
// A counter may not reach 128 (Xen refuses a pin that could overflow).
constexpr uint32_t pin_overflow_mask(uint32_t incr) {
    return incr << 7;
}

// What the grant code needs from the machine. GNTST_* answers from the mapping hooks.
struct Env {
    memory::FrameTable* frames;
    // The contents of a RAM frame (the direct map).
    void* (*map)(uint64_t mfn);
    // A zeroed page for a shared grant frame, owned by the hypervisor (DOMID_XEN): its
    // frame number, or ~0 when out of memory; and giving one back (owner DOMID_XEN again,
    // no references).
    uint64_t (*alloc_frame)();
    void (*free_frame)(uint64_t mfn);
    // Zeroed hypervisor memory for the bookkeeping, and its release.
    void* (*zalloc)(size_t size);
    void (*free)(void* p);
    // Whether a domain with this id exists (tables are created for live domains only).
    bool (*domain_live)(DomId d);
    // The table of destroyed domain d is freed: the last mapping of its grants is gone
    // (nullptr: nobody needs to know).
    void (*dead_table_freed)(DomId d);
    // A host mapping of frame mfn for the calling vCPU (Xen's create_grant_host_mapping):
    // addr is a linear address, or with GNTMAP_contains_pte the machine address of the
    // L1 entry. The grant code holds the entry's references already.
    int16_t (*create_host_mapping)(uint64_t addr, uint64_t mfn, uint32_t flags,
                                   uint32_t cache_flags);
    // Removes it again (new_addr == 0), or moves the mapping at linear address new_addr
    // into its place (unmap_and_replace); the entry must still map mfn with the rights the
    // flags say. The removed entry's references become the grant code's.
    int16_t (*replace_host_mapping)(uint64_t addr, uint64_t mfn, uint64_t new_addr, uint32_t flags);
    // Flushes the TLBs that may hold domain d's translations.
    void (*flush_tlb)(DomId d);
    // Writes back and invalidates the cache lines of bytes [offset, offset + length) of
    // frame mfn.
    void (*flush_cache)(uint64_t mfn, unsigned offset, unsigned length);
    // Frame mfn was (or may be, through a writable mapping) written for its owner by
    // someone else: a copy into it, a writable map or unmap of it (log-dirty; nullptr:
    // nobody tracks).
    void (*dirtied)(uint64_t mfn);

    // GNTTABOP_transfer's moves of a frame between domains (Xen's steal_page,
    // assign_pages and guest_physmap_add_page for PV; domain_exists may be nullptr,
    // then domain_live stands in).
    // steal_frame: frame mfn leaves `from`, which must own it with nothing but its
    // allocation holding it (no mapping, type, pin or grant, no hypervisor page): 0, the
    // frame is nobody's and out of from's reservation; -EINVAL, nothing changed.
    int (*steal_frame)(uint64_t mfn, DomId from);
    // A stolen frame no domain gets (the transfer failed after the steal, as Xen loses
    // it too): freed once no TLB can hold it.
    void (*free_stolen_frame)(uint64_t mfn);
    // Whether domain d exists, live or dying (Xen's rcu_lock_domain_by_id finds both).
    bool (*domain_exists)(DomId d);
    // Room in to's reservation for one more frame: 0; nonzero when it is dying, at its
    // max_pages, or cannot take frames this way (not a PV domain).
    int (*charge_frame)(DomId to);
    void (*uncharge_frame)(DomId to);
    // A stolen frame becomes to's (charged already) with its allocation reference, and
    // its M2P entry becomes gpfn.
    void (*assign_frame)(uint64_t mfn, DomId to, uint64_t gpfn);
};

// Installs the environment (tests install theirs). Must outlive its use.
void init(const Env& env);
// The hypervisor's environment (arch/x86/pv/grant_map.cpp): installs it on first call,
// does nothing afterwards. Safe to call from any CPU at any time.
void init_arch_env();

// The domain making the request.
struct Caller {
    DomId domid;
    unsigned vcpu;   // the calling vCPU's id (< kMaxVcpus)
    bool privileged; // may act on other domains' tables (Xen's XSM_TARGET default)
};

// --- Whole-table operations --------------------------------------------------------------
// Each returns a GNTST_* status (or, where noted, Xen's errno answer). `dom` may be
// DOMID_SELF unless noted.

// GNTTABOP_setup_table: grows dom's table to nr_frames (never shrinks it) and stores the
// machine frames of its first nr_frames shared frames in mfns[0..nr_frames).
int16_t setup_table(const Caller& c, DomId dom, uint32_t nr_frames, uint64_t* mfns);
// GNTTABOP_query_size.
int16_t query_size(const Caller& c, DomId dom, uint32_t* nr_frames, uint32_t* max_frames);
// GNTTABOP_get_version: 0, -ESRCH (no such domain) or -EPERM; *version 1 or 2.
long get_version(const Caller& c, DomId dom, uint32_t* version);
// GNTTABOP_set_version on the caller's table: 0 (already in force, or switched: the
// reserved entries 0-7 carried over, every other entry cleared), -EINVAL (neither 1 nor
// 2), -EBUSY (an entry past the reserved ones pinned, or a status frame still mapped),
// -EAGAIN / -ERANGE (back to 1 with a sub-page or transitive grant pinned / a reserved
// entry version 1 cannot hold), -ENOSYS (2 for a domain whose max_version is 1: as
// before set_version existed), -ENOMEM. *in_force: the version in force afterwards.
long set_version(const Caller& c, uint32_t version, uint32_t max_version, uint32_t* in_force);
// GNTTABOP_get_status_frames: the machine frames of dom's first nr_frames status frames
// into mfns[0..nr_frames) (at most kMaxStatusFrames); GNTST_general_error for more than
// the table has (a version 1 table has none).
int16_t get_status_frames(const Caller& c, DomId dom, uint32_t nr_frames, uint64_t* mfns);
// XENMEM_acquire_resource of domain dom's grant table (the caller's rights are checked by
// the caller): for id XENMEM_resource_grant_table_id_shared / _status, how many frames the
// resource has for a table limited to max_frames shared frames (0: no such id); and the
// machine frames of frames [frame, frame + nr_frames) into mfns, the table grown to hold
// them: nr_frames, or -EINVAL (past the limit, a status frame of a version 1 table, an
// unknown id, no memory to grow).
uint32_t resource_max_frames(uint32_t id, uint32_t max_frames);
long acquire_frames(DomId dom, uint32_t id, uint32_t frame, uint32_t nr_frames,
                    uint32_t max_frames, uint64_t* mfns);
// GNTTABOP_swap_grant_ref on the caller's own table.
int16_t swap_grant_ref(const Caller& c, uint32_t ref_a, uint32_t ref_b);

// GNTTABOP_transfer (Xen 4.17's gnttab_transfer for a PV caller): the caller's frame mfn
// moves to domain `to`, into its grant `ref`. In Xen's order: GNTST_bad_page for a frame
// that does not exist or cannot be stolen (not the caller's, a hypervisor page, held by
// anything but its allocation); the frame then leaves the caller (its reservation too,
// and its TLBs are flushed), and any later refusal loses it, as in Xen: GNTST_bad_domain
// for no such domain (DOMID_SELF included), GNTST_general_error for a receiver dying or
// at its max_pages, or whose entry `ref` does not exist or is not exactly
// GTF_accept_transfer for the caller. Otherwise the frame is the receiver's, its M2P
// entry the frame number the entry held, which becomes mfn (version 1: frame; version
// 2: full_page.frame), and the entry gains GTF_transfer_committed, then
// GTF_transfer_completed.
int16_t transfer(const Caller& c, uint64_t mfn, DomId to, uint32_t ref);

// GNTTABOP_cache_flush (meant for Arm; x86 answers it too): 0 or a negative errno. The
// frame (by machine address) must be the caller's or mapped by the caller through a grant
// (-EPERM for frames no domain owns, -EINVAL when there is no such grant); CLEAN and
// CLEAN|INVAL write the lines back, INVAL alone is -EOPNOTSUPP (x86). A zero length or op
// does nothing (-EILSEQ if a search was under way: start_ref, the continuation's ref).
long cache_flush(const Caller& c, const xen::gnttab_cache_flush& op, uint32_t start_ref);

// --- Mapping ---------------------------------------------------------------------------

// GNTTABOP_map_grant_ref: fills op.status, and on success op.handle and op.dev_bus_addr.
// op.dom must be a real domain id (Xen refuses DOMID_SELF here: GNTST_bad_domain).
void map_grant_ref(const Caller& c, xen::gnttab_map_grant_ref& op);

// GNTTABOP_unmap_grant_ref / unmap_and_replace, in two halves as Xen does them: begin()
// removes the mappings (host entry, device record) and answers the status; after the
// caller has flushed its TLBs, complete() drops the pins and references (a frame must not
// be released while a stale translation of it may survive).
struct Unmap {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    uint64_t new_addr;
    uint32_t handle;
    int16_t status; // out
    // Between the halves.
    uint16_t done; // GNTMAP_host_map / device_map / readonly of what was removed
    uint32_t ref;
    uint64_t mfn;
    struct Table* table;
    bool handle_freed;
};
void unmap_begin(const Caller& c, Unmap& op);
void unmap_complete(const Caller& c, Unmap& op);
// Flushes the TLBs that may hold d's translations (between the halves above).
void flush_tlb(DomId d);

// --- Copying ---------------------------------------------------------------------------

// GNTTABOP_copy: one element at a time with the source and destination kept pinned from
// one element to the next while they stay the same (as Xen does); release() after the
// batch (and after an element that failed) lets them go.
struct CopyBuf {
    bool claimed;     // frame referenced (and, for a grant, pinned)
    bool domain_held; // `table`/`domid` valid
    bool is_gref;
    bool have_type;      // writable type reference (destination)
    DomId domid;         // as the guest named it (DOMID_SELF kept as such)
    uint64_t key;        // grant ref or gmfn
    struct Table* table; // the named domain's table (also for frame numbers)
    memory::PageInfo* page;
    uint64_t mfn;
    uint16_t offset, length; // the part of the frame the grant allows (v1: all)
};
struct CopyState {
    CopyBuf src, dest;
};
// A GNTST_* status, or kCopyRestart: a transitive grant changed while it was being pinned,
// retry the element (Xen's ERESTART).
inline constexpr int16_t kCopyRestart = 1;
int16_t copy_one(const Caller& c, const xen::gnttab_copy& op, CopyState& st);
void copy_release(CopyState& st); // releases both buffers and the domains

// --- Domains --------------------------------------------------------------------------

// A domain going away (its vCPUs off their CPUs, before its frames are released): its own
// mappings of grants are torn down (pins dropped, GTF flags cleared in the granters'
// entries). Its shared frames, and the frames of its grants others still map, stay the
// domain's, freed with its other frames once nothing references them
// (memory::relinquish_frames). False if it never used grant tables; true if it had
// a table, and then Env::dead_table_freed(domid) follows once, when the table goes (at
// once when nothing maps its grants).
bool domain_destroy(DomId domid);

// --- Inspection (tests, diagnostics) --------------------------------------------------

struct ActiveInfo {
    uint32_t pin;
    DomId domid;
    uint64_t mfn;
};
// The active entry of (dom, ref); false if dom has no table or ref is out of range.
bool active_info(DomId dom, uint32_t ref, ActiveInfo* out);
// How many handles dom's maptrack has in use, and whether dom has a table at all.
unsigned maptrack_in_use(DomId dom);
bool has_table(DomId dom);
// The shared frame i of dom (its mfn), or ~0; the same for its status frame i.
uint64_t shared_frame(DomId dom, unsigned i);
uint64_t status_frame(DomId dom, unsigned i);

} // namespace gnttab
