// VMASST_TYPE_writable_pagetables: xchg, lock cmpxchg and lock cmpxchg8b on one of the
// guest's own L1 entries behave as on memory: xchg returns the old entry; cmpxchg with
// the current entry in rax writes (ZF set), with a stale one leaves the entry alone and
// loads the current entry into rax (ZF clear); cmpxchg8b likewise with edx:eax/ecx:ebx.
#include "ptwr.h"

alignas(4096) static uint8_t a[4096], b[4096];

static bool cmpxchg(volatile uint64_t* e, uint64_t* expect, uint64_t val) {
    bool zf;
    asm volatile("lock cmpxchgq %[n], %[m]"
                 : "+a"(*expect), [m] "+m"(*e), "=@ccz"(zf)
                 : [n] "r"(val)
                 : "memory");
    return zf;
}

static bool cmpxchg8b(volatile uint64_t* e, uint64_t* expect, uint64_t val) {
    bool zf;
    uint32_t lo = static_cast<uint32_t>(*expect), hi = static_cast<uint32_t>(*expect >> 32);
    asm volatile("lock cmpxchg8b %[m]"
                 : "+a"(lo), "+d"(hi), [m] "+m"(*e), "=@ccz"(zf)
                 : "b"(static_cast<uint32_t>(val)), "c"(static_cast<uint32_t>(val >> 32))
                 : "memory");
    *expect = (uint64_t(hi) << 32) | lo;
    return zf;
}

static uint8_t seen(const uint8_t* page) {
    ptwr::invlpg(page);
    return *reinterpret_cast<const volatile uint8_t*>(page);
}

void test_main() {
    ptwr::enable();
    a[0] = 0xaa;
    b[0] = 0xbb;
    volatile uint64_t* e = ptwr::entry_ptr(mmu::va_of(a));
    const uint64_t old = *e;
    const uint64_t to_b = ptwr::rw_pte(b);

    uint64_t r = to_b;
    asm volatile("xchgq %0, %1" : "+r"(r), "+m"(*e) : : "memory");
    XT_CHECK_EQ(r, old);
    XT_CHECK_EQ(seen(a), 0xbb);
    const uint64_t cur = *e; // b's entry, as stored

    uint64_t expect = old; // stale
    XT_CHECK(!cmpxchg(e, &expect, old));
    XT_CHECK_EQ(expect, cur);
    XT_CHECK_EQ(*e, cur);
    XT_CHECK(cmpxchg(e, &expect, old));
    XT_CHECK_EQ(expect, cur);
    XT_CHECK_EQ(*e, old);
    XT_CHECK_EQ(seen(a), 0xaa);

    expect = cur; // stale now
    XT_CHECK(!cmpxchg8b(e, &expect, to_b));
    XT_CHECK_EQ(expect, old);
    XT_CHECK_EQ(*e, old);
    XT_CHECK(cmpxchg8b(e, &expect, to_b));
    XT_CHECK_EQ(*e, cur);
    XT_CHECK_EQ(seen(a), 0xbb);

    r = old;
    asm volatile("xchgq %0, %1" : "+r"(r), "+m"(*e) : : "memory");
    XT_CHECK_EQ(r, cur);
    XT_CHECK_EQ(seen(a), 0xaa);
    xt::report_success();
}
