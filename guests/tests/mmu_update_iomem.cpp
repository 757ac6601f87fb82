// dom0 maps I/O memory: the first MiB (BIOS data, option ROMs, SMBIOS and ACPI pointers)
// is not RAM to the hypervisor but DOMID_IO's, and the initial domain may map it, named as
// its own or as DOMID_IO's, read-only or writable. Write-back and write-through requests
// become uncached (PCD|PWT: the hypervisor flips the bits missing), uncached stays.
#include "pv_mmu.h"

alignas(4096) static uint8_t a[4096], b[4096];

namespace {

constexpr uint64_t kBiosMfn = 0xf0; // the BIOS ROM shadow at 0xf0000
constexpr uint64_t kCache = xt::PTE_PWT | xt::PTE_PCD | (1ull << 7);

long map_as(uint64_t pa, uint64_t val, uint16_t owner) {
    xen::mmu_update req{pa | xen::MMU_NORMAL_PT_UPDATE, val};
    unsigned done = 0;
    return mmu::mmu_update(&req, 1, &done, owner);
}

} // namespace

void test_main() {
    uint64_t va = mmu::va_of(a), vb = mmu::va_of(b);
    uint64_t pa = mmu::entry_maddr(va, 1), pb = mmu::entry_maddr(vb, 1);
    uint64_t old_a = mmu::entry(va, 1), old_b = mmu::entry(vb, 1);
    uint64_t ro = (kBiosMfn << 12) | xt::PTE_P | xt::PTE_A;

    XT_CHECK_RC(mmu::update(pa, ro), 0);
    XT_CHECK_EQ(mmu::entry(va, 1) & (mmu::ADDR | kCache),
                (kBiosMfn << 12) | xt::PTE_PWT | xt::PTE_PCD);
    XT_CHECK_RC(map_as(pb, ro | xt::PTE_RW | xt::PTE_PWT, xen::DOMID_IO), 0);
    XT_CHECK_EQ(mmu::entry(vb, 1) & (mmu::ADDR | kCache | xt::PTE_RW),
                (kBiosMfn << 12) | xt::PTE_PWT | xt::PTE_PCD | xt::PTE_RW);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_TLB_FLUSH_LOCAL), 0);
    const volatile uint64_t* pa_words = reinterpret_cast<const volatile uint64_t*>(a);
    const volatile uint64_t* pb_words = reinterpret_cast<const volatile uint64_t*>(b);
    for (unsigned i = 0; i < 512; i++)
        XT_CHECK_EQ(pa_words[i], pb_words[i]);

    XT_CHECK_RC(mmu::update(pa, ro | xt::PTE_PCD | xt::PTE_PWT), 0);
    XT_CHECK_EQ(mmu::entry(va, 1) & kCache, xt::PTE_PCD | xt::PTE_PWT);
    XT_CHECK_RC(mmu::update(pa, (0x9full << 12) | xt::PTE_P), 0); // the EBDA, below 640 KiB
    XT_CHECK_RC(mmu::update(pa, xt::PTE_P), 0);                   // frame 0: the real-mode IVT

    XT_CHECK_RC(mmu::update(pa, old_a), 0);
    XT_CHECK_RC(mmu::update(pb, old_b), 0);
    XT_CHECK_RC(mmu::ext(xen::MMUEXT_TLB_FLUSH_LOCAL), 0);
    a[0] = 1;
    b[0] = 1;
    xt::report_success();
}
