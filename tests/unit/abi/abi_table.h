// A flat table of named ABI facts (constant values, sizes, alignments, offsets), built
// once from xenon's headers and once from Xen 4.17's, so that abi_check_test.cpp can
// compare them name by name. Kept free of both header sets: each side is its own
// translation unit, since Xen's C macros and structs clash with xenon's names.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace abi_check {

struct Entry {
    const char* name;
    int64_t value;
};

struct Table {
    const Entry* entries;
    size_t count;
};

// Every fact is widened to int64_t the same way on both sides.
template <typename T> constexpr int64_t as_i64(T v) {
    return static_cast<int64_t>(v);
}

Table xenon_table();  // xenon_side.cpp
Table xen417_table(); // xen417_side.cpp

// Xen's errno list, enumerated through its own X-macro (xen/errno.h), so that an errno
// Xen defines but xenon lacks is caught even if abi_entries.inc forgot it.
Table xen417_errno_table();

} // namespace abi_check
