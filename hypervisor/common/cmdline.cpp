#include "common/cmdline.h"

#include "common/console.h"
#include "lib/string.h"

namespace {

// Longer words are junk, not options; the limit keeps the scratch buffer on the stack.
constexpr size_t kMaxWord = 1024;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
char to_lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool equal_nocase(const char* a, const char* b) {
    for (; *a && *b; a++, b++)
        if (to_lower(*a) != to_lower(*b))
            return false;
    return *a == *b;
}

// Xen treats '-' and '_' in option names as the same character.
bool name_equal(const char* a, const char* b) {
    for (; *a && *b; a++, b++) {
        char x = *a == '_' ? '-' : *a;
        char y = *b == '_' ? '-' : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

struct Word {
    char text[kMaxWord];
    size_t len;
    bool unprintable;
    bool unbalanced;
    bool too_long;
};

// Reads the word at p into w, without its quotes; returns where the next word starts
// or nullptr at the end of the line.
const char* next_word(const char* p, Word* w) {
    while (is_space(*p))
        p++;
    if (!*p)
        return nullptr;
    w->len = 0;
    w->unprintable = w->unbalanced = w->too_long = false;
    bool quoted = false;
    for (; *p && (quoted || !is_space(*p)); p++) {
        auto c = static_cast<unsigned char>(*p);
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (c < 0x20 || c >= 0x7f)
            w->unprintable = true;
        if (w->len == kMaxWord - 1)
            w->too_long = true;
        else
            w->text[w->len++] = char(c);
    }
    w->text[w->len] = '\0';
    w->unbalanced = quoted;
    return p;
}

void store_uint(const Param& p, uint64_t v) {
    switch (p.size) {
    case 1:
        *static_cast<uint8_t*>(p.target) = uint8_t(v);
        break;
    case 2:
        *static_cast<uint16_t*>(p.target) = uint16_t(v);
        break;
    case 4:
        *static_cast<uint32_t*>(p.target) = uint32_t(v);
        break;
    default:
        *static_cast<uint64_t*>(p.target) = v;
        break;
    }
}

bool needs_value(const Param& p, const char* value) {
    if (value)
        return true;
    log_warn("cmdline: option '%s' needs a value; ignored", p.name);
    return false;
}

bool bad_value(const Param& p, const char* value) {
    log_warn("cmdline: bad value '%.64s' for '%s' ignored", value ? value : "", p.name);
    return false;
}

bool apply_number(const Param& p, const char* value) {
    uint64_t v;
    if (!needs_value(p, value))
        return false;
    bool ok =
        p.type == ParamType::kUint ? parse_uint(value, &v) : parse_size(value, &v, p.default_shift);
    if (!ok)
        return bad_value(p, value);
    if (v < p.min || v > p.max) {
        log_warn("cmdline: value '%s' for '%s' is outside %lu..%lu; ignored", value, p.name,
                 static_cast<unsigned long>(p.min), static_cast<unsigned long>(p.max));
        return false;
    }
    store_uint(p, v);
    return true;
}

// Applies one option; negated is the "no-name" form.
bool apply(const Param& p, const char* value, bool negated) {
    if (negated && (p.type != ParamType::kBool || value)) {
        log_warn("cmdline: 'no-%s%s%s' is not valid for option '%s'; ignored", p.name,
                 value ? "=" : "", value ? value : "", p.name);
        return false;
    }
    switch (p.type) {
    case ParamType::kBool: {
        bool v = true;
        if (value && !parse_bool(value, &v))
            return bad_value(p, value);
        *static_cast<bool*>(p.target) = negated ? !v : v;
        return true;
    }
    case ParamType::kUint:
    case ParamType::kSize:
        return apply_number(p, value);
    case ParamType::kString: {
        if (!needs_value(p, value))
            return false;
        size_t len = strlen(value);
        if (len >= p.size) {
            log_warn("cmdline: value for '%s' is longer than %zu characters; ignored", p.name,
                     p.size - 1);
            return false;
        }
        memcpy(p.target, value, len + 1);
        return true;
    }
    case ParamType::kCustom:
        return p.parse(value) || bad_value(p, value);
    }
    return false;
}

// Applies "name", "name=value" or "no-name" to every param of that name.
bool apply_word(char* text, const Param* begin, const Param* end) {
    const char* value = nullptr;
    if (char* eq = const_cast<char*>(strchr(text, '='))) {
        *eq = '\0';
        value = eq + 1;
    }
    if (!*text) {
        log_warn("cmdline: option with no name ('=%.64s') ignored", value ? value : "");
        return false;
    }
    bool matched = false, ok = true;
    for (const Param* p = begin; p < end; p++) {
        if (name_equal(p->name, text)) {
            matched = true;
            ok &= apply(*p, value, false);
        }
    }
    bool negated_form = strncmp(text, "no-", 3) == 0 || strncmp(text, "no_", 3) == 0;
    if (!matched && negated_form) {
        for (const Param* p = begin; p < end; p++) {
            if (name_equal(p->name, text + 3)) {
                matched = true;
                ok &= apply(*p, value, true);
            }
        }
    }
    if (!matched)
        log_warn("cmdline: unknown option '%.64s' ignored", text);
    return matched && ok;
}

int digit_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = to_lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
}

// Parses the number at the start of s[0..len); *used says how many bytes it took.
bool parse_number_prefix(const char* s, size_t len, uint64_t* out, size_t* used) {
    unsigned base = 10;
    size_t i = 0;
    if (len > 2 && s[0] == '0' && to_lower(s[1]) == 'x') {
        base = 16;
        i = 2;
    }
    size_t first = i;
    uint64_t v = 0;
    for (; i < len; i++) {
        int d = digit_value(s[i]);
        if (d >= int(base))
            break;
        if (v > (UINT64_MAX - unsigned(d)) / base)
            return false;
        v = v * base + unsigned(d);
    }
    if (i == first)
        return false;
    *out = v;
    *used = i;
    return true;
}

} // namespace

bool parse_bool(const char* s, bool* out) {
    static constexpr const char* kTrue[] = {"1", "yes", "on", "true", "enable"};
    static constexpr const char* kFalse[] = {"0", "no", "off", "false", "disable"};
    for (const char* t : kTrue)
        if (equal_nocase(s, t))
            return *out = true, true;
    for (const char* f : kFalse)
        if (equal_nocase(s, f))
            return *out = false, true;
    return false;
}

bool parse_uint(const char* s, size_t len, uint64_t* out) {
    size_t used;
    uint64_t v;
    if (!parse_number_prefix(s, len, &v, &used) || used != len)
        return false;
    *out = v;
    return true;
}

bool parse_uint(const char* s, uint64_t* out) {
    return parse_uint(s, strlen(s), out);
}

bool parse_size(const char* s, size_t len, uint64_t* out, unsigned default_shift) {
    size_t used;
    uint64_t v;
    if (!parse_number_prefix(s, len, &v, &used))
        return false;
    unsigned shift = default_shift;
    if (used + 1 == len) {
        switch (to_lower(s[used])) {
        case 'b':
            shift = 0;
            break;
        case 'k':
            shift = 10;
            break;
        case 'm':
            shift = 20;
            break;
        case 'g':
            shift = 30;
            break;
        case 't':
            shift = 40;
            break;
        default:
            return false;
        }
    } else if (used != len) {
        return false;
    }
    if (shift >= 64 || v > (UINT64_MAX >> shift))
        return false;
    *out = v << shift;
    return true;
}

bool parse_size(const char* s, uint64_t* out, unsigned default_shift) {
    return parse_size(s, strlen(s), out, default_shift);
}

unsigned parse_cmdline(const char* cmdline, const Param* begin, const Param* end) {
    if (!cmdline)
        return 0;
    unsigned ignored = 0;
    bool warned_unprintable = false;
    Word w;
    for (const char* p = cmdline; (p = next_word(p, &w));) {
        if (w.unprintable) {
            if (!warned_unprintable)
                log_warn("cmdline: non-printable characters on the command line; the words "
                         "holding them are ignored");
            warned_unprintable = true;
            ignored++;
        } else if (w.too_long) {
            log_warn("cmdline: option '%.32s...' is longer than %zu characters; ignored", w.text,
                     kMaxWord - 1);
            ignored++;
        } else if (w.unbalanced) {
            log_warn("cmdline: unbalanced quote in '%.64s'; ignored", w.text);
            ignored++;
        } else if (strcmp(w.text, "--") == 0) {
            break; // the rest belongs to dom0
        } else if (!apply_word(w.text, begin, end)) {
            ignored++;
        }
    }
    return ignored;
}
