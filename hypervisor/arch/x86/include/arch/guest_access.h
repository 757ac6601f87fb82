// Reading and writing the current PV guest's memory by its virtual addresses. Every
// access is checked (no hypervisor range, no wrap-around) and survives a fault: a bad
// guest pointer costs the guest -EFAULT, never xenon.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arch/extable.h"
#include "public/errno.h"

namespace arch {

// Whether [va, va + len) is guest address space at all (canonical, outside xenon's hole).
bool guest_range_ok(uint64_t va, size_t len);

// 0, or -XEN_EFAULT if any byte could not be accessed (a prefix may have been copied).
int copy_from_guest(void* dst, uint64_t guest_va, size_t len);
int copy_to_guest(uint64_t guest_va, const void* src, size_t len);

// The hot paths' fixed-size copies (exception frames, iret contexts, instruction bytes):
// one mov per quadword, unrolled, with the fault fixups out of line, so the copy has no
// branch and no string instruction. Under emulation (QEMU's TCG) both end a translated
// block, and a rep-prefixed copy costs one block per repetition.
namespace detail {
#define GUEST_WORD_FIXUP                                                                           \
    "2:\n\t"                                                                                       \
    ".pushsection .text.guest_fixup, \"ax\"\n"                                                     \
    "3: movl $1, %k[fault]\n\t"                                                                    \
    "jmp 2b\n\t"                                                                                   \
    ".popsection\n\t" EXTABLE_ENTRY(1b, 3b)

[[gnu::always_inline]] inline void store_guest_word(uint64_t va, uint64_t value, unsigned& fault) {
    asm volatile("1: movq %[value], (%[va])\n\t" GUEST_WORD_FIXUP
                 : [fault] "+r"(fault)
                 : [va] "r"(va), [value] "r"(value)
                 : "memory");
}

[[gnu::always_inline]] inline uint64_t load_guest_word(uint64_t va, unsigned& fault) {
    uint64_t value = 0;
    asm volatile("1: movq (%[va]), %[value]\n\t" GUEST_WORD_FIXUP
                 : [fault] "+r"(fault), [value] "+r"(value)
                 : [va] "r"(va)
                 : "memory");
    return value;
}
#undef GUEST_WORD_FIXUP
} // namespace detail

// 0, or -XEN_EFAULT (some words may have been written).
template <unsigned N> int copy_words_to_guest(uint64_t guest_va, const uint64_t (&words)[N]) {
    if (!guest_range_ok(guest_va, N * 8))
        return -xen::XEN_EFAULT;
    unsigned fault = 0;
#pragma GCC unroll 16
    for (unsigned i = 0; i < N; i++)
        detail::store_guest_word(guest_va + i * 8, words[i], fault);
    return fault ? -xen::XEN_EFAULT : 0;
}

template <unsigned N> int copy_words_from_guest(uint64_t (&words)[N], uint64_t guest_va) {
    if (!guest_range_ok(guest_va, N * 8))
        return -xen::XEN_EFAULT;
    unsigned fault = 0;
#pragma GCC unroll 16
    for (unsigned i = 0; i < N; i++)
        words[i] = detail::load_guest_word(guest_va + i * 8, fault);
    return fault ? -xen::XEN_EFAULT : 0;
}

template <typename T> int get_guest(T& value, uint64_t guest_va) {
    return copy_from_guest(&value, guest_va, sizeof(T));
}
template <typename T> int put_guest(uint64_t guest_va, const T& value) {
    return copy_to_guest(guest_va, &value, sizeof(T));
}

} // namespace arch
