// \_S5_ (soft-off) sleep type from AML without an interpreter.
//
// Firmware and QEMU encode it as Name(_S5_, Package(){a, b, ...}): NameOp, the name
// (maybe with a root prefix), PackageOp, PkgLength, NumElements, then small integer
// constants. A byte search for exactly that shape is enough; xenon does not run AML.
#include "common/acpi/tables.h"

namespace acpi {

namespace {

constexpr uint8_t kZeroOp = 0x00;
constexpr uint8_t kOneOp = 0x01;
constexpr uint8_t kNameOp = 0x08;
constexpr uint8_t kBytePrefix = 0x0a;
constexpr uint8_t kWordPrefix = 0x0b;
constexpr uint8_t kDWordPrefix = 0x0c;
constexpr uint8_t kQWordPrefix = 0x0e;
constexpr uint8_t kPackageOp = 0x12;
constexpr uint8_t kRootChar = '\\';

// Reads one integer element at *pos (before end); keeps only the low byte, since
// SLP_TYP is a 3-bit field. Anything that is not a constant prefix is taken as a raw byte.
bool read_element(const uint8_t* aml, size_t* pos, size_t end, uint8_t* value) {
    size_t p = *pos;
    if (p >= end)
        return false;
    size_t size;
    switch (aml[p]) {
    case kZeroOp:
    case kOneOp:
        *value = aml[p];
        *pos = p + 1;
        return true;
    case kBytePrefix:
        size = 1;
        break;
    case kWordPrefix:
        size = 2;
        break;
    case kDWordPrefix:
        size = 4;
        break;
    case kQWordPrefix:
        size = 8;
        break;
    default:
        *value = aml[p];
        *pos = p + 1;
        return true;
    }
    if (end - p - 1 < size)
        return false;
    *value = aml[p + 1];
    *pos = p + 1 + size;
    return true;
}

// Parses the package that starts at aml[p] (the PackageOp).
bool parse_package(const uint8_t* aml, size_t p, size_t length, SleepType* out) {
    if (p >= length || aml[p] != kPackageOp)
        return false;
    p++;
    if (p >= length)
        return false;
    // PkgLength: bits 7-6 of the lead byte count the bytes that follow (0-3). With none,
    // bits 5-0 are the length; otherwise bits 3-0 are its low nibble.
    uint8_t lead = aml[p];
    size_t follow = lead >> 6;
    if (length - p < 1 + follow)
        return false;
    size_t pkg_len = follow ? lead & 0x0f : lead & 0x3f;
    for (size_t i = 0; i < follow; i++)
        pkg_len |= size_t(aml[p + 1 + i]) << (4 + 8 * i);
    // The length counts from the PkgLength byte itself; never trust it past the table.
    size_t end = pkg_len <= length - p ? p + pkg_len : length;
    p += 1 + follow;
    if (p >= end)
        return false;
    uint8_t count = aml[p++];
    if (count == 0 || !read_element(aml, &p, end, &out->slp_typa))
        return false;
    if (count < 2 || !read_element(aml, &p, end, &out->slp_typb))
        out->slp_typb = 0;
    return true;
}

} // namespace

SleepType find_s5(const uint8_t* aml, size_t length) {
    for (size_t i = 1; i + 4 <= length; i++) {
        if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_')
            continue;
        size_t name = aml[i - 1] == kRootChar ? i - 1 : i;
        if (name == 0 || aml[name - 1] != kNameOp)
            continue;
        SleepType s{};
        if (parse_package(aml, i + 4, length, &s)) {
            s.found = true;
            return s;
        }
    }
    return SleepType{};
}

} // namespace acpi
