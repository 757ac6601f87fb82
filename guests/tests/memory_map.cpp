// XENMEM_memory_map for a PV dom0 that nobody gave a pseudo-physical map: -ENOSYS (Xen
// 4.17; Linux then falls back). XENMEM_machine_memory_map (dom0 only): 0 and the host's
// E820, which has RAM at 0 and above 1 MiB, sorted; a 1-entry buffer is too small:
// -EINVAL. An unreadable argument: -EFAULT. Unknown sub-ops: -ENOSYS.
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
    bool low_ram = false, high_ram = false;
    for (unsigned i = 0; i < mm.nr_entries; i++) {
        xt::printf("  %#lx-%#lx type %u\n", map[i].addr, map[i].addr + map[i].size - 1, map[i].type);
        if (i)
            XT_CHECK(map[i].addr >= map[i - 1].addr + map[i - 1].size);
        if (map[i].type == xen::E820_RAM && map[i].addr == 0)
            low_ram = true;
        if (map[i].type == xen::E820_RAM && map[i].addr >= 0x100000 && map[i].size >= (64 << 20))
            high_ram = true;
    }
    XT_CHECK(low_ram && high_ram);
    mm = {1, xen::make_guest_handle<void>(map)};
    XT_CHECK_RC(xt::memory_op(xen::XENMEM_machine_memory_map, &mm), -xen::XEN_EINVAL);
    for (unsigned cmd : {29u, 63u})
        if (long rc = xt::memory_op(cmd, &mm); rc != -xen::XEN_ENOSYS)
            xt::report_failure("memory_op %u returned %ld, expected -ENOSYS", cmd, rc);
    xt::report_success();
}
