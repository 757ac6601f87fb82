// GNTTABOP_setup_table and query_size (Xen 4.17's answers for the initial domain): the
// table starts with 1 frame of 64; setup_table grows it (never shrinks it) and lists its
// frames; more than 64 frames is GNTST_general_error, an unknown domain
// GNTST_bad_domain, a frame list that cannot be written GNTST_bad_virt_addr (the
// hypercall still returns 0) unless it points into Xen's range (-EFAULT), a count other
// than 1 -EINVAL. The frames are the domain's to map writable; they are zero at first,
// have no M2P entry and do not count in its reservation.
#include "grant_util.h"
#include "public/memory.h"

alignas(4096) static uint8_t window[4096];

void test_main() {
    using namespace xen;
    xen::xen_memory_domain self{DOMID_SELF};
    long pages = xt::memory_op(XENMEM_current_reservation, &self);

    gnttab_query_size q{DOMID_SELF, 0, 0, -1};
    XT_CHECK_RC(gnt::op(GNTTABOP_query_size, &q), 0);
    XT_CHECK_EQ(q.status, GNTST_okay);
    XT_CHECK_EQ(q.nr_frames, 1);
    XT_CHECK_EQ(q.max_nr_frames, 64);
    XT_CHECK_RC(gnt::op(GNTTABOP_query_size, &q, 0), -XEN_EINVAL);
    XT_CHECK_RC(gnt::op(GNTTABOP_query_size, &q, 2), -XEN_EINVAL);
    gnttab_query_size q5{5, 77, 77, -1};
    XT_CHECK_RC(gnt::op(GNTTABOP_query_size, &q5), 0);
    XT_CHECK_EQ(q5.status, GNTST_bad_domain);
    XT_CHECK_EQ(q5.nr_frames, 77); // written back as it was

    uint64_t frames[4] = {};
    gnttab_setup_table st{};
    st.dom = DOMID_SELF;
    st.nr_frames = 1;
    st.status = 99;
    st.frame_list.p = xt::arg(frames);
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st), 0);
    XT_CHECK_EQ(st.status, GNTST_okay);
    XT_CHECK(frames[0] != 0);
    uint64_t first = frames[0];

    st.dom = gnt::kSelf; // by its own id, nothing to set up
    st.nr_frames = 0;
    st.status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st), 0);
    XT_CHECK_EQ(st.status, GNTST_okay);

    st.dom = DOMID_SELF;
    st.nr_frames = 65;
    st.status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st), 0);
    XT_CHECK_EQ(st.status, GNTST_general_error);

    st.nr_frames = 1;
    st.status = 99;
    st.frame_list.p = 0x1000; // not mapped
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st), 0);
    XT_CHECK_EQ(st.status, GNTST_bad_virt_addr);
    st.status = 99;
    st.frame_list.p = 0xffff800000000000ull; // Xen's
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st), -XEN_EFAULT);
    XT_CHECK_EQ(st.status, 99);
    st.frame_list.p = xt::arg(frames);
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st, 2), -XEN_EINVAL);
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st, 0), -XEN_EINVAL);
    XT_CHECK_RC(xt::hypercall(HYPERVISOR_grant_table_op, GNTTABOP_setup_table, 0x1000, 1),
                -XEN_EFAULT);
    st.dom = 7;
    st.status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st), 0);
    XT_CHECK_EQ(st.status, GNTST_bad_domain);

    // Growing to 3 frames: the first stays where it was.
    st.dom = DOMID_SELF;
    st.nr_frames = 3;
    st.status = 99;
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st), 0);
    XT_CHECK_EQ(st.status, GNTST_okay);
    XT_CHECK_EQ(frames[0], first);
    XT_CHECK(frames[1] != 0 && frames[2] != 0 && frames[1] != frames[0] &&
             frames[2] != frames[1] && frames[2] != frames[0]);
    XT_CHECK_RC(gnt::op(GNTTABOP_query_size, &q), 0);
    XT_CHECK_EQ(q.nr_frames, 3);
    // Asking for fewer lists fewer and shrinks nothing.
    frames[1] = 0;
    st.nr_frames = 1;
    XT_CHECK_RC(gnt::op(GNTTABOP_setup_table, &st), 0);
    XT_CHECK_EQ(frames[1], 0);
    XT_CHECK_RC(gnt::op(GNTTABOP_query_size, &q), 0);
    XT_CHECK_EQ(q.nr_frames, 3);
    // The grant frames are not part of the domain's reservation.
    XT_CHECK_RC(xt::memory_op(XENMEM_current_reservation, &self), pages);

    // They have no pseudo-physical frame (the M2P says INVALID_M2P_ENTRY).
    const volatile uint64_t *m2p =
        reinterpret_cast<const volatile uint64_t *>(MACH2PHYS_VIRT_START);
    for (unsigned i = 0; i < 3; i++)
        XT_CHECK_EQ(m2p[frames[i]], ~0ul);

    // The domain maps them writable; they start out zero.
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(window),
                                      (frames[0] << 12) | xt::PTE_P | xt::PTE_RW | xt::PTE_A |
                                          xt::PTE_D,
                                      UVMF_INVLPG),
                0);
    for (unsigned i = 0; i < 4096; i++)
        XT_CHECK_EQ(window[i], 0);
    window[100] = 5;
    XT_CHECK_EQ(window[100], 5);
    xt::report_success();
}
