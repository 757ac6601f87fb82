// GNTTABOP_transfer: a frame of the caller moves to another domain, into a grant entry
// that domain made out to accept it (grant_table.h has the answers and their order).
#include "common/grant_table/table.h"

#include "public/xen.h"

namespace gnttab {
namespace {

bool exists(DomId d) {
    if (d >= xen::DOMID_FIRST_RESERVED)
        return false; // DOMID_SELF and the other reserved ids name no domain here
    return g_env.domain_exists ? g_env.domain_exists(d) : g_env.domain_live(d);
}

// Into entry `ref` of to's table, if it accepts a frame from `from`: the frame becomes
// to's there and then. False: refused, the frame still nobody's.
bool deliver(DomId to, uint32_t ref, DomId from, uint64_t mfn) {
    // A domain that never used its grant table has no entry that could accept anything.
    TableRef t(find_table(to));
    if (!t)
        return false;
    lib::LockGuard guard(t->lock);
    if (t->dead || ref >= nr_entries(*t.get()) || !commit_transfer(*t.get(), ref, from))
        return false;
    g_env.assign_frame(mfn, to, transfer_target(*t.get(), ref));
    complete_transfer(*t.get(), ref, mfn);
    return true;
}

} // namespace

int16_t transfer(const Caller& c, uint64_t mfn, DomId to, uint32_t ref) {
    if (!g_env.frames->valid(mfn))
        return xen::GNTST_bad_page;
    if (g_env.steal_frame(mfn, c.domid) != 0)
        return xen::GNTST_bad_page;
    // No translation the caller may still hold reaches the frame once it is someone else's.
    g_env.flush_tlb(c.domid);
    int16_t status = xen::GNTST_okay;
    if (!exists(to))
        status = xen::GNTST_bad_domain;
    else if (g_env.charge_frame(to) != 0)
        status = xen::GNTST_general_error;
    else if (!deliver(to, ref, c.domid, mfn)) {
        g_env.uncharge_frame(to);
        status = xen::GNTST_general_error;
    }
    if (status != xen::GNTST_okay)
        g_env.free_stolen_frame(mfn); // lost to the caller, as in Xen
    return status;
}

} // namespace gnttab
