// The maptrack of a mapping domain: one record per grant mapping, indexed by the handle
// the guest gets back, handed out from per-vCPU free lists exactly as Xen hands them out.
#include "common/grant_table/table.h"

namespace gnttab {
namespace {

// A handle from v's free list, always leaving one record on it (maptrack_lock held).
uint32_t take_handle(Table& t, unsigned v) {
    uint32_t head = t.head[v];
    if (head == kMaptrackTail)
        return kInvalidHandle;
    uint32_t next = mapping_of(t, head).ref;
    if (next == kMaptrackTail)
        return kInvalidHandle;
    t.head[v] = next;
    return head;
}

uint32_t steal_handle(Table& t, unsigned cur) {
    for (unsigned i = 1; i <= kMaxVcpus; i++) {
        unsigned v = (cur + i) % kMaxVcpus;
        uint32_t h = take_handle(t, v);
        if (h != kInvalidHandle) {
            mapping_of(t, h).vcpu = cur;
            return h;
        }
    }
    return kInvalidHandle;
}

} // namespace

// Xen's get_maptrack_handle: the calling vCPU's next free handle; a new maptrack frame
// when its list runs dry (while there is room), else one taken from another vCPU.
uint32_t get_handle(Table& t, unsigned v) {
    lib::LockGuard guard(t.maptrack_lock);
    uint32_t h = take_handle(t, v);
    if (h != kInvalidHandle)
        return h;
    Mapping* frame = nullptr;
    if (t.maptrack_limit / kMaptrackPerFrame < kMaxMaptrackFrames)
        frame = static_cast<Mapping*>(g_env.zalloc(sizeof(Mapping) * kMaptrackPerFrame));
    if (!frame) {
        if (t.tail[v] == kMaptrackTail) {
            // No list yet: a stolen record becomes its tail.
            h = steal_handle(t, v);
            if (h == kInvalidHandle)
                return h;
            mapping_of(t, h).ref = kMaptrackTail;
            t.tail[v] = h;
            if (t.head[v] == kMaptrackTail)
                t.head[v] = h;
        }
        return steal_handle(t, v);
    }
    h = t.maptrack_limit;
    for (unsigned i = 0; i < kMaptrackPerFrame; i++) {
        frame[i].ref = h + i + 1;
        frame[i].vcpu = v;
    }
    if (t.tail[v] == kMaptrackTail)
        t.tail[v] = h + kMaptrackPerFrame - 1;
    t.maptrack[h / kMaptrackPerFrame] = frame;
    __atomic_store_n(&t.maptrack_limit, h + kMaptrackPerFrame, __ATOMIC_RELEASE);
    // The first record is the answer; the others go to the head of the list.
    frame[kMaptrackPerFrame - 1].ref = t.head[v];
    t.head[v] = h + 1;
    return h;
}

void put_handle(Table& t, uint32_t h) {
    lib::LockGuard guard(t.maptrack_lock);
    Mapping& m = mapping_of(t, h);
    m.ref = kMaptrackTail;
    unsigned v = m.vcpu;
    uint32_t tail = t.tail[v];
    t.tail[v] = h;
    mapping_of(t, tail).ref = h;
}

} // namespace gnttab
