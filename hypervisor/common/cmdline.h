// Xen-style hypervisor command line: "name", "name=value" and "no-name" words, values
// optionally in double quotes. Options are Param objects that each subsystem registers
// next to the variable it sets; nothing on the command line can stop the boot: unknown
// options and bad values are logged and skipped.
#pragma once
#include <stddef.h>
#include <stdint.h>

enum class ParamType : uint8_t { kBool, kUint, kSize, kString, kCustom };

// 64 bytes and aligned to it, so the compiler's padding of large objects never leaves
// gaps between the Params the linker gathers into one section.
struct alignas(64) Param {
    const char* name;
    ParamType type;
    uint8_t default_shift; // kSize: the unit of a bare number (0 bytes, 10 KiB, 20 MiB...)
    void* target;
    size_t size;  // kBool: 1; kUint/kSize: bytes of the target (1, 2, 4, 8); kString: capacity
    uint64_t min; // kUint/kSize: accepted range, inclusive
    uint64_t max;
    // kCustom: gets the value, or nullptr for a bare "name"; false means a bad value.
    bool (*parse)(const char* value);
};
static_assert(sizeof(Param) == 64);

// Applies every word of cmdline to the matching params (all of them, if several share a
// name). '-' and '_' in names are the same. A word "--" ends the hypervisor's part (Xen
// passes what follows to dom0). Returns how many words were ignored.
unsigned parse_cmdline(const char* cmdline, const Param* begin, const Param* end);

// Value parsers shared with custom options; all reject trailing garbage and overflow.
bool parse_bool(const char* s, bool* out);     // 1/0 yes/no on/off true/false enable/disable
bool parse_uint(const char* s, uint64_t* out); // decimal or 0x hex
// A number with an optional B/K/M/G/T suffix (binary units, any case); a bare number is
// in units of 1 << default_shift bytes.
bool parse_size(const char* s, uint64_t* out, unsigned default_shift = 0);
// The same over the first len bytes of s (for custom parsers splitting "a,b:c").
bool parse_uint(const char* s, size_t len, uint64_t* out);
bool parse_size(const char* s, size_t len, uint64_t* out, unsigned default_shift = 0);

// The hypervisor: applies the command line to every registered param.
void cmdline_apply(const char* cmdline);

// Registration. Each macro defines a Param in the .data.params section, which the
// linker script brackets with __params_start and __params_end.
#define XENON_PARAM_SECTION ".data.params"
#define XENON_PARAM_CONCAT2(a, b) a##b
#define XENON_PARAM_CONCAT(a, b) XENON_PARAM_CONCAT2(a, b)
#define XENON_PARAM_DEFINE(...)                                                                    \
    [[gnu::used, gnu::section(XENON_PARAM_SECTION)]] static constinit Param XENON_PARAM_CONCAT(    \
        xenon_param_, __COUNTER__) = __VA_ARGS__

namespace cmdline_detail {
template <typename T> constexpr uint64_t uint_max() {
    static_assert(T(-1) > T(0), "XENON_PARAM_UINT needs an unsigned integer variable");
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    return uint64_t(T(-1));
}
template <typename T> constexpr size_t bool_size() {
    static_assert(__is_same(T, bool), "XENON_PARAM_BOOL needs a bool variable");
    return 1;
}
} // namespace cmdline_detail

#define XENON_PARAM_BOOL(name, var)                                                                \
    XENON_PARAM_DEFINE({name, ParamType::kBool, 0, &(var),                                         \
                        cmdline_detail::bool_size<__typeof__(var)>(), 0, 1, nullptr})
#define XENON_PARAM_UINT_RANGE(name, var, lo, hi)                                                  \
    XENON_PARAM_DEFINE({name, ParamType::kUint, 0, &(var), sizeof(var), lo,                        \
                        (hi) < cmdline_detail::uint_max<__typeof__(var)>()                         \
                            ? (hi)                                                                 \
                            : cmdline_detail::uint_max<__typeof__(var)>(),                         \
                        nullptr})
#define XENON_PARAM_UINT(name, var)                                                                \
    XENON_PARAM_UINT_RANGE(name, var, 0, cmdline_detail::uint_max<__typeof__(var)>())
// Sizes whose bare numbers are bytes; XENON_PARAM_SIZE_UNIT picks another unit.
#define XENON_PARAM_SIZE_UNIT(name, var, shift)                                                    \
    XENON_PARAM_DEFINE({name, ParamType::kSize, shift, &(var), sizeof(var), 0,                     \
                        cmdline_detail::uint_max<__typeof__(var)>(), nullptr})
#define XENON_PARAM_SIZE(name, var) XENON_PARAM_SIZE_UNIT(name, var, 0)
// var is a char array; values that do not fit are refused, never cut.
#define XENON_PARAM_STRING(name, var)                                                              \
    XENON_PARAM_DEFINE({name, ParamType::kString, 0, &(var)[0], sizeof(var), 0, 0, nullptr})
#define XENON_PARAM_CUSTOM(name, fn)                                                               \
    XENON_PARAM_DEFINE({name, ParamType::kCustom, 0, nullptr, 0, 0, 0, fn})
