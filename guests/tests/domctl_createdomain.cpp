// What a toolstack's domain builder does, driven from dom0 as libxl and libxc drive it,
// with Xen 4.17's answers:
//   - XEN_DOMCTL_createdomain refuses bad configurations in Xen's order (unknown flags,
//     grant options, no vCPUs, HAP or nested virtualisation without HVM, IOMMU options
//     without an IOMMU, a vPMU, more than 8192 vCPUs, unknown MSR flags: -EINVAL;
//     emulated devices for PV: -EOPNOTSUPP; grant version 0 or 3, grant frames out of
//     range: -EINVAL; an unknown cpupool: -ESRCH; a taken id: -EEXIST), creates a domain
//     under the id asked for or a free one, paused, with no memory and no vCPU online;
//   - max_vcpus creates the vCPUs (the count createdomain fixed); the builder populates the new
//   domain's memory
//     (after max_mem), gets unbound ports of it for dom0 (bound, then closed), sets up
//     its grant table and its memory map, pins an L4 of it as the foreign domain, writes a
//     hypercall page into one of its frames and gives vCPU 0 a context (read back by
//     getvcpucontext); address size, TSC mode and frame types answer as Xen;
//   - unpaused with nothing mapped, the domain crashes (getdomaininfo: shut down,
//     reason crash); destroyed, it disappears, and a second domain's whole life leaves
//     the free memory where it was, give or take the one page Xen keeps per domain.
#include "free_memory.h"
#include "memop_util.h"
#include "public/domctl.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/sched.h"

namespace {

using namespace xen;

xen_domctl dc;
uint64_t frames[8];
alignas(16) vcpu_guest_context ctx;

long domctl(uint32_t cmd, domid_t dom) {
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return xt::hypercall(HYPERVISOR_domctl, xt::arg(&dc));
}

// A fresh domctl with only the command and domain set.
long simple(uint32_t cmd, domid_t dom) {
    dc = {};
    return domctl(cmd, dom);
}

xen_domctl_createdomain good_config() {
    xen_domctl_createdomain c{};
    c.max_vcpus = 2;
    c.max_evtchn_port = 1023;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(1);
    for (unsigned i = 0; i < 16; i++)
        c.handle[i] = static_cast<uint8_t>(0xa0 + i);
    return c;
}

long create(const xen_domctl_createdomain& c, domid_t asked = 0) {
    dc = {};
    dc.u.createdomain = c;
    return domctl(XEN_DOMCTL_createdomain, asked);
}

// Each bad configuration, changed from a good one, with Xen's answer.
void check_bad_configs() {
    struct Bad {
        const char* what;
        void (*change)(xen_domctl_createdomain&);
        long rc;
    };
    static const Bad bad[] = {
        {"unknown flag", [](xen_domctl_createdomain& c) { c.flags = 1u << 8; }, -XEN_EINVAL},
        {"grant options", [](xen_domctl_createdomain& c) { c.grant_opts |= 0x10; }, -XEN_EINVAL},
        {"no vCPUs", [](xen_domctl_createdomain& c) { c.max_vcpus = 0; }, -XEN_EINVAL},
        {"HAP for PV", [](xen_domctl_createdomain& c) { c.flags = XEN_DOMCTL_CDF_hap; },
         -XEN_EINVAL},
        {"IOMMU options", [](xen_domctl_createdomain& c) { c.iommu_opts = 1; }, -XEN_EINVAL},
        {"8193 vCPUs", [](xen_domctl_createdomain& c) { c.max_vcpus = 8193; }, -XEN_EINVAL},
        {"nested for PV", [](xen_domctl_createdomain& c) { c.flags = XEN_DOMCTL_CDF_nested_virt; },
         -XEN_EINVAL},
        {"MSR flags", [](xen_domctl_createdomain& c) { c.arch.misc_flags = 2; }, -XEN_EINVAL},
        {"emulation bits", [](xen_domctl_createdomain& c) { c.arch.emulation_flags = 1u << 11; },
         -XEN_EINVAL},
        {"PV with a LAPIC",
         [](xen_domctl_createdomain& c) { c.arch.emulation_flags = XEN_X86_EMU_LAPIC; },
         -XEN_EOPNOTSUPP},
        {"grant version 0", [](xen_domctl_createdomain& c) { c.grant_opts = 0; }, -XEN_EINVAL},
        {"grant version 3",
         [](xen_domctl_createdomain& c) { c.grant_opts = XEN_DOMCTL_GRANT_version(3); },
         -XEN_EINVAL},
        {"0 grant frames", [](xen_domctl_createdomain& c) { c.max_grant_frames = 0; }, -XEN_EINVAL},
        {"65 grant frames", [](xen_domctl_createdomain& c) { c.max_grant_frames = 65; },
         -XEN_EINVAL},
        {"1025 maptrack frames", [](xen_domctl_createdomain& c) { c.max_maptrack_frames = 1025; },
         -XEN_EINVAL},
        {"cpupool 5", [](xen_domctl_createdomain& c) { c.cpupool_id = 5; }, -XEN_ESRCH},
    };
    for (const Bad& b : bad) {
        xen_domctl_createdomain c = good_config();
        b.change(c);
        long rc = create(c);
        if (rc != b.rc)
            xt::report_failure("createdomain with %s: %ld (%s), expected %ld (%s)", b.what, rc,
                               xt::errno_name(rc), b.rc, xt::errno_name(b.rc));
    }
}

// Waits (bounded) until getdomaininfo of d has `flag` set.
// Bounded by time, not by yields: the domain may run on the other CPU (a scheduler that
// places it on an idle one), where its crash report takes as long as the console does.
bool wait_flag(domid_t d, uint32_t flag) {
    for (uint64_t end = xt::system_time_ns() + 5'000'000'000; xt::system_time_ns() < end;) {
        if (simple(XEN_DOMCTL_getdomaininfo, d) == 0 && (dc.u.getdomaininfo.flags & flag))
            return true;
        xt::sched_op(SCHEDOP_yield);
    }
    return false;
}

} // namespace

