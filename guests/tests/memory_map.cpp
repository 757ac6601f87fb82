// XENMEM_memory_map for a PV dom0 that nobody gave a pseudo-physical map: -ENOSYS (Xen
// 4.17; Linux then falls back). XENMEM_machine_memory_map (dom0 only): 0 and the host's
// E820, which has RAM at 0 and above 1 MiB, sorted; in its gaps, reserved entries for
// what dom0 may not map: the IOAPIC's page 0xfec00000-0xfec00fff and the local APIC / MSI
// range 0xfee00000-0xfeefffff (QEMU's q35 has neither in its E820). A null buffer counts
// the entries; a 1-entry buffer is too small: -EINVAL. An unreadable argument: -EFAULT.
// Unknown sub-ops: -ENOSYS.
#include "public/memory.h"
#include "runtime.h"

static xen::e820entry map[128];

void test_main() {
    xen::xen_memory_map mm{128, xen::make_guest_handle<void>(map)};
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_memory_map, &mm), -xen::XEN_ENOSYS);
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_memory_map, reinterpret_cast<void *>(0x1000)),
                -xen::XEN_EFAULT);

    mm = {128, xen::make_guest_handle<void>(map)};
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_machine_memory_map, &mm), 0);
    XT_CHECK(mm.nr_entries > 1 && mm.nr_entries <= 128);
    bool low_ram = false, high_ram = false, ioapic = false, lapic = false;
    for (unsigned i = 0; i < mm.nr_entries; i++) {
        xt::printf("  %#lx-%#lx type %u\n", map[i].addr, map[i].addr + map[i].size - 1, map[i].type);
        if (i)
            XT_CHECK(map[i].addr >= map[i - 1].addr + map[i - 1].size);
        if (map[i].type == xen::E820_RAM && map[i].addr == 0)
            low_ram = true;
        if (map[i].type == xen::E820_RAM && map[i].addr >= 0x100000 && map[i].size >= (64 << 20))
            high_ram = true;
        if (map[i].type == xen::E820_RESERVED && map[i].addr == 0xfec00000 && map[i].size == 0x1000)
            ioapic = true;
        if (map[i].type == xen::E820_RESERVED && map[i].addr == 0xfee00000 &&
            map[i].size == 0x100000)
            lapic = true;
    }
    XT_CHECK(low_ram && high_ram);
    XT_CHECK(ioapic && lapic);
    const uint32_t entries = mm.nr_entries;
    mm = {0, xen::make_guest_handle<void>(static_cast<void *>(nullptr))};
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_machine_memory_map, &mm), 0);
    XT_CHECK_EQ(mm.nr_entries, entries);
    mm = {1, xen::make_guest_handle<void>(map)};
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_machine_memory_map, &mm), -xen::XEN_EINVAL);
    for (unsigned cmd : {29u, 63u})
        if (long rc = xt::memory_op(cmd, &mm); rc != -xen::XEN_ENOSYS)
            xt::report_failure("memory_op %u returned %ld, expected -ENOSYS", cmd, rc);
    xt::report_success();
}
