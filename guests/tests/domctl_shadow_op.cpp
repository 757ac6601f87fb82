// XEN_DOMCTL_shadow_op on a PV domain dom0 created (createdomain), with Xen 4.17's answers:
//   - on dom0 itself, and on a domain without vCPUs yet: -EINVAL;
//   - CLEAN/PEEK with a mode bit other than LOGDIRTY_FINAL, an unknown op, ENABLE_TEST,
//     ENABLE without the LOG_DIRTY flag: -EINVAL;
//   - PEEK and CLEAN while log-dirty is off: 0, the bitmap all zeros (bytes past `pages`
//     untouched), `pages` as asked, stats 0; into xenon's range: -EFAULT.
//   - ENABLE_LOGDIRTY of a PV domain: Debian's Xen 4.17 is built without shadow paging,
//     so -EOPNOTSUPP, and then OFF and GET_ALLOCATION are -EINVAL (no shadow code behind
//     them); xenon tracks PV guests' dirty pages (docs/migration.md), so 0, a second
//     ENABLE -EINVAL, OFF 0, GET_ALLOCATION 0. The test accepts exactly these two worlds
//     and says which it saw.
#include "public/domctl.h"
#include "runtime.h"

namespace {

using namespace xen;

xen_domctl dc;
alignas(4096) uint8_t bitmap[4096];

long domctl(uint32_t cmd, domid_t dom) {
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return xt::hypercall(HYPERVISOR_domctl, xt::arg(&dc));
}

long shadow(domid_t dom, uint32_t op, uint64_t bm = 0, uint64_t pages = 0, uint32_t mode = 0) {
    dc = {};
    dc.u.shadow_op.op = op;
    dc.u.shadow_op.mode = mode;
    dc.u.shadow_op.dirty_bitmap.p = bm;
    dc.u.shadow_op.pages = pages;
    return domctl(XEN_DOMCTL_shadow_op, dom);
}

// PEEK or CLEAN of 1000 frames while log-dirty is off: 125 zero bytes, the rest as it was.
void zeros(domid_t d, uint32_t op) {
    memset(bitmap, 0x5a, sizeof bitmap);
    XT_CHECK_RC(shadow(d, op, xt::arg(bitmap), 1000), 0);
    XT_CHECK_EQ(dc.u.shadow_op.pages, 1000);
    XT_CHECK_EQ(dc.u.shadow_op.stats.dirty_count, 0);
    XT_CHECK_EQ(dc.u.shadow_op.stats.fault_count, 0);
    for (unsigned i = 0; i < sizeof bitmap; i++)
        XT_CHECK_EQ(bitmap[i], i < 125 ? 0 : 0x5a);
}

} // namespace

void test_main() {
    XT_CHECK_RC(shadow(0, XEN_DOMCTL_SHADOW_OP_PEEK, xt::arg(bitmap), 8), -XEN_EINVAL);
    XT_CHECK_RC(shadow(0, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), -XEN_EINVAL);

    dc = {};
    dc.u.createdomain.max_vcpus = 1;
    dc.u.createdomain.max_evtchn_port = 1023;
    dc.u.createdomain.max_grant_frames = -1;
    dc.u.createdomain.max_maptrack_frames = -1;
    dc.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    XT_CHECK_RC(domctl(XEN_DOMCTL_createdomain, DOMID_INVALID), 0);
    const domid_t d = dc.domain;
    XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_PEEK, xt::arg(bitmap), 8), -XEN_EINVAL); // no vCPU
    dc = {};
    dc.u.max_vcpus.max = 1;
    XT_CHECK_RC(domctl(XEN_DOMCTL_max_vcpus, d), 0);

    XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_CLEAN, xt::arg(bitmap), 8, 2), -XEN_EINVAL);
    XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_PEEK, xt::arg(bitmap), 8, 0x80), -XEN_EINVAL);
    XT_CHECK_RC(shadow(d, 99), -XEN_EINVAL);
    XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_ENABLE_TEST), -XEN_EINVAL);
    XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_ENABLE, 0, 0, XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT),
                -XEN_EINVAL);
    zeros(d, XEN_DOMCTL_SHADOW_OP_PEEK);
    zeros(d, XEN_DOMCTL_SHADOW_OP_CLEAN);
    XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_PEEK, 0xffff830000000000ull, 64), -XEN_EFAULT);

    long rc = shadow(d, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY);
    if (rc == -XEN_EOPNOTSUPP) {
        xt::printf("PV log-dirty: not supported (a Xen without shadow paging)\n");
        XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_OFF), -XEN_EINVAL);
        XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION), -XEN_EINVAL);
    } else {
        XT_CHECK_RC(rc, 0);
        xt::printf("PV log-dirty: supported\n");
        XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY), -XEN_EINVAL);
        XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION), 0);
        XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_OFF), 0);
        zeros(d, XEN_DOMCTL_SHADOW_OP_PEEK);
    }
    XT_CHECK_RC(shadow(d, XEN_DOMCTL_SHADOW_OP_CLEAN, 0, 1000), 0);
    dc = {};
    XT_CHECK_RC(domctl(XEN_DOMCTL_destroydomain, d), 0);
    xt::report_success();
}