void life_of_a_domain();

void test_main() {
    check_bad_configs();

    // A good one, under an id of our choosing, then that id again.
    XT_CHECK_RC(create(good_config(), 1234), 0);
    XT_CHECK_EQ(dc.domain, 1234);
    XT_CHECK_RC(create(good_config(), 1234), -XEN_EEXIST);
    XT_CHECK_RC(simple(XEN_DOMCTL_destroydomain, 1234), 0);
    // Grant version 2, which libxl asks for whenever physinfo reports cap_gnttab_v2.
    xen_domctl_createdomain v2 = good_config();
    v2.grant_opts = XEN_DOMCTL_GRANT_version(2);
    XT_CHECK_RC(create(v2, 1235), 0);
    XT_CHECK_RC(simple(XEN_DOMCTL_destroydomain, 1235), 0);
    // The whole life of a domain twice: the second leaves no memory behind (the first
    // may leave what the hypervisor allocates once).
    life_of_a_domain();
    const uint64_t free_at_start = xt::settled_free_pages(500);
    life_of_a_domain();
    uint64_t free_now = xt::settled_free_pages(500);
    for (unsigned tries = 0; free_now + 1 < free_at_start && tries < 300; tries++) {
        xt::sleep_ns(10'000'000); // Xen frees the last of it after an RCU grace period
        free_now = xt::free_pages();
    }
    xt::printf("free pages: %lu before the second domain, %lu after it\n", free_at_start, free_now);
    // Xen 4.17 keeps one page for each domain that has lived (measured: 112213, 112212,
    // 112211 free after 0, 1 and 2 domains); the domain's own 8 frames, its page table
    // and its structures must all be back.
    XT_CHECK(free_now + 1 >= free_at_start);
    xt::report_success();
}

