// Placement new without the C++ runtime. The host build takes the standard library's
// declaration so the two never clash.
#pragma once
#include <stddef.h>

#ifdef XENON_HYPERVISOR
inline void *operator new(size_t, void *where) noexcept {
    return where;
}
inline void *operator new[](size_t, void *where) noexcept {
    return where;
}
#else
#include <new>
#endif
