// The control domain creates domains and populates them until the hypervisor's memory
// runs out (populate_physmap stops short, or createdomain fails), then destroys them
// all: the hypervisor and the other domains go on, and the free memory comes back to
// what it was (Xen 4.17 keeps one page per domain that lived; nothing more may stay).
// hostile: timeout=240
#include "free_memory.h"
#include "hostile.h"
#include "public/domctl.h"
#include "public/memory.h"

namespace {

using namespace xen;

constexpr unsigned kMaxDomains = 48;
constexpr uint64_t kBatch = 512;            // frames per populate_physmap
constexpr uint64_t kPagesPerDomain = 16384; // 64 MiB each, at most

xen_domctl dc;
uint64_t list[kBatch];
domid_t made[kMaxDomains];

long domctl(uint32_t cmd, domid_t dom) {
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return xt::hypercall(HYPERVISOR_domctl, xt::arg(&dc));
}

// Frames for domain d until it has kPagesPerDomain or the hypervisor has no more: the
// number it got.
uint64_t fill(domid_t d) {
    uint64_t got = 0;
    while (got < kPagesPerDomain) {
        for (uint64_t i = 0; i < kBatch; i++)
            list[i] = got + i;
        xen_memory_reservation r{{reinterpret_cast<uint64_t>(list)}, kBatch, 0, 0, d};
        long done = xt::memory_op(XENMEM_populate_physmap, &r);
        if (done < 0 || uint64_t(done) > kBatch)
            xt::report_failure("populate_physmap for d%u: %ld", d, done);
        got += uint64_t(done);
        if (uint64_t(done) < kBatch)
            break;
    }
    return got;
}

} // namespace

void test_main() {
    xt::sleep_ns(1000); // VIRQ_TIMER bound before the first measurement
    const uint64_t free_at_start = xt::settled_free_pages(1000);
    unsigned n = 0;
    bool exhausted = false;
    while (n < kMaxDomains && !exhausted) {
        dc = {};
        dc.u.createdomain.max_vcpus = 1;
        dc.u.createdomain.max_grant_frames = -1;
        dc.u.createdomain.max_maptrack_frames = -1;
        dc.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
        long rc = domctl(XEN_DOMCTL_createdomain, 0);
        if (rc != 0) {
            if (rc != -XEN_ENOMEM)
                xt::report_failure("createdomain %u: %ld (%s)", n, rc, xt::errno_name(rc));
            break; // out of memory for the domain itself
        }
        domid_t d = made[n++] = dc.domain;
        dc = {};
        dc.u.max_vcpus.max = 1;
        XT_CHECK_RC(domctl(XEN_DOMCTL_max_vcpus, d), 0);
        dc = {};
        dc.u.max_mem.max_memkb = kPagesPerDomain * 4;
        XT_CHECK_RC(domctl(XEN_DOMCTL_max_mem, d), 0);
        uint64_t got = fill(d);
        exhausted = got < kPagesPerDomain;
        xt::printf("d%u: %lu frames, %lu free\n", d, got, xt::free_pages());
    }
    if (!exhausted)
        xt::report_failure("memory never ran out with %u domains", n);
    for (unsigned i = 0; i < n; i++) {
        dc = {};
        XT_CHECK_RC(domctl(XEN_DOMCTL_destroydomain, made[i]), 0);
    }
    uint64_t free_now = xt::settled_free_pages(1000);
    for (unsigned tries = 0; free_now + n < free_at_start && tries < 300; tries++) {
        xt::sleep_ns(10'000'000);
        free_now = xt::free_pages();
    }
    xt::printf("%u domains; free pages %lu before, %lu after\n", n, free_at_start, free_now);
    XT_CHECK(free_now + n >= free_at_start);
    hostile::pass();
}