void life_of_a_domain() {
    // Under a free id (a reserved id asks for one).
    XT_CHECK_RC(create(good_config(), DOMID_INVALID), 0);
    const domid_t d = dc.domain;
    xt::printf("created d%u\n", d);
    XT_CHECK(d > 0 && d < DOMID_FIRST_RESERVED && d != 1234);

    XT_CHECK_RC(simple(XEN_DOMCTL_getdomaininfo, d), 0);
    const xen_domctl_getdomaininfo& i = dc.u.getdomaininfo;
    xt::printf("flags %#x tot %lu max %lu online %u max id %u shinfo %#lx\n", i.flags, i.tot_pages,
               i.max_pages, i.nr_online_vcpus, i.max_vcpu_id, i.shared_info_frame);
    XT_CHECK_EQ(i.domain, d);
    XT_CHECK_EQ(i.flags & (XEN_DOMINF_paused | XEN_DOMINF_running | XEN_DOMINF_blocked |
                           XEN_DOMINF_dying | XEN_DOMINF_shutdown | XEN_DOMINF_hvm_guest),
                XEN_DOMINF_paused);
    XT_CHECK_EQ(i.tot_pages, 0);
    XT_CHECK_EQ(i.nr_online_vcpus, 0);
    XT_CHECK_EQ(i.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID); // none until max_vcpus
    XT_CHECK(i.shared_info_frame != 0);
    XT_CHECK_EQ(i.handle[3], 0xa3);
    dc = {};
    XT_CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, d), -XEN_EINVAL);
    for (unsigned k = 0; k < 16; k++)
        dc.u.setdomainhandle.handle[k] = static_cast<uint8_t>(0x50 + k);
    XT_CHECK_RC(domctl(XEN_DOMCTL_setdomainhandle, d), 0);
    XT_CHECK_RC(simple(XEN_DOMCTL_getdomaininfo, d), 0);
    XT_CHECK_EQ(dc.u.getdomaininfo.handle[15], 0x5f);

    // max_vcpus creates the number createdomain set (and no other); never on oneself.
    dc = {};
    dc.u.max_vcpus.max = 3;
    XT_CHECK_RC(domctl(XEN_DOMCTL_max_vcpus, d), -XEN_EINVAL);
    dc.u.max_vcpus.max = 2;
    XT_CHECK_RC(domctl(XEN_DOMCTL_max_vcpus, d), 0);
    XT_CHECK_RC(domctl(XEN_DOMCTL_max_vcpus, d), 0);
    XT_CHECK_RC(simple(XEN_DOMCTL_getdomaininfo, d), 0);
    XT_CHECK_EQ(dc.u.getdomaininfo.max_vcpu_id, 1);
    XT_CHECK_EQ(dc.u.getdomaininfo.nr_online_vcpus, 0);
    XT_CHECK(dc.u.getdomaininfo.flags & XEN_DOMINF_paused);
    dc = {};
    dc.u.max_vcpus.max = 1;
    XT_CHECK_RC(domctl(XEN_DOMCTL_max_vcpus, 0), -XEN_EINVAL);
    XT_CHECK_RC(simple(XEN_DOMCTL_max_vcpus, 4321), -XEN_ESRCH);

    // libxl's store and console ports: unbound ports of the new domain for dom0, which
    // the back ends (xenstored, xenconsoled) bind; libxc seeds its grant table.
    evtchn_alloc_unbound au{d, 0, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    XT_CHECK(au.port > 0);
    evtchn_bind_interdomain bi{d, au.port, 0};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    evtchn_close cl{bi.local_port};
    XT_CHECK_RC(xt::event_channel_op(EVTCHNOP_close, &cl), 0);
    static uint64_t gnttab_frame;
    gnttab_setup_table st{};
    st.dom = d;
    st.nr_frames = 1;
    st.frame_list.p = reinterpret_cast<uint64_t>(&gnttab_frame);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_setup_table, xt::arg(&st), 1), 0);
    XT_CHECK_EQ(st.status, 0);
    XT_CHECK(gnttab_frame != 0);
    gnttab_query_size qs{};
    qs.dom = d;
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_query_size, xt::arg(&qs), 1), 0);
    XT_CHECK_EQ(qs.status, 0);
    XT_CHECK_EQ(qs.nr_frames, 1);
    XT_CHECK_EQ(qs.max_nr_frames, 64);

    // Address size and TSC mode.
    dc = {};
    dc.u.address_size.size = 64;
    XT_CHECK_RC(domctl(XEN_DOMCTL_set_address_size, d), 0);
    dc.u.address_size.size = 48;
    XT_CHECK_RC(domctl(XEN_DOMCTL_set_address_size, d), -XEN_EINVAL);
    dc.u.address_size.size = 32;
    XT_CHECK_RC(domctl(XEN_DOMCTL_set_address_size, d), -XEN_EOPNOTSUPP);
    XT_CHECK_RC(simple(XEN_DOMCTL_get_address_size, d), 0);
    XT_CHECK_EQ(dc.u.address_size.size, 64);
    dc = {};
    dc.u.tsc_info.tsc_mode = 3;
    XT_CHECK_RC(domctl(XEN_DOMCTL_settscinfo, d), -XEN_EINVAL);
    dc.u.tsc_info.tsc_mode = XEN_TSC_MODE_DEFAULT;
    XT_CHECK_RC(domctl(XEN_DOMCTL_settscinfo, d), 0);
    XT_CHECK_RC(simple(XEN_DOMCTL_settscinfo, 0), -XEN_EINVAL);
    XT_CHECK_RC(simple(XEN_DOMCTL_gettscinfo, d), 0);
    XT_CHECK_EQ(dc.u.tsc_info.tsc_mode, XEN_TSC_MODE_DEFAULT);
    dc = {};
    dc.u.settimeoffset.time_offset_seconds = 3600;
    XT_CHECK_RC(domctl(XEN_DOMCTL_settimeoffset, d), 0);

    // Memory: none until max_mem allows it, then what was asked.
    for (unsigned k = 0; k < 8; k++)
        frames[k] = k;
    XT_CHECK_RC(memop::reservation(XENMEM_populate_physmap, frames, 8, 0, 0, d), 0);
    dc = {};
    dc.u.max_mem.max_memkb = 8 * 4;
    XT_CHECK_RC(domctl(XEN_DOMCTL_max_mem, d), 0);
    XT_CHECK_RC(memop::reservation(XENMEM_populate_physmap, frames, 8, 0, 0, d), 8);
    xen::domid_t target = d;
    XT_CHECK_EQ(xt::memory_op(XENMEM_current_reservation, &target), 8);
    XT_CHECK_EQ(xt::memory_op(XENMEM_maximum_reservation, &target), 8);
    uint64_t extra = 8;
    XT_CHECK_RC(memop::reservation(XENMEM_populate_physmap, &extra, 1, 0, 0, d), 0);

    // Its memory map (libxl's xc_domain_set_memmap_limit): at most E820MAX entries.
    static e820entry e820[1] = {{0, 8 * 4096, E820_RAM}};
    xen_foreign_memory_map fm{};
    fm.domid = d;
    fm.map.nr_entries = 1025;
    fm.map.buffer.p = reinterpret_cast<uint64_t>(e820);
    XT_CHECK_RC(xt::memory_op(XENMEM_set_memory_map, &fm), -XEN_EINVAL);
    fm.map.nr_entries = 1;
    fm.map.buffer.p = 0x1000;
    XT_CHECK_RC(xt::memory_op(XENMEM_set_memory_map, &fm), -XEN_EFAULT);
    fm.domid = 4321;
    XT_CHECK_RC(xt::memory_op(XENMEM_set_memory_map, &fm), -XEN_ESRCH);
    fm.domid = d;
    fm.map.buffer.p = reinterpret_cast<uint64_t>(e820);
    XT_CHECK_RC(xt::memory_op(XENMEM_set_memory_map, &fm), 0);

    // frames[0] becomes its L4 (pinned as the foreign domain's), frames[1] its hypercall page.
    mmuext_op pin{};
    pin.cmd = MMUEXT_PIN_L4_TABLE;
    pin.arg1.mfn = frames[0];
    XT_CHECK_RC(mmu::mmuext(&pin, 1, nullptr, d), 0);
    dc = {};
    dc.u.hypercall_init.gmfn = frames[1];
    XT_CHECK_RC(domctl(XEN_DOMCTL_hypercall_init, d), 0);
    dc.u.hypercall_init.gmfn = frames[0];
    XT_CHECK_RC(domctl(XEN_DOMCTL_hypercall_init, d), -XEN_EPERM);
    dc.u.hypercall_init.gmfn = xt::mfn_of(&dc);
    XT_CHECK_RC(domctl(XEN_DOMCTL_hypercall_init, d), -XEN_EINVAL);

    // Frame types.
    static uint64_t types[3];
    types[0] = frames[0], types[1] = frames[2], types[2] = xt::mfn_of(&dc);
    dc = {};
    dc.u.getpageframeinfo3.num = 3;
    dc.u.getpageframeinfo3.array.p = reinterpret_cast<uint64_t>(types);
    XT_CHECK_RC(domctl(XEN_DOMCTL_getpageframeinfo3, d), 0);
    XT_CHECK_EQ(types[0], XEN_DOMCTL_PFINFO_L4TAB | XEN_DOMCTL_PFINFO_LPINTAB);
    XT_CHECK_EQ(types[1], XEN_DOMCTL_PFINFO_NOTAB);
    XT_CHECK_EQ(types[2], XEN_DOMCTL_PFINFO_XTAB);
    dc.u.getpageframeinfo3.num = 1025;
    XT_CHECK_RC(domctl(XEN_DOMCTL_getpageframeinfo3, d), -XEN_E2BIG);

    // vCPU 0's context: errors first, then the builder's.
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel | VGCF_online;
    ctx.user_regs.rip = 0xffffffff80001000ull;
    ctx.user_regs.rsp = 0xffffffff80003000ull;
    ctx.user_regs.rflags = 1u << 9;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = FLAT_KERNEL_SS;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = ctx.user_regs.rsp;
    ctx.ctrlreg[3] = frames[0] << 12;
    dc = {};
    dc.u.vcpucontext.vcpu = 2;
    dc.u.vcpucontext.ctxt.p = reinterpret_cast<uint64_t>(&ctx);
    XT_CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, d), -XEN_EINVAL);
    dc.u.vcpucontext.vcpu = 0;
    XT_CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, 0), -XEN_EINVAL); // oneself
    XT_CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, 4321), -XEN_ESRCH);
    dc.u.vcpucontext.ctxt.p = 0x1000;
    XT_CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, d), -XEN_EFAULT);
    dc.u.vcpucontext.ctxt.p = reinterpret_cast<uint64_t>(&ctx);
    ctx.vm_assist = 1ull << 20;
    XT_CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, d), -XEN_EINVAL);
    ctx.vm_assist = 0;
    dc.u.vcpucontext.vcpu = 1;
    XT_CHECK_RC(domctl(XEN_DOMCTL_getvcpucontext, d), -XEN_ENODATA);
    dc.u.vcpucontext.vcpu = 0;
    XT_CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, d), 0);
    memset(&ctx, 0, sizeof(ctx));
    XT_CHECK_RC(domctl(XEN_DOMCTL_getvcpucontext, d), 0);
    XT_CHECK_EQ(ctx.user_regs.rip, 0xffffffff80001000ull);
    XT_CHECK_EQ(ctx.ctrlreg[3], frames[0] << 12);
    XT_CHECK(ctx.flags & VGCF_online);
    XT_CHECK(ctx.flags & VGCF_in_kernel);
    XT_CHECK_RC(simple(XEN_DOMCTL_getdomaininfo, d), 0);
    XT_CHECK_EQ(dc.u.getdomaininfo.nr_online_vcpus, 1);
    XT_CHECK(dc.u.getdomaininfo.flags & XEN_DOMINF_paused);

    // Unpaused, it faults at once with nothing mapped and no trap table: crashed.
    XT_CHECK_RC(simple(XEN_DOMCTL_unpausedomain, d), 0);
    if (!wait_flag(d, XEN_DOMINF_shutdown))
        xt::report_failure("d%u never shut down after its first fault", d);
    XT_CHECK_EQ((dc.u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
                SHUTDOWN_crash);

    // Destroyed: gone (Xen may list it as dying for a moment).
    XT_CHECK_RC(simple(XEN_DOMCTL_destroydomain, d), 0);
    for (unsigned tries = 0; tries < 2000; tries++) {
        if (simple(XEN_DOMCTL_getdomaininfo, d) != 0 || dc.u.getdomaininfo.domain != d)
            break;
        xt::sched_op(SCHEDOP_yield);
    }
    XT_CHECK_RC(simple(XEN_DOMCTL_getdomaininfo, d), -XEN_ESRCH);
}
