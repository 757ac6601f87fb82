// An HVM guest's memory as xenon reaches it for hypercalls: a guest virtual address is
// walked through the guest's own page tables (read from guest-physical memory), the
// result through the p2m, and the frame read or written through the direct map. Only
// frames the p2m gives the domain are ever touched.
#include "arch/hvm.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/x86/hvm/hvm.h"
#include "arch/x86/svm/vmcb.h"
#include "common/domain.h"
#include "lib/string.h"
#include "public/errno.h"

namespace arch {
namespace {

constexpr uint64_t kCr0Pg = 1ull << 31, kCr0Wp = 1 << 16, kEferLma = 1 << 10;

// The hypervisor address of guest-physical `gpa` in d, or nullptr.
uint8_t* gpa_to_virt(Domain& d, uint64_t gpa) {
    hvm::P2mType t;
    uint64_t mfn = hvm::p2m_lookup(hvm::domain_of(d).p2m, gpa >> PAGE_SHIFT, &t);
    if (mfn == hvm::kInvalidMfn)
        return nullptr;
    return static_cast<uint8_t*>(phys_to_virt(mfn << PAGE_SHIFT)) + (gpa & (PAGE_SIZE - 1));
}

// Guest virtual -> guest physical for the current vCPU: false for an address its page
// tables do not map (or not writable, for a write while CR0.WP is set).
bool translate(Vcpu& v, uint64_t va, bool write, uint64_t* gpa) {
    const svm::Vmcb& vmcb = *hvm::vcpu_of(v).vmcb;
    if (!(vmcb.cr0 & kCr0Pg)) {
        *gpa = va & 0xffffffff;
        return true;
    }
    if (!(vmcb.efer & kEferLma))
        return false; // 32-bit paging is not walked yet: hypercalls come from long mode
    uint64_t table = vmcb.cr3 & kPteAddrMask;
    bool check_write = write && (vmcb.cr0 & kCr0Wp);
    for (int level = 3; level >= 0; level--) {
        auto* e = reinterpret_cast<uint64_t*>(
            gpa_to_virt(*v.domain, table + ((va >> (12 + 9 * level)) & 511) * 8));
        if (!e)
            return false;
        uint64_t entry = __atomic_load_n(e, __ATOMIC_RELAXED);
        if (!(entry & kPtePresent) || (check_write && !(entry & kPteWrite)))
            return false;
        if (level > 0 && level < 3 && (entry & kPteLarge)) {
            uint64_t size = 1ull << (12 + 9 * level);
            *gpa = (entry & kPteAddrMask & ~(size - 1)) | (va & (size - 1));
            return true;
        }
        table = entry & kPteAddrMask;
    }
    *gpa = table | (va & (PAGE_SIZE - 1));
    return true;
}

template <typename Fn> int for_each_chunk(uint64_t va, size_t len, bool write, Fn fn) {
    Vcpu* v = current_vcpu();
    while (len) {
        size_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        uint64_t gpa;
        uint8_t* p;
        if (!translate(*v, va, write, &gpa) || !(p = gpa_to_virt(*v->domain, gpa)))
            return -xen::XEN_EFAULT;
        fn(p, n);
        va += n, len -= n;
    }
    return 0;
}

template <typename Fn> int for_each_phys_chunk(Domain& d, uint64_t gpa, size_t len, Fn fn) {
    while (len) {
        size_t n = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        uint8_t* p = gpa_to_virt(d, gpa);
        if (!p)
            return -xen::XEN_EFAULT;
        fn(p, n);
        gpa += n, len -= n;
    }
    return 0;
}

} // namespace

int hvm_copy_from_guest(void* dst, uint64_t va, size_t len) {
    auto* out = static_cast<uint8_t*>(dst);
    return for_each_chunk(va, len, false, [&](uint8_t* p, size_t n) {
        memcpy(out, p, n);
        out += n;
    });
}

int hvm_copy_to_guest(uint64_t va, const void* src, size_t len) {
    auto* in = static_cast<const uint8_t*>(src);
    return for_each_chunk(va, len, true, [&](uint8_t* p, size_t n) {
        memcpy(p, in, n);
        in += n;
    });
}

int hvm_copy_to_guest_phys(Domain& d, uint64_t gpa, const void* src, size_t len) {
    auto* in = static_cast<const uint8_t*>(src);
    return for_each_phys_chunk(d, gpa, len, [&](uint8_t* p, size_t n) {
        if (in) {
            memcpy(p, in, n);
            in += n;
        } else {
            memset(p, 0, n);
        }
    });
}

int hvm_copy_from_guest_phys(Domain& d, void* dst, uint64_t gpa, size_t len) {
    auto* out = static_cast<uint8_t*>(dst);
    return for_each_phys_chunk(d, gpa, len, [&](uint8_t* p, size_t n) {
        memcpy(out, p, n);
        out += n;
    });
}

} // namespace arch
