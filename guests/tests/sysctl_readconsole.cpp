// XEN_SYSCTL_readconsole, the hypervisor's console ring as `xl dmesg` reads it: a short
// buffer gets the oldest bytes and index says where reading stopped; an incremental
// read from there goes on where the first stopped; clearing leaves the ring empty (a
// read then gives nothing, index unchanged); what a debug key prints ('h': the list of
// handlers) is there afterwards; the initial domain's own console output is not (Xen
// keeps it out of the ring by default); an unwritable buffer is -EFAULT.
#include "toolstack_util.h"

static char buf[16384];
static char head[64];

static long readconsole(char* b, uint32_t count, bool clear, bool incremental, uint32_t index) {
    auto& r = ts::sysctl_init(xen::XEN_SYSCTL_readconsole).u.readconsole;
    r.buffer.p = reinterpret_cast<uint64_t>(b);
    r.count = count;
    r.clear = clear;
    r.incremental = incremental;
    r.index = index;
    return ts::sysctl();
}

static bool contains(const char* text, uint32_t len, const char* needle) {
    size_t n = xt::strlen(needle);
    for (uint32_t i = 0; i + n <= len; i++)
        if (!memcmp(text + i, needle, n))
            return true;
    return false;
}

void test_main() {
    using namespace xen;
    xt::printf("readconsole marker: dom0 says hello\n");
    XT_CHECK_RC(readconsole(head, sizeof head, false, false, 0), 0);
    const uint32_t first_index = ts::sc.u.readconsole.index;
    XT_CHECK_EQ(ts::sc.u.readconsole.count, sizeof head); // the boot log is longer
    XT_CHECK_RC(readconsole(buf, sizeof buf, false, true, first_index), 0);
    uint32_t rest = ts::sc.u.readconsole.count;
    uint32_t end = ts::sc.u.readconsole.index;
    xt::printf("ring: %u + %u bytes, index %u -> %u\n", uint32_t(sizeof head), rest, first_index,
               end);
    XT_CHECK(rest > 0);
    XT_CHECK_EQ(end - first_index, rest);
    // The same bytes as one read from the start.
    static char whole[sizeof head + sizeof buf];
    XT_CHECK_RC(readconsole(whole, sizeof whole, false, false, 0), 0);
    XT_CHECK(ts::sc.u.readconsole.count >= sizeof head + rest);
    XT_CHECK_EQ(memcmp(whole, head, sizeof head), 0);
    XT_CHECK_EQ(memcmp(whole + sizeof head, buf, rest), 0);
    XT_CHECK(!contains(whole, ts::sc.u.readconsole.count, "dom0 says hello"));

    XT_CHECK_RC(readconsole(buf, sizeof buf, true, false, 0), 0); // everything, then clear
    uint32_t cleared_at = ts::sc.u.readconsole.index;
    XT_CHECK_RC(readconsole(buf, sizeof buf, false, false, 0), 0);
    XT_CHECK_EQ(ts::sc.u.readconsole.count, 0);
    XT_CHECK_EQ(ts::sc.u.readconsole.index, cleared_at);

    auto& k = ts::sysctl_init(XEN_SYSCTL_debug_keys).u.debug_keys;
    static const char key = 'h';
    k.keys.p = reinterpret_cast<uint64_t>(&key);
    k.nr_keys = 1;
    XT_CHECK_RC(ts::sysctl(), 0);
    XT_CHECK_RC(readconsole(buf, sizeof buf, false, true, cleared_at), 0);
    uint32_t n = ts::sc.u.readconsole.count;
    XT_CHECK(n > 0);
    XT_CHECK(contains(buf, n, "'h' pressed -> showing installed handlers"));
    XT_CHECK_EQ(ts::sc.u.readconsole.index, cleared_at + n);

    XT_CHECK_RC(readconsole(reinterpret_cast<char*>(ts::kBadVa), 16, false, false, 0), -XEN_EFAULT);
    XT_CHECK_RC(readconsole(buf, 0, false, false, 0), 0); // room for nothing
    XT_CHECK_EQ(ts::sc.u.readconsole.count, 0);
    auto& bk = ts::sysctl_init(XEN_SYSCTL_debug_keys).u.debug_keys;
    bk.keys.p = ts::kBadVa;
    bk.nr_keys = 1;
    XT_CHECK_RC(ts::sysctl(), -XEN_EFAULT);
    xt::report_success();
}
