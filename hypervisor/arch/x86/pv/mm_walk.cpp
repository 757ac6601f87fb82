// Finding a guest's L1 table for a linear address by walking its (validated) kernel page
// tables, as Xen does through its linear mapping: update_va_mapping, grant mappings by
// linear address and writable-page-table faults all start here.
#include "arch/paging.h"
#include "common/memory/page_info.h"
#include "mm.h"

namespace arch {

bool pv_guest_l1(const Vcpu& v, uint64_t va, uint64_t* l1_mfn) {
    if (!pv_addr_ok(va))
        return false;
    memory::FrameTable& ft = memory::frame_table();
    uint64_t table = v.arch.cr3_kernel >> PAGE_SHIFT;
    for (unsigned shift = 39; shift >= 21; shift -= 9) {
        if (!ft.valid(table))
            return false;
        auto* t = static_cast<const uint64_t*>(phys_to_virt(table << PAGE_SHIFT));
        uint64_t e = __atomic_load_n(&t[(va >> shift) & 511], __ATOMIC_RELAXED);
        if (!(e & kPtePresent) || (shift == 21 && (e & kPteLarge)))
            return false;
        table = (e & kPteAddrMask) >> PAGE_SHIFT;
    }
    if (!ft.valid(table))
        return false;
    *l1_mfn = table;
    return true;
}

} // namespace arch
