// What the initial domain's I/O rights give, asked by an ordinary domain (on xenon a domU
// beside the heartbeat; on Xen 4.17, where this guest is dom0 alone, the rights hold):
// platform_op is -EPERM; a BIOS frame (0xf0000, I/O memory) cannot be mapped (-EPERM);
// with a virtual IOPL of 1, port I/O does not fault but reaches nothing: reads give all
// ones (0x80, and the PIT's channel 2 that only dom0 shares), writes are dropped.
// hostile: role=domU
#include "hostile.h"
#include "public/physdev.h"
#include "public/platform.h"

alignas(4096) static uint8_t scratch[4096];

static uint8_t in8(uint16_t port) {
    uint8_t v;
    asm volatile("inb %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void test_main() {
    const bool privileged = xt::start_info->flags & xen::SIF_PRIVILEGED;
    xen::xen_platform_op op{};
    op.cmd = xen::XENPF_get_cpuinfo;
    op.interface_version = xen::XENPF_INTERFACE_VERSION;
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_platform_op, xt::arg(&op)),
                privileged ? 0 : -xen::XEN_EPERM);

    uint64_t slot = hostile::l1e_maddr(scratch);
    uint64_t orig = hostile::pte_of(scratch);
    scratch[0] = 1;
    XT_CHECK_RC(hostile::mmu_update1(slot, hostile::pte(0xf0, 0)),
                privileged ? 0 : -xen::XEN_EPERM);
    XT_CHECK_RC(hostile::mmu_update1(slot, orig), 0);
    XT_CHECK_RC(xt::update_va_mapping(reinterpret_cast<uint64_t>(scratch), orig, xen::UVMF_INVLPG),
                0);
    XT_CHECK_EQ(scratch[0], 1);

    xen::physdev_set_iopl iopl{1};
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_physdev_op, xen::PHYSDEVOP_set_iopl, xt::arg(&iopl)),
                0);
    uint8_t p80 = in8(0x80), p42 = in8(0x42);
    asm volatile("outb %0, $0x80" : : "a"(uint8_t(0x12)));
    if (!privileged) {
        XT_CHECK_EQ(p80, 0xff);
        XT_CHECK_EQ(p42, 0xff);
    }
    iopl.iopl = 0;
    XT_CHECK_RC(xt::hypercall(xen::HYPERVISOR_physdev_op, xen::PHYSDEVOP_set_iopl, xt::arg(&iopl)),
                0);
    hostile::pass();
}
