// VMASST_TYPE_writable_pagetables: a guest kernel's `mov` to one of its own L1 entries (a
// read-only page) is carried out as an mmu_update of that entry would be, with no fault
// reaching the guest: a new entry from a register makes the page show another frame and
// reads back as the hypervisor stores it; a 4-byte write of the low half is merged with
// the entry's high half; a mov of the old entry restores the mapping.
#include "ptwr.h"

alignas(4096) static uint8_t a[4096], b[4096];

void test_main() {
    ptwr::enable();
    a[0] = 0xaa;
    b[0] = 0xbb;
    volatile uint64_t* e = ptwr::entry_ptr(mmu::va_of(a));
    uint64_t old = *e;
    XT_CHECK_EQ(old, mmu::entry(mmu::va_of(a), 1));
    XT_CHECK_EQ(old & mmu::ADDR, xt::mfn_of(a) << 12);

    uint64_t to_b = ptwr::rw_pte(b);
    asm volatile("movq %1, %0" : "=m"(*e) : "r"(to_b) : "memory");
    ptwr::invlpg(a);
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t*>(a), 0xbb);
    XT_CHECK_EQ(*e & mmu::ADDR, xt::mfn_of(b) << 12);
    XT_CHECK_EQ(*e & to_b, to_b); // and the user bit every PV mapping gets
    XT_CHECK_EQ(*e, mmu::entry(mmu::va_of(a), 1));
    reinterpret_cast<volatile uint8_t*>(a)[1] = 0x42; // writable, and it is b
    XT_CHECK_EQ(reinterpret_cast<volatile uint8_t*>(b)[1], 0x42);

    // The low half alone: back to a's frame (frames below 4 GiB), the high half kept.
    XT_CHECK((xt::mfn_of(a) >> 20) == 0);
    uint64_t high = *e >> 32;
    uint32_t low = static_cast<uint32_t>(ptwr::rw_pte(a));
    asm volatile("movl %1, %0"
                 : "=m"(*reinterpret_cast<volatile uint32_t*>(e))
                 : "r"(low)
                 : "memory");
    ptwr::invlpg(a);
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t*>(a), 0xaa);
    XT_CHECK_EQ(*e >> 32, high);
    XT_CHECK_EQ(*e & mmu::ADDR, xt::mfn_of(a) << 12);

    asm volatile("movq %1, %0" : "=m"(*e) : "r"(old) : "memory");
    ptwr::invlpg(a);
    XT_CHECK_EQ(*e, old);
    XT_CHECK_EQ(*reinterpret_cast<volatile uint8_t*>(a), 0xaa);
    xt::report_success();
}
