// VMASST_TYPE_writable_pagetables: the locked read-modify-write forms Linux uses on
// entries act on the guest's own L1 entry as on memory: `lock andb $~2` of the low byte
// (clear_bit of RW) write-protects the page, a write to it is then bounced as #PF (3);
// `lock orq $2` makes it writable again; `lock btrq $1` reports the old bit in CF.
#include "ptwr.h"

alignas(4096) static uint8_t a[4096];

static void write_a() {
    reinterpret_cast<volatile uint8_t*>(a)[5] = 1;
}

void test_main() {
    ptwr::enable();
    volatile uint64_t* e = ptwr::entry_ptr(mmu::va_of(a));
    const uint64_t old = *e;
    XT_CHECK(old & xt::PTE_RW);

    asm volatile("lock andb $0xfd, %0"
                 : "+m"(*reinterpret_cast<volatile uint8_t*>(e))
                 :
                 : "memory");
    XT_CHECK_EQ(*e, old & ~xt::PTE_RW);
    ptwr::invlpg(a);
    xt::fault_info fi = xt::expect_fault(xt::VEC_PF, write_a);
    XT_CHECK_EQ(fi.error_code, 3);
    XT_CHECK_EQ(fi.cr2, mmu::va_of(a) + 5);

    asm volatile("lock orq $2, %0" : "+m"(*e) : : "memory");
    XT_CHECK_EQ(*e, old);
    ptwr::invlpg(a);
    write_a();

    bool cf;
    asm volatile("lock btrq $1, %0" : "+m"(*e), "=@ccc"(cf) : : "memory");
    XT_CHECK(cf);
    XT_CHECK_EQ(*e, old & ~xt::PTE_RW);
    asm volatile("lock btrq $1, %0" : "+m"(*e), "=@ccc"(cf) : : "memory");
    XT_CHECK(!cf);
    uint64_t bit = 1;
    asm volatile("lock btsq %1, %0" : "+m"(*e) : "r"(bit) : "memory");
    XT_CHECK_EQ(*e, old);
    ptwr::invlpg(a);
    write_a();
    XT_CHECK_EQ(a[5], 1);
    xt::report_success();
}
