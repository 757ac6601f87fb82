// The boot options Xen's users put on its command line, registered with the parser.
#include "common/options.h"

#include "common/cmdline.h"
#include "lib/string.h"

namespace {

constinit BootOptions options;

// The length of s up to (not including) the first c or the end.
size_t field_len(const char* s, char c) {
    size_t n = 0;
    while (s[n] && s[n] != c)
        n++;
    return n;
}

bool field_is(const char* s, size_t len, const char* word) {
    return strlen(word) == len && strncmp(s, word, len) == 0;
}

// "8n1": data bits, parity, stop bits.
bool parse_dps(const char* s, size_t len, SerialConfig* c) {
    if (len != 3 || s[0] < '5' || s[0] > '8' || !strchr("noems", s[1]) || s[2] < '1' || s[2] > '2')
        return false;
    c->data_bits = uint8_t(s[0] - '0');
    c->parity = s[1];
    c->stop_bits = uint8_t(s[2] - '0');
    return true;
}

bool parse_level(const char* s, size_t len, LogLevel* out) {
    static constexpr struct {
        const char* name;
        LogLevel level;
    } kNames[] = {
        {"none", LogLevel::error}, // errors are always shown
        {"error", LogLevel::error}, {"warning", LogLevel::warning}, {"info", LogLevel::info},
        {"debug", LogLevel::debug}, {"all", LogLevel::debug},
    };
    for (const auto& n : kNames) {
        if (field_is(s, len, n.name)) {
            *out = n.level;
            return true;
        }
    }
    uint64_t v;
    if (!parse_uint(s, len, &v))
        return false;
    *out = v >= uint64_t(LogLevel::debug) ? LogLevel::debug : LogLevel(v);
    return true;
}

// [-]<size> or <percent>%; bare numbers are KiB, as in Xen.
bool parse_dom0_amount(const char* s, size_t len, Dom0MemAmount* out) {
    if (len > 1 && s[len - 1] == '%') {
        uint64_t pct;
        if (!parse_uint(s, len - 1, &pct) || pct > 100)
            return false;
        *out = {Dom0MemAmount::Kind::kPercent, pct};
        return true;
    }
    bool all_but = len > 0 && s[0] == '-';
    if (all_but) {
        s++;
        len--;
    }
    uint64_t bytes;
    if (!parse_size(s, len, &bytes, 10))
        return false;
    *out = {all_but ? Dom0MemAmount::Kind::kAllBut : Dom0MemAmount::Kind::kBytes, bytes};
    return true;
}

bool com_param(const char* value, SerialConfig* port) {
    return value && parse_serial_config(value, port);
}
bool parse_com1(const char* value) {
    return com_param(value, &options.com1);
}
bool parse_com2(const char* value) {
    return com_param(value, &options.com2);
}

bool parse_loglvl(const char* value) {
    if (!value || !parse_log_levels(value, &options.loglvl))
        return false;
    console::set_level(options.loglvl.level);
    return true;
}

bool parse_guest_loglvl(const char* value) {
    return value && parse_log_levels(value, &options.guest_loglvl);
}

bool parse_dom0_mem_option(const char* value) {
    return value && parse_dom0_mem(value, &options.dom0_mem);
}

// dom0=<list>: Xen's comma-separated dom0 settings; xenon takes pv and pvh (the others,
// such as shadow or verbose, are accepted and ignored).
bool parse_dom0_option(const char* value) {
    if (!value)
        return false;
    while (*value) {
        size_t len = field_len(value, ',');
        if (field_is(value, len, "pvh"))
            options.dom0_pvh = true;
        else if (field_is(value, len, "pv"))
            options.dom0_pvh = false;
        value += len;
        if (*value == ',')
            value++;
    }
    return true;
}

bool parse_dom0_max_vcpus_option(const char* value) {
    return value &&
           parse_dom0_max_vcpus(value, &options.dom0_max_vcpus_min, &options.dom0_max_vcpus_max);
}

} // namespace

