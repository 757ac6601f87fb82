#include "arch/guest_access.h"

#include "arch/extable.h"
#include "arch/hvm.h"
#include "common/domain.h"
#include "public/arch-x86.h"
#include "public/errno.h"

namespace arch {
namespace {

bool canonical(uint64_t va) { return static_cast<uint64_t>(static_cast<int64_t>(va << 16) >> 16) == va; }

// Copies with a fixup: returns the number of bytes NOT copied. Whole quadwords first
// (one access each, where a byte copy would make eight), then the tail bytes; a fault in
// either leaves the count of what is left.
size_t copy_with_fixup(void* dst, const void* src, size_t len) {
    size_t quads = len / 8, tail = len % 8;
    asm volatile("1: rep movsq\n"
                 "2:\n\t" EXTABLE_ENTRY(1b, 2b)
                 : "+D"(dst), "+S"(src), "+c"(quads)
                 :
                 : "memory");
    if (quads)
        return quads * 8 + tail;
    asm volatile("1: rep movsb\n"
                 "2:\n\t" EXTABLE_ENTRY(1b, 2b)
                 : "+D"(dst), "+S"(src), "+c"(tail)
                 :
                 : "memory");
    return tail;
}

} // namespace

bool guest_range_ok(uint64_t va, size_t len) {
    if (len == 0)
        return true;
    uint64_t last = va + len - 1;
    if (last < va)
        return false; // wraps
    if (!canonical(va) || !canonical(last))
        return false;
    // Non-canonical addresses between the halves are excluded above; what is left to
    // refuse is xenon's own range.
    return last < xen::HYPERVISOR_VIRT_START || va >= xen::HYPERVISOR_VIRT_END;
}

int copy_from_guest(void* dst, uint64_t guest_va, size_t len) {
    if (Vcpu* v = current_vcpu(); v && v->arch.hvm)
        return hvm_copy_from_guest(dst, guest_va, len);
    if (!guest_range_ok(guest_va, len))
        return -xen::XEN_EFAULT;
    return copy_with_fixup(dst, reinterpret_cast<const void*>(guest_va), len) ? -xen::XEN_EFAULT
                                                                              : 0;
}

int copy_to_guest(uint64_t guest_va, const void* src, size_t len) {
    if (Vcpu* v = current_vcpu(); v && v->arch.hvm)
        return hvm_copy_to_guest(guest_va, src, len);
    if (!guest_range_ok(guest_va, len))
        return -xen::XEN_EFAULT;
    return copy_with_fixup(reinterpret_cast<void*>(guest_va), src, len) ? -xen::XEN_EFAULT : 0;
}

} // namespace arch
