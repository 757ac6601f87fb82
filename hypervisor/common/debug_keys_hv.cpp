#include "common/debug_keys.h"

#include "common/console.h"
#include "common/domain.h"
#include "common/timer.h"
#include "public/xen.h"

namespace {

void help();

void domains() {
    log_info("'q' pressed -> dumping domain info (now = %lu)", system_time());
    for (Domain* d = domain_next(0); d;
         d = d->domid < xen::DOMID_FIRST_RESERVED - 1 ? domain_next(d->domid + 1) : nullptr) {
        log_info("General information for domain %u:", d->domid);
        log_info("    refcnt=%u dying=%u pause_count=%u", d->refs, static_cast<unsigned>(d->life),
                 d->toolstack_pauses);
        log_info("    nr_pages=%lu max_pages=%lu", d->tot_pages, d->max_pages);
        for (unsigned i = 0; i < d->vcpu_count; i++) {
            const Vcpu* v = d->vcpus[i];
            log_info("    VCPU%u: CPU%u [has=%c] poll=%d upcall_pend=%02x upcall_mask=%02x", v->id,
                     v->processor, v->sched.running ? 'T' : 'F', v->polling,
                     v->vcpu_info->evtchn_upcall_pending, v->vcpu_info->evtchn_upcall_mask);
        }
    }
}

void run_queues() {
    log_info("'r' pressed -> dumping run queues");
    for (Domain* d = domain_next(0); d;
         d = d->domid < xen::DOMID_FIRST_RESERVED - 1 ? domain_next(d->domid + 1) : nullptr)
        for (unsigned i = 0; i < d->vcpu_count; i++) {
            const Vcpu* v = d->vcpus[i];
            log_info("    d%uv%u: cpu %u running %d queued %d blocked %d down %d paused %d",
                     d->domid, v->id, v->processor, v->sched.running, v->sched.unit.queued,
                     v->sched.blocked, v->sched.down, v->sched.pause_count);
        }
}

struct Key {
    char key;
    void (*fn)();
    const char* desc;
};

constexpr Key kKeys[] = {
    {'h', help, "show this message"},
    {'q', domains, "dump domain (and guest debug) info"},
    {'r', run_queues, "dump run queues"},
};

void help() {
    log_info("'h' pressed -> showing installed handlers");
    for (const Key& k : kKeys)
        log_info(" key '%c' (ascii '%02x') => %s", k.key, k.key, k.desc);
}

} // namespace

void debug_key_press(char key) {
    for (const Key& k : kKeys)
        if (k.key == key) {
            k.fn();
            return;
        }
}
