// libFuzzer target: common/cmdline.h. Any bytes (up to the first NUL) as the hypervisor's
// command line, applied to a set of params of every kind: nothing may be written outside
// a param's target, strings stay NUL-terminated within their capacity, numbers within
// their range. The value parsers are fed the same bytes directly.
// FUZZ_REQUIRES: hypervisor/common/cmdline.h
#include <stddef.h>
#include <stdint.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "common/cmdline.h"

namespace {

struct Targets {
    uint64_t guard0;
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint64_t ranged;
    uint64_t size_bytes;
    uint32_t size_mib;
    char str[16];
    uint64_t guard1;
};
Targets t;
unsigned custom_calls;

bool custom(const char* value) {
    custom_calls++;
    return value == nullptr || strlen(value) < 64;
}

const Param kParams[] = {
    {"flag", ParamType::kBool, 0, &t.flag, 1, 0, 1, nullptr},
    {"u8", ParamType::kUint, 0, &t.u8, 1, 0, 0xff, nullptr},
    {"u16", ParamType::kUint, 0, &t.u16, 2, 0, 0xffff, nullptr},
    {"u32", ParamType::kUint, 0, &t.u32, 4, 0, 0xffffffff, nullptr},
    {"u64", ParamType::kUint, 0, &t.u64, 8, 0, ~0ull, nullptr},
    {"ranged", ParamType::kUint, 0, &t.ranged, 8, 10, 20, nullptr},
    {"size", ParamType::kSize, 0, &t.size_bytes, 8, 0, ~0ull, nullptr},
    {"mem", ParamType::kSize, 20, &t.size_mib, 4, 0, 0xffffffff, nullptr},
    {"str", ParamType::kString, 0, t.str, sizeof t.str, 0, 0, nullptr},
    {"custom", ParamType::kCustom, 0, nullptr, 0, 0, 0, custom},
    {"u8", ParamType::kUint, 0, &t.u8, 1, 0, 0xff, nullptr}, // a name given twice
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string s(reinterpret_cast<const char*>(data), size); // stops nowhere: c_str() ends it
    t = {};
    t.guard0 = t.guard1 = 0x5a5a5a5a5a5a5a5aull;
    t.ranged = 15;
    parse_cmdline(s.c_str(), kParams, kParams + sizeof kParams / sizeof kParams[0]);
    if (t.guard0 != 0x5a5a5a5a5a5a5a5aull || t.guard1 != 0x5a5a5a5a5a5a5a5aull)
        abort();
    if (memchr(t.str, 0, sizeof t.str) == nullptr)
        abort();
    if (t.ranged < 10 || t.ranged > 20)
        abort();
    uint64_t v;
    bool b;
    parse_bool(s.c_str(), &b);
    parse_uint(s.c_str(), &v);
    parse_size(s.c_str(), &v, 0);
    parse_size(s.c_str(), &v, 30);
    parse_uint(s.data(), s.size(), &v);
    parse_size(s.data(), s.size(), &v, 10);
    return 0;
}
