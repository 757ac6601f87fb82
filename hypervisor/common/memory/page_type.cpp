// The PV MMU's page-type state machine and the validation of page-table entries. See
// page_type.h for the model; the rules below are Xen 4.17's for 64-bit PV guests.
#include "common/memory/page_type.h"

#include "arch/pv_pagetable.h"
#include "common/panic.h"
#include "public/errno.h"
#include "public/xen.h"

namespace memory {
namespace {

using namespace arch::pvpt;

constinit PageTableEnv g_env = {};

// A write into a validated table of a domain that may have shadows: the shadow follows.
inline uint64_t shadow_follow(PageInfo* table, unsigned index) {
    if (!shadows_active())
        return 0;
    if (g_env.frame_written)
        g_env.frame_written(table);
    return g_env.shadow_entry ? g_env.shadow_entry(table, index) : 0;
}
inline void frame_written(PageInfo* pg) {
    if (shadows_active() && g_env.frame_written)
        g_env.frame_written(pg);
}

constexpr DomId kDomIdIo = xen::DOMID_IO;

// --- Atomics on the frame's words ---------------------------------------------------------

inline uint64_t load(const uint64_t* p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
inline void store(uint64_t* p, uint64_t v) {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
// On failure `expected` is refreshed with the current value.
inline bool cas(uint64_t* p, uint64_t& expected, uint64_t desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}
inline void cpu_relax() {
    __builtin_ia32_pause();
}

inline PageInfo* frame(uint64_t mfn) {
    return g_env.frames->valid(mfn) ? g_env.frames->page(mfn) : nullptr;
}
inline uint64_t entry_mfn(uint64_t e) {
    return (e & kAddrMask) >> 12;
}
inline bool is_table(PageType t) {
    return t >= PageType::l1 && t <= PageType::l4;
}
inline bool same_type(uint64_t a, uint64_t b) {
    return ((a ^ b) & kTypeMask) == 0;
}

void flush_for(DomId owner) {
    if (g_env.flush_tlbs)
        g_env.flush_tlbs(owner);
}

// --- Linear page-table counts -------------------------------------------------------------
// A table may hold read-only entries pointing at tables of its own level ("linear" page
// tables, which let a guest see its tables through its address space). Xen allows them
// with two counts kept in one signed number per frame: a table either holds such entries
// (> 0) or is pointed at by them (< 0), never both, which bounds the chains a
// devalidation can follow.

int16_t linear_of(uint64_t ti) {
    return static_cast<int16_t>((ti & kTypeLinearMask) >> kTypeLinearShift);
}
uint64_t with_linear(uint64_t ti, int v) {
    return (ti & ~kTypeLinearMask) |
           (static_cast<uint64_t>(static_cast<uint16_t>(v)) << kTypeLinearShift);
}

bool inc_linear_entries(PageInfo* pg) {
    uint64_t x = load(&pg->type_info);
    for (;;) {
        int nc = linear_of(x) + 1;
        if (nc <= 0 || nc > INT16_MAX)
            return false;
        if (cas(&pg->type_info, x, with_linear(x, nc)))
            return true;
    }
}
void dec_linear_entries(PageInfo* pg) {
    uint64_t x = load(&pg->type_info);
    for (;;) {
        ASSERT(linear_of(x) > 0);
        if (cas(&pg->type_info, x, with_linear(x, linear_of(x) - 1)))
            return;
    }
}
bool inc_linear_uses(PageInfo* pg) {
    uint64_t x = load(&pg->type_info);
    for (;;) {
        int nc = linear_of(x) - 1;
        if (nc >= 0 || nc < INT16_MIN)
            return false;
        if (cas(&pg->type_info, x, with_linear(x, nc)))
            return true;
    }
}
void dec_linear_uses(PageInfo* pg) {
    uint64_t x = load(&pg->type_info);
    for (;;) {
        ASSERT(linear_of(x) < 0);
        if (cas(&pg->type_info, x, with_linear(x, linear_of(x) + 1)))
            return;
    }
}

// --- Entry rules ------------------------------------------------------------------------

uint64_t nx_flag() {
    return g_env.nx ? kNx : 0;
}

// Whether present L1 entry e of domain d has flags refused to d. Cache attributes are
// d's only with I/O rights, asked about only when e carries them (a domain lookup).
bool l1_disallowed(uint64_t e, DomId d) {
    uint64_t bad = e & ~(kGuestFlags | nx_flag() | kGlobal | kAddrMask);
    if (bad && !(bad & ~kCacheAttrs) && g_env.io_capable && g_env.io_capable(d))
        bad = 0;
    return bad != 0;
}
// Flags refused in a present L2, L3 or L4 entry (no superpages for PV guests).
uint64_t upper_disallowed() {
    return ~(kGuestFlags | nx_flag() | kAddrMask);
}

// Whether an entry changed in anything that the references or safety depend on.
bool entry_changed(uint64_t oe, uint64_t ne) {
    return ((oe ^ ne) & ~kFastPathFlags) != 0;
}

// What Xen stores for a 64-bit PV guest: every present mapping is user-accessible (the
// guest kernel runs in ring 3); kernel pages carry kGuestKernel, user pages kGlobal.
uint64_t adjust_l1e(uint64_t e) {
    if (!(e & kPresent))
        return e;
    if (!(e & kUser))
        e |= kGuestKernel | kUser;
    if (!(e & kGuestKernel))
        e |= kGlobal | kUser;
    return e;
}
uint64_t adjust_upper(uint64_t e, unsigned level) {
    if (!(e & kPresent))
        return e;
    return e | kUser | (level == 4 ? kAccessed : 0);
}

PageType table_type(unsigned level) {
    return static_cast<PageType>(static_cast<unsigned>(PageType::l1) + level - 1);
}
unsigned level_of(PageType t) {
    return static_cast<unsigned>(t) - static_cast<unsigned>(PageType::l1) + 1;
}

// Writes a page-table entry the CPU may be setting A/D bits in at the same time.
void write_entry(uint64_t* p, uint64_t old, uint64_t val, EntryWrite how) {
    if (how == EntryWrite::normal) {
        store(p, val);
        return;
    }
    for (;;) {
        uint64_t want = val | (old & (kAccessed | kDirty));
        uint64_t seen = old;
        if (cas(p, seen, want))
            return;
        // Only the CPU may have changed the entry meanwhile, and only its A/D bits.
        ASSERT(((seen ^ old) & ~(kAccessed | kDirty)) == 0);
        old = seen;
    }
}

int put_type(PageInfo* pg, PageInfo* ptpg);

// --- L1 entries -----------------------------------------------------------------------------

// Xen's get_page_from_l1e: takes the references a present L1 entry needs. Returns < 0 on
// refusal, else the flags to flip in the entry (cache attributes forced for I/O frames).
int get_page_from_l1e(uint64_t e, DomId l1e_owner, DomId pg_owner) {
    if (l1_disallowed(e, l1e_owner))
        return -xen::XEN_EINVAL;
    uint64_t mfn = entry_mfn(e);
    PageInfo* pg = frame(mfn);
    bool referenced = false;
    if (pg) {
        // Xen's page_get_owner_and_reference: any owner, as long as the frame is in use.
        uint64_t x = load(&pg->count_info);
        for (;;) {
            if (((x + 2) & kCountMask) <= 2)
                break;
            if (cas(&pg->count_info, x, x + 1)) {
                referenced = true;
                break;
            }
        }
    }
    DomId real_owner = referenced ? pg->owner : kDomIdInvalid;
    if (!pg || real_owner == kDomIdIo) {
        // I/O memory: no references, but the right to map it.
        if (referenced)
            put_page(pg);
        if (pg_owner == kDomIdIo)
            pg_owner = l1e_owner; // DOMID_IO stands for the caller here
        bool ok = g_env.iomem_permitted && g_env.iomem_permitted(pg_owner, mfn);
        if (ok && pg_owner != l1e_owner)
            ok = g_env.iomem_permitted(l1e_owner, mfn);
        if (!ok)
            return mfn == kInvalidFrameField ? -xen::XEN_EINVAL : -xen::XEN_EPERM;
        // Not cacheable unless asked for: WB becomes UC, WT and WP become UC too.
        uint64_t attrs = e & kCacheAttrs;
        if (attrs == 0)
            return static_cast<int>(kPwt | kPcd);
        if (attrs == kPwt || attrs == (kPwt | kPat))
            return static_cast<int>(kPcd | (e & kPat));
        return 0;
    }
    if (!referenced)
        return -xen::XEN_EBUSY; // a free frame
    if (real_owner == kDomIdXen) {
        // xenon's own frames (Xen's are ownerless): never a guest's, whoever is named.
        put_page(pg);
        return -xen::XEN_EBUSY;
    }
    if (real_owner != pg_owner) {
        // Only a privileged domain named as the owner may map someone else's frame.
        if (pg_owner == l1e_owner || !g_env.privileged || !g_env.privileged(pg_owner)) {
            put_page(pg);
            return -xen::XEN_EBUSY;
        }
    }
    bool write = e & kRw;
    if (write && get_page_type(pg, PageType::writable) != 0) {
        put_page(pg);
        return -xen::XEN_EBUSY;
    }
    if ((e & kCacheAttrs) && (pg->count_info & kCountXenHeap)) {
        // Hypervisor pages shared with a guest stay write-back.
        if (write)
            put_page_type(pg);
        put_page(pg);
        return -xen::XEN_EACCES;
    }
    return 0;
}

void put_page_from_l1e(uint64_t e) {
    if (!(e & kPresent))
        return;
    PageInfo* pg = frame(entry_mfn(e));
    if (!pg || pg->owner == kDomIdIo)
        return; // I/O memory holds no references
    if (e & kRw)
        put_page_type(pg);
    put_page(pg);
}

// --- L2..L4 entries -----------------------------------------------------------------------

// A read-only entry pointing at a table of its own level (Xen's get_lN_linear_pagetable).
bool get_linear(uint64_t e, uint64_t table_mfn, PageInfo* table, unsigned level, DomId d) {
    if (e & kRw)
        return false; // the guest would get write access to its own tables
    uint64_t mfn = entry_mfn(e);
    if (mfn == table_mfn)
        return true; // a table mapping itself holds no references
    if (table->owner != d)
        return false;
    PageInfo* pg = get_page_from_mfn(mfn, d);
    if (!pg)
        return false;
    if (!inc_linear_entries(table)) {
        put_page(pg);
        return false;
    }
    if (!inc_linear_uses(pg)) {
        dec_linear_entries(table);
        put_page(pg);
        return false;
    }
    uint64_t want = type_bits(table_type(level)) | kTypeValidated;
    uint64_t x = load(&pg->type_info);
    for (;;) {
        // Only a table already validated at this level: waiting for a validation in
        // progress could wait for ourselves.
        if ((x & kTypeCountMask) == kTypeCountMask || (x & (kTypeMask | kTypeValidated)) != want) {
            dec_linear_uses(pg);
            dec_linear_entries(table);
            put_page(pg);
            return false;
        }
        if (cas(&pg->type_info, x, x + 1))
            return true;
    }
}

int get_page_from_upper(uint64_t e, uint64_t table_mfn, PageInfo* table, unsigned level, DomId d) {
    if (e & upper_disallowed())
        return -xen::XEN_EINVAL;
    int rc = get_page_and_type(entry_mfn(e), d, table_type(level - 1));
    if (rc == -xen::XEN_EINVAL && get_linear(e, table_mfn, table, level, d))
        rc = 0;
    return rc;
}

void put_page_from_upper(uint64_t e, uint64_t table_mfn, PageInfo* table) {
    if (!(e & kPresent) || entry_mfn(e) == table_mfn)
        return;
    PageInfo* pg = frame(entry_mfn(e));
    ASSERT(pg != nullptr);
    put_type(pg, table);
    put_page(pg);
}

// --- Validation ---------------------------------------------------------------------------

int promote_l1(PageInfo* pg, uint64_t mfn) {
    DomId d = pg->owner;
    uint64_t* t = g_env.map(mfn);
    for (unsigned i = 0; i < kEntries; i++) {
        uint64_t e = load(&t[i]);
        if (!(e & kPresent))
            continue;
        int rc = get_page_from_l1e(e, d, d);
        if (rc < 0) {
            while (i-- > 0)
                put_page_from_l1e(load(&t[i]));
            return rc;
        }
        store(&t[i], adjust_l1e(e ^ static_cast<uint64_t>(rc)));
    }
    return 0;
}

void demote_l1(uint64_t mfn) {
    uint64_t* t = g_env.map(mfn);
    for (unsigned i = 0; i < kEntries; i++)
        put_page_from_l1e(load(&t[i]));
}

bool guest_slot(unsigned level, unsigned i) {
    return level != 4 || is_guest_l4_slot(i);
}

int promote_upper(PageInfo* pg, uint64_t mfn, unsigned level) {
    DomId d = pg->owner;
    uint64_t* t = g_env.map(mfn);
    for (unsigned i = 0; i < kEntries; i++) {
        if (!guest_slot(level, i))
            continue;
        uint64_t e = load(&t[i]);
        if (!(e & kPresent))
            continue;
        int rc = get_page_from_upper(e, mfn, pg, level, d);
        if (rc < 0) {
            while (i-- > 0)
                if (guest_slot(level, i))
                    put_page_from_upper(load(&t[i]), mfn, pg);
            return rc;
        }
        store(&t[i], adjust_upper(e, level));
    }
    if (level == 4 && g_env.install_xen_slots)
        g_env.install_xen_slots(t, mfn);
    return 0;
}

void demote_upper(PageInfo* pg, uint64_t mfn, unsigned level) {
    uint64_t* t = g_env.map(mfn);
    for (unsigned i = kEntries; i-- > 0;)
        if (guest_slot(level, i))
            put_page_from_upper(load(&t[i]), mfn, pg);
}

int validate(PageInfo* pg, PageType type) {
    uint64_t mfn = g_env.frames->mfn(pg);
    switch (type) {
    case PageType::l1:
        return promote_l1(pg, mfn);
    case PageType::l2:
    case PageType::l3:
    case PageType::l4:
        return promote_upper(pg, mfn, level_of(type));
    case PageType::segdesc:
        return g_env.segdesc_ok && g_env.segdesc_ok(g_env.map(mfn)) ? 0 : -xen::XEN_EINVAL;
    default:
        panic("page_type: validating mfn %#lx as type %u", mfn, unsigned(type));
    }
}

void devalidate(PageInfo* pg, PageType type) {
    uint64_t mfn = g_env.frames->mfn(pg);
    // The shadow goes first: it may point at the shadows of the tables let go below.
    if (is_table(type) && shadows_active() && g_env.shadow_devalidate)
        g_env.shadow_devalidate(pg, type);
    if (type == PageType::l1)
        demote_l1(mfn);
    else if (is_table(type))
        demote_upper(pg, mfn, level_of(type));
}

// Drops one type reference. ptpg is the table whose entry held it (nullptr for pins,
// base pointers and writable mappings): an entry of the same level was a linear one.
int put_type(PageInfo* pg, PageInfo* ptpg) {
    uint64_t x = load(&pg->type_info);
    for (;;) {
        ASSERT((x & kTypeCountMask) != 0);
        // Only a dead domain's table may be in use unvalidated (force_devalidate).
        ASSERT((x & kTypeValidated) || is_table(type_of(x)));
        uint64_t nx = x - 1;
        uint64_t rest = nx & (kTypeLocked | kTypeCountMask);
        if (rest == (kTypeLocked | 1)) {
            // Only the lock's own reference would be left: the holder must finish first,
            // since unlocking does no clean-up.
            cpu_relax();
            x = load(&pg->type_info);
            continue;
        }
        ASSERT(rest != kTypeLocked);
        if (rest == 0 && is_table(type_of(x)) && (x & kTypeValidated)) {
            // The last reference to a page table: clear `validated` (keeping the count at
            // 1, so others wait or fail), drop what the entries held, then the count.
            if (!cas(&pg->type_info, x, x & ~kTypeValidated))
                continue;
            devalidate(pg, type_of(x));
            if (ptpg && same_type(x, load(&ptpg->type_info))) {
                dec_linear_uses(pg);
                dec_linear_entries(ptpg);
            }
            __atomic_fetch_sub(&pg->type_info, 1, __ATOMIC_ACQ_REL);
            return 0;
        }
        if (cas(&pg->type_info, x, nx)) {
            if (ptpg && same_type(x, load(&ptpg->type_info))) {
                dec_linear_uses(pg);
                dec_linear_entries(ptpg);
            }
            return 0;
        }
    }
}

// --- Entry locks ----------------------------------------------------------------------------

// Locks a frame with a validated type for an entry update (and takes a type reference
// while locked). False if the frame has no validated type in use.
bool page_lock(PageInfo* pg) {
    uint64_t x, nx;
    do {
        while ((x = load(&pg->type_info)) & kTypeLocked)
            cpu_relax();
        nx = x + (1 | kTypeLocked);
        if (!(x & kTypeValidated) || !(x & kTypeCountMask) || !(nx & kTypeCountMask))
            return false;
    } while (!cas(&pg->type_info, x, nx));
    return true;
}

void page_unlock(PageInfo* pg) {
    uint64_t x = load(&pg->type_info);
    while (!cas(&pg->type_info, x, x - (1 | kTypeLocked)))
        ;
}

// Xen's mod_l1_entry, on a locked L1 frame (entry `index` of table).
int mod_l1_entry(PageInfo* table, uint64_t* p, unsigned index, uint64_t nl1e, EntryWrite how,
                 DomId pt_owner, DomId pg_owner) {
    uint64_t ol1e = load(p);
    if (nl1e & kPresent) {
        if (l1_disallowed(nl1e, pt_owner))
            return -xen::XEN_EINVAL;
        nl1e = adjust_l1e(nl1e);
        if (!entry_changed(ol1e, nl1e)) {
            write_entry(p, ol1e, nl1e, how); // same frame and rights: nothing to count
            shadow_follow(table, index);
            return 0;
        }
        int rc = get_page_from_l1e(nl1e, pt_owner, pg_owner);
        if (rc < 0)
            return rc;
        nl1e ^= static_cast<uint64_t>(rc);
    }
    write_entry(p, ol1e, nl1e, how);
    shadow_follow(table, index); // before the old frame's references may go
    put_page_from_l1e(ol1e);
    return 0;
}

// Xen's ptwr_emulated_update, on a locked L1 frame: compare-and-swap, since only the
// CPU's Accessed/Dirty updates may race with it.
int emulated_l1_write(PageInfo* table, uint64_t* p, unsigned index, DomId d, L1WriteFn compute,
                      void* ctx) {
    for (;;) {
        uint64_t ol1e = load(p), nl1e;
        if (!compute(ctx, ol1e, &nl1e))
            return 0;
        if (nl1e & kPresent) {
            int rc = get_page_from_l1e(nl1e, d, d);
            if (rc < 0)
                return rc;
            nl1e ^= static_cast<uint64_t>(rc);
        }
        nl1e = adjust_l1e(nl1e);
        if (cas(p, ol1e, nl1e)) {
            shadow_follow(table, index);
            put_page_from_l1e(ol1e);
            return 0;
        }
        put_page_from_l1e(nl1e);
    }
}

// Xen's mod_l2_entry .. mod_l4_entry, on a locked table.
int mod_upper_entry(PageInfo* table, uint64_t mfn, unsigned index, uint64_t ne, unsigned level,
                    EntryWrite how, DomId d) {
    if (!guest_slot(level, index))
        return -xen::XEN_EINVAL; // the hypervisor's slots
    uint64_t* p = g_env.map(mfn) + index;
    uint64_t oe = load(p);
    if (ne & kPresent) {
        if (ne & upper_disallowed())
            return -xen::XEN_EINVAL;
        ne = adjust_upper(ne, level);
        if (!entry_changed(oe, ne)) {
            write_entry(p, oe, ne, how);
            shadow_follow(table, index);
            return 0;
        }
        int rc = get_page_from_upper(ne, mfn, table, level, d);
        if (rc < 0)
            return rc;
    }
    write_entry(p, oe, ne, how);
    shadow_follow(table, index); // before the old table may devalidate (and its shadow go)
    put_page_from_upper(oe, mfn, table);
    return 0;
}

} // namespace

uint32_t g_shadow_domains = 0;

void page_type_init(const PageTableEnv& env) {
    g_env = env;
}
const PageTableEnv& page_type_env() {
    return g_env;
}

bool get_page(PageInfo* pg, DomId owner) {
    uint64_t x = load(&pg->count_info);
    for (;;) {
        // Not allocated (0), or would overflow (keeping the top value free as Xen does).
        if (((x + 2) & kCountMask) <= 2)
            return false;
        if (cas(&pg->count_info, x, x + 1))
            break;
    }
    if (pg->owner == owner)
        return true;
    put_page(pg);
    return false;
}

void put_page(PageInfo* pg) {
    uint64_t nx = __atomic_sub_fetch(&pg->count_info, 1, __ATOMIC_ACQ_REL);
    if ((nx & kCountMask) == kCountMask)
        panic("page_type: reference count underflow on mfn %#lx", g_env.frames->mfn(pg));
    if ((nx & kCountMask) == 0 && g_env.released)
        g_env.released(pg);
}

PageInfo* get_page_from_mfn(uint64_t mfn, DomId owner) {
    if (owner == kDomIdXen)
        return nullptr; // xenon's own frames are no guest's business
    PageInfo* pg = frame(mfn);
    return pg && get_page(pg, owner) ? pg : nullptr;
}

int get_page_type(PageInfo* pg, PageType type) {
    uint64_t t = type_bits(type);
    uint64_t x = load(&pg->type_info), nx;
    for (;;) {
        nx = x + 1;
        if ((nx & kTypeCountMask) == 0)
            return -xen::XEN_EINVAL; // type count overflow
        if ((x & kTypeCountMask) == 0) {
            // 0 -> 1: the type may change, and a new type must be validated again.
            if ((x & kTypeMask) != t)
                nx = (nx & ~(kTypeMask | kTypeValidated)) | t;
        } else if ((x & kTypeMask) != t) {
            return -xen::XEN_EINVAL; // in use as something else
        } else if (!(x & kTypeValidated)) {
            // Another CPU is validating (or devalidating) it: wait for the outcome.
            uint64_t seen = x;
            while ((x = load(&pg->type_info)) == seen)
                cpu_relax();
            continue;
        }
        if (cas(&pg->type_info, x, nx))
            break;
    }
    if (nx & kTypeValidated)
        return 0;

    // We took the 0 -> 1 reference of an unvalidated type: validating is ours to do, and
    // everyone else waits until kTypeValidated is set or the type is reset.
    if ((x & kTypeMask) != t && type_of(x) != PageType::none)
        flush_for(pg->owner); // no stale translation may survive a type change
    if (type == PageType::writable) {
        __atomic_fetch_or(&pg->type_info, kTypeValidated, __ATOMIC_ACQ_REL);
        return 0;
    }
    int rc = validate(pg, type);
    if (rc == 0) {
        if (shadows_active() && g_env.shadow_validated && is_table(type))
            g_env.shadow_validated(pg, type);
        __atomic_fetch_or(&pg->type_info, kTypeValidated, __ATOMIC_ACQ_REL);
    } else {
        // Back to no type and no references (the linear count is others' to undo).
        __atomic_fetch_and(&pg->type_info,
                           ~(kTypeMask | kTypeValidated | kTypePartial | kTypeCountMask),
                           __ATOMIC_ACQ_REL);
    }
    return rc;
}

void put_page_type(PageInfo* pg) {
    put_type(pg, nullptr);
}

int get_page_and_type(uint64_t mfn, DomId owner, PageType type) {
    PageInfo* pg = get_page_from_mfn(mfn, owner);
    if (!pg)
        return -xen::XEN_EINVAL;
    int rc = get_page_type(pg, type);
    if (rc)
        put_page(pg);
    return rc;
}

void put_page_and_type(PageInfo* pg) {
    put_page_type(pg);
    put_page(pg);
}

int pin_table(uint64_t mfn, DomId owner, PageType type) {
    ASSERT(is_table(type));
    PageInfo* pg = get_page_from_mfn(mfn, owner);
    if (!pg)
        return -xen::XEN_EINVAL;
    int rc = get_page_type(pg, type);
    if (rc) {
        put_page(pg);
        return rc;
    }
    if (__atomic_fetch_or(&pg->type_info, kTypePinned, __ATOMIC_ACQ_REL) & kTypePinned) {
        put_page_and_type(pg); // already pinned
        return -xen::XEN_EINVAL;
    }
    return 0;
}

int unpin_table(uint64_t mfn, DomId owner) {
    PageInfo* pg = get_page_from_mfn(mfn, owner);
    if (!pg)
        return -xen::XEN_EINVAL;
    if (!(__atomic_fetch_and(&pg->type_info, ~kTypePinned, __ATOMIC_ACQ_REL) & kTypePinned)) {
        put_page(pg);
        return -xen::XEN_EINVAL;
    }
    put_page_and_type(pg); // the pin's references
    put_page(pg);
    return 0;
}

int update_entry(uint64_t mfn, unsigned index, uint64_t val, EntryWrite how, DomId pt_owner,
                 DomId pg_owner, bool* flush_all) {
    ASSERT(index < kEntries);
    PageInfo* pg = get_page_from_mfn(mfn, pt_owner);
    if (!pg)
        return -xen::XEN_EINVAL;
    int rc = -xen::XEN_EINVAL;
    uint64_t* p = g_env.map(mfn) + index;
    if (page_lock(pg)) {
        PageType type = type_of(load(&pg->type_info));
        switch (type) {
        case PageType::l1:
            rc = mod_l1_entry(pg, p, index, val, how, pt_owner, pg_owner);
            break;
        case PageType::l2:
        case PageType::l3:
        case PageType::l4:
            if (pg_owner != pt_owner)
                break; // only L1 entries may map another domain's frames
            rc = mod_upper_entry(pg, mfn, index, val, level_of(type), how, pt_owner);
            if (rc == 0 && flush_all)
                *flush_all = true;
            break;
        case PageType::writable:
            store(p, val);
            frame_written(pg);
            rc = 0;
            break;
        default:
            break; // descriptor pages are changed through their own hypercalls
        }
        page_unlock(pg);
    } else if (get_page_type(pg, PageType::writable) == 0) {
        store(p, val); // an ordinary frame: a plain write
        frame_written(pg);
        put_page_type(pg);
        rc = 0;
    }
    put_page(pg);
    return rc;
}

namespace {

// Runs op on the entries of frame l1_mfn, an L1 table of d, under the table's entry lock;
// -EINVAL (op not run) if the frame is not d's or not an L1 table.
template <typename Op> int with_locked_l1(uint64_t l1_mfn, DomId d, Op op) {
    PageInfo* pg = get_page_from_mfn(l1_mfn, d);
    if (!pg)
        return -xen::XEN_EINVAL;
    int rc = -xen::XEN_EINVAL;
    if (page_lock(pg)) {
        if (type_of(load(&pg->type_info)) == PageType::l1)
            rc = op(pg, g_env.map(l1_mfn));
        page_unlock(pg);
    }
    put_page(pg);
    return rc;
}

} // namespace

int update_l1_entry(uint64_t l1_mfn, unsigned index, uint64_t val, DomId d, DomId pg_owner) {
    ASSERT(index < kEntries);
    return with_locked_l1(l1_mfn, d, [&](PageInfo* pg, uint64_t* entries) {
        return mod_l1_entry(pg, entries + index, index, val, EntryWrite::normal, d, pg_owner);
    });
}

int emulate_l1_write(uint64_t l1_mfn, unsigned index, DomId d, L1WriteFn compute, void* ctx) {
    ASSERT(index < kEntries);
    return with_locked_l1(l1_mfn, d, [&](PageInfo* pg, uint64_t* entries) {
        return emulated_l1_write(pg, entries + index, index, d, compute, ctx);
    });
}

int shadow_access_l1(uint64_t l1_mfn, unsigned index, DomId d, bool write, bool* changed,
                     uint64_t* shadow_after) {
    ASSERT(index < kEntries);
    return with_locked_l1(l1_mfn, d, [&](PageInfo* pg, uint64_t* entries) {
        uint64_t* p = entries + index;
        uint64_t e = load(p);
        if (!(e & kPresent) || (write && !(e & kRw)))
            return -xen::XEN_EINVAL;
        uint64_t want = e | kAccessed | (write ? kDirty : 0);
        *changed = want != e;
        if (*changed)
            store(p, want); // nothing else writes the entry while it is locked
        *shadow_after = shadow_follow(pg, index);
        return 0;
    });
}

// Hook for grant-table mappings (see page_type.h).
int exchange_l1_entry(uint64_t l1_mfn, unsigned index, uint64_t val, DomId d, uint64_t expect,
                      uint64_t expect_mask, uint64_t* old) {
    ASSERT(index < kEntries);
    return with_locked_l1(l1_mfn, d, [&](PageInfo* pg, uint64_t* entries) {
        uint64_t* p = entries + index;
        uint64_t oe = load(p);
        if (expect_mask && ((oe ^ expect) & expect_mask) != 0)
            return -xen::XEN_EINVAL;
        write_entry(p, oe, adjust_l1e(val), EntryWrite::normal);
        shadow_follow(pg, index);
        *old = oe;
        return 0;
    });
}

void put_l1e_references(uint64_t e) {
    put_page_from_l1e(e);
}

void drop_pin(PageInfo* pg) {
    if (__atomic_fetch_and(&pg->type_info, ~kTypePinned, __ATOMIC_ACQ_REL) & kTypePinned)
        put_page_and_type(pg);
}

void force_devalidate(PageInfo* pg, PageType type) {
    ASSERT(is_table(type));
    uint64_t x = load(&pg->type_info);
    for (;;) {
        if (type_of(x) != type || !(x & kTypeValidated) || !(x & kTypeCountMask))
            return;
        if (x & kTypeLocked) {
            cpu_relax(); // an entry update still running: let it finish first
            x = load(&pg->type_info);
            continue;
        }
        if (cas(&pg->type_info, x, x & ~kTypeValidated))
            break;
    }
    devalidate(pg, type);
}

void share_xen_page_with_guest(PageInfo* pg, DomId d, bool readonly) {
    if (pg->owner == d)
        return;
    store(&pg->type_info,
          type_bits(readonly ? PageType::none : PageType::writable) | kTypeValidated | 1);
    pg->owner = d;
    __atomic_fetch_or(&pg->count_info, kCountXenHeap | kCountAllocated | 1, __ATOMIC_ACQ_REL);
}

bool unshare_xen_page(PageInfo* pg, DomId d) {
    uint64_t share = kCountXenHeap | kCountAllocated | 1;
    if (pg->owner != d || !__atomic_compare_exchange_n(&pg->count_info, &share, 0, false,
                                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return false; // mapped, typed or granted: a reference beyond the share's
    // No new reference can be taken now (the count is 0), and none holds a type.
    store(&pg->type_info, 0);
    pg->owner = kDomIdXen;
    return true;
}

} // namespace memory