XENON_PARAM_STRING("console", options.console);
XENON_PARAM_CUSTOM("dom0", parse_dom0_option);
XENON_PARAM_CUSTOM("dom0_max_vcpus", parse_dom0_max_vcpus_option);
XENON_PARAM_BOOL("dom0_vcpus_pin", options.dom0_vcpus_pin);
XENON_PARAM_CUSTOM("com1", parse_com1);
XENON_PARAM_CUSTOM("com2", parse_com2);
XENON_PARAM_CUSTOM("loglvl", parse_loglvl);
XENON_PARAM_CUSTOM("guest_loglvl", parse_guest_loglvl);
XENON_PARAM_CUSTOM("dom0_mem", parse_dom0_mem_option);
XENON_PARAM_UINT("maxcpus", options.maxcpus);
XENON_PARAM_BOOL("noreboot", options.noreboot);
XENON_PARAM_BOOL("smap", options.smap);
XENON_PARAM_BOOL("smep", options.smep);
XENON_PARAM_BOOL("sync_console", options.sync_console);
XENON_PARAM_UINT("debug_exit", options.debug_exit);

const BootOptions& boot_options() {
    return options;
}

bool parse_serial_config(const char* value, SerialConfig* out) {
    SerialConfig c = *out;
    // Baud rate (or "auto"), with an optional "/clock".
    size_t len = field_len(value, ',');
    size_t baud_len = field_len(value, '/') < len ? field_len(value, '/') : len;
    uint64_t v;
    if (field_is(value, baud_len, "auto"))
        c.baud = 0;
    else if (parse_uint(value, baud_len, &v) && v > 0 && v <= 4000000)
        c.baud = uint32_t(v);
    else
        return false;
    if (baud_len < len) {
        if (!parse_uint(value + baud_len + 1, len - baud_len - 1, &v) || v == 0 || v > UINT32_MAX)
            return false;
        c.clock_hz = uint32_t(v);
    }
    // Then ",DPS", ",io-base", ",irq"; an empty field keeps its default.
    const char* s = value + len;
    for (int field = 0; *s == ','; field++) {
        s++;
        len = field_len(s, ',');
        if (len == 0) {
            // nothing to change
        } else if (field == 0) {
            if (!parse_dps(s, len, &c))
                return false;
        } else if (field == 1) {
            if (!parse_uint(s, len, &v) || v == 0 || v > 0xffff)
                return false;
            c.io_base = uint16_t(v);
        } else if (field == 2) {
            if (!parse_uint(s, len, &v) || v > 255)
                return false;
            c.irq = uint8_t(v);
        } else {
            return false; // PCI and bridge fields: not supported
        }
        s += len;
    }
    c.set = true;
    *out = c;
    return true;
}

bool parse_log_levels(const char* value, LogLevels* out) {
    LogLevels l = *out;
    size_t len = field_len(value, '/');
    if (!parse_level(value, len, &l.level))
        return false;
    if (value[len] == '/' && !parse_level(value + len + 1, strlen(value + len + 1), &l.ratelimited))
        return false;
    *out = l;
    return true;
}

bool parse_dom0_mem(const char* value, Dom0Mem* out) {
    Dom0Mem m = *out;
    const char* s = value;
    for (;;) {
        size_t len = field_len(s, ',');
        bool ok;
        if (len >= 4 && strncmp(s, "min:", 4) == 0)
            ok = parse_dom0_amount(s + 4, len - 4, &m.min);
        else if (len >= 4 && strncmp(s, "max:", 4) == 0)
            ok = parse_dom0_amount(s + 4, len - 4, &m.max);
        else
            ok = parse_dom0_amount(s, len, &m.amount);
        if (!ok)
            return false;
        s += len;
        if (!*s)
            break;
        s++; // the comma
    }
    *out = m;
    return true;
}

bool parse_dom0_max_vcpus(const char* value, uint32_t* min, uint32_t* max) {
    uint32_t lo = *min, hi = *max;
    size_t dash = field_len(value, '-');
    size_t len = strlen(value);
    uint64_t v;
    if (dash > 0) { // N, N- or N-M
        if (!parse_uint(value, dash, &v) || v > UINT32_MAX)
            return false;
        lo = v ? uint32_t(v) : 1;
        if (dash == len)
            hi = lo;
    }
    if (dash < len && dash + 1 < len) { // -M or N-M
        if (!parse_uint(value + dash + 1, len - dash - 1, &v) || v > UINT32_MAX)
            return false;
        hi = uint32_t(v);
    } else if (dash == 0) {
        return false; // "-" alone
    }
    *min = lo;
    *max = hi;
    return true;
}

unsigned dom0_vcpus(const BootOptions& o, unsigned cpus) {
    unsigned n = cpus;
    if (o.dom0_max_vcpus_min > n)
        n = o.dom0_max_vcpus_min;
    if (o.dom0_max_vcpus_max < n)
        n = o.dom0_max_vcpus_max;
    return n;
}
