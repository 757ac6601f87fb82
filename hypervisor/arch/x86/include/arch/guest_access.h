// Reading and writing the current PV guest's memory by its virtual addresses. Every
// access is checked (no hypervisor range, no wrap-around) and survives a fault: a bad
// guest pointer costs the guest -EFAULT, never xenon.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace arch {

// Whether [va, va + len) is guest address space at all (canonical, outside xenon's hole).
bool guest_range_ok(uint64_t va, size_t len);

// 0, or -XEN_EFAULT if any byte could not be accessed (a prefix may have been copied).
int copy_from_guest(void* dst, uint64_t guest_va, size_t len);
int copy_to_guest(uint64_t guest_va, const void* src, size_t len);

template <typename T> int get_guest(T& value, uint64_t guest_va) {
    return copy_from_guest(&value, guest_va, sizeof(T));
}
template <typename T> int put_guest(uint64_t guest_va, const T& value) {
    return copy_to_guest(guest_va, &value, sizeof(T));
}

} // namespace arch
