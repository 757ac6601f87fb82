#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

#include "common/cmdline.h"
#include "common/options.h"
#include "log_capture.h"

namespace {

TEST(CmdlineValues, Bool) {
    const char* truths[] = {"1", "yes", "on", "true", "enable", "YES", "On", "TRUE"};
    const char* falses[] = {"0", "no", "off", "false", "disable", "NO", "Off", "Disable"};
    for (const char* t : truths) {
        bool v = false;
        EXPECT_TRUE(parse_bool(t, &v)) << t;
        EXPECT_TRUE(v) << t;
    }
    for (const char* f : falses) {
        bool v = true;
        EXPECT_TRUE(parse_bool(f, &v)) << f;
        EXPECT_FALSE(v) << f;
    }
    for (const char* bad : {"", "2", "yess", "o", "enabled", " 1"}) {
        bool v = true;
        EXPECT_FALSE(parse_bool(bad, &v)) << bad;
        EXPECT_TRUE(v) << "unchanged on failure: " << bad;
    }
}

TEST(CmdlineValues, Uint) {
    uint64_t v = 0;
    EXPECT_TRUE(parse_uint("0", &v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(parse_uint("42", &v));
    EXPECT_EQ(v, 42u);
    EXPECT_TRUE(parse_uint("0x1F", &v));
    EXPECT_EQ(v, 0x1fu);
    EXPECT_TRUE(parse_uint("0Xf4", &v));
    EXPECT_EQ(v, 0xf4u);
    EXPECT_TRUE(parse_uint("18446744073709551615", &v));
    EXPECT_EQ(v, UINT64_MAX);
    EXPECT_TRUE(parse_uint("0xffffffffffffffff", &v));
    EXPECT_EQ(v, UINT64_MAX);
    for (const char* bad : {"", "0x", "-1", "+1", " 1", "1 ", "12a", "0x1g", "18446744073709551616",
                            "0x10000000000000000", "1.5"}) {
        v = 7;
        EXPECT_FALSE(parse_uint(bad, &v)) << bad;
        EXPECT_EQ(v, 7u) << bad;
    }
    EXPECT_TRUE(parse_uint("123,456", 3, &v)); // length-bounded form
    EXPECT_EQ(v, 123u);
}

TEST(CmdlineValues, Size) {
    struct {
        const char* text;
        uint64_t bytes;
    } good[] = {
        {"100", 100},
        {"100b", 100},
        {"4k", 4096},
        {"4K", 4096},
        {"512M", 512 << 20},
        {"512m", 512 << 20},
        {"1G", 1ull << 30},
        {"2T", 2ull << 40},
        {"0x10M", 16 << 20},
        {"0", 0},
        {"16777215T", 16777215ull << 40},
    };
    for (const auto& g : good) {
        uint64_t v = 0;
        EXPECT_TRUE(parse_size(g.text, &v)) << g.text;
        EXPECT_EQ(v, g.bytes) << g.text;
    }
    uint64_t v = 0;
    EXPECT_TRUE(parse_size("128", &v, 10)); // bare numbers in KiB when the option says so
    EXPECT_EQ(v, 128u << 10);
    EXPECT_TRUE(parse_size("128M", &v, 10));
    EXPECT_EQ(v, 128u << 20);
    for (const char* bad : {"", "M", "1MB", "1X", "1 M", "-1M", "16777216T", "1.5G", "0x"}) {
        v = 7;
        EXPECT_FALSE(parse_size(bad, &v)) << bad;
        EXPECT_EQ(v, 7u) << bad;
    }
}

// A set of options like a subsystem would register.
struct Opts {
    bool noreboot = false;
    bool smap = true;
    uint32_t maxcpus = 0;
    uint8_t small = 0;
    uint64_t ranged = 5;
    uint64_t mem = 0;
    uint64_t mem_kib = 0;
    char console[8] = "";
    uint16_t port = 0;
    bool dup_a = false, dup_b = false;
};
Opts opts;
std::string custom_seen;
bool custom_parse(const char* value) {
    if (value && strcmp(value, "bad") == 0)
        return false;
    custom_seen = value ? value : "(none)";
    return true;
}

const Param kParams[] = {
    {"noreboot", ParamType::kBool, 0, &opts.noreboot, 1, 0, 1, nullptr},
    {"smap", ParamType::kBool, 0, &opts.smap, 1, 0, 1, nullptr},
    {"maxcpus", ParamType::kUint, 0, &opts.maxcpus, 4, 0, UINT32_MAX, nullptr},
    {"small", ParamType::kUint, 0, &opts.small, 1, 0, 255, nullptr},
    {"ranged", ParamType::kUint, 0, &opts.ranged, 8, 1, 10, nullptr},
    {"mem", ParamType::kSize, 0, &opts.mem, 8, 0, UINT64_MAX, nullptr},
    {"mem_kib", ParamType::kSize, 10, &opts.mem_kib, 8, 0, UINT64_MAX, nullptr},
    {"console", ParamType::kString, 0, opts.console, sizeof(opts.console), 0, 0, nullptr},
    {"sync_console", ParamType::kCustom, 0, nullptr, 0, 0, 0, custom_parse},
    {"debug_exit", ParamType::kUint, 0, &opts.port, 2, 0, 0xffff, nullptr},
    {"dup", ParamType::kBool, 0, &opts.dup_a, 1, 0, 1, nullptr},
    {"dup", ParamType::kBool, 0, &opts.dup_b, 1, 0, 1, nullptr},
};

class Cmdline : public ::testing::Test {
  protected:
    void SetUp() override {
        opts = Opts{};
        custom_seen.clear();
        test::start_log_capture();
    }
    unsigned parse(const char* line) {
        return parse_cmdline(line, std::begin(kParams), std::end(kParams));
    }
};

TEST_F(Cmdline, EverySyntax) {
    EXPECT_EQ(parse("noreboot no-smap maxcpus=4 small=0xff mem=512M mem_kib=64 console=com1 "
                    "sync_console debug_exit=0xf4"),
              0u);
    EXPECT_TRUE(opts.noreboot);
    EXPECT_FALSE(opts.smap);
    EXPECT_EQ(opts.maxcpus, 4u);
    EXPECT_EQ(opts.small, 0xffu);
    EXPECT_EQ(opts.mem, 512ull << 20);
    EXPECT_EQ(opts.mem_kib, 64ull << 10);
    EXPECT_STREQ(opts.console, "com1");
    EXPECT_EQ(custom_seen, "(none)");
    EXPECT_EQ(opts.port, 0xf4u);
}

TEST_F(Cmdline, BooleanForms) {
    EXPECT_EQ(parse("noreboot=yes smap=off"), 0u);
    EXPECT_TRUE(opts.noreboot);
    EXPECT_FALSE(opts.smap);
    EXPECT_EQ(parse("noreboot=0 smap=enable"), 0u);
    EXPECT_FALSE(opts.noreboot);
    EXPECT_TRUE(opts.smap);
    EXPECT_EQ(parse("no_smap"), 0u);
    EXPECT_FALSE(opts.smap);
    EXPECT_EQ(parse("no-smap=1 no-maxcpus noreboot=maybe"), 3u);
    EXPECT_FALSE(opts.smap);
    EXPECT_FALSE(opts.noreboot);
    EXPECT_TRUE(test::log_contains("(xenon) cmdline: bad value 'maybe' for 'noreboot' ignored\n"));
    EXPECT_TRUE(test::log_contains("cmdline: 'no-maxcpus' is not valid for option 'maxcpus'"));
}

TEST_F(Cmdline, DashAndUnderscoreAreTheSame) {
    EXPECT_EQ(parse("sync-console=x max_cpus=2 debug-exit=0x501"), 1u); // max_cpus is no name
    EXPECT_EQ(custom_seen, "x");
    EXPECT_EQ(opts.port, 0x501u);
}

TEST_F(Cmdline, LaterOptionsOverrideEarlierOnes) {
    EXPECT_EQ(parse("maxcpus=2 console=vga maxcpus=8 noreboot no-noreboot console=com2"), 0u);
    EXPECT_EQ(opts.maxcpus, 8u);
    EXPECT_FALSE(opts.noreboot);
    EXPECT_STREQ(opts.console, "com2");
}

TEST_F(Cmdline, BadValuesAreIgnoredAndKeepThePreviousOne) {
    EXPECT_EQ(parse("maxcpus=3 maxcpus=x maxcpus= maxcpus maxcpus=-1 maxcpus=4294967296"), 5u);
    EXPECT_EQ(opts.maxcpus, 3u);
    EXPECT_TRUE(test::log_contains("(xenon) cmdline: bad value 'x' for 'maxcpus' ignored\n"));
    EXPECT_TRUE(test::log_contains("cmdline: bad value '' for 'maxcpus' ignored"));
    EXPECT_TRUE(test::log_contains("cmdline: option 'maxcpus' needs a value; ignored"));
    EXPECT_TRUE(test::log_contains("cmdline: bad value '-1' for 'maxcpus' ignored"));
    EXPECT_TRUE(test::log_contains("value '4294967296' for 'maxcpus' is outside 0..4294967295"));
    EXPECT_EQ(parse("small=256 ranged=0 ranged=11 ranged=10"), 3u);
    EXPECT_TRUE(test::log_contains("cmdline: value '11' for 'ranged' is outside 1..10; ignored"));
    EXPECT_EQ(opts.small, 0u);
    EXPECT_EQ(opts.ranged, 10u);
    EXPECT_EQ(parse("mem=12Q mem=1M"), 1u);
    EXPECT_EQ(opts.mem, 1u << 20);
    EXPECT_EQ(parse("sync_console=bad"), 1u);
    EXPECT_EQ(custom_seen, "");
}

TEST_F(Cmdline, Strings) {
    EXPECT_EQ(parse("console=1234567"), 0u); // 7 characters fit in 8 bytes
    EXPECT_STREQ(opts.console, "1234567");
    EXPECT_EQ(parse("console=12345678"), 1u); // refused, not cut
    EXPECT_TRUE(test::log_contains("cmdline: value for 'console' is longer than 7 characters"));
    EXPECT_STREQ(opts.console, "1234567");
    EXPECT_EQ(parse("console="), 0u);
    EXPECT_STREQ(opts.console, "");
    EXPECT_EQ(parse("console"), 1u);
}

TEST_F(Cmdline, Quotes) {
    EXPECT_EQ(parse("console=\"a b=c\" maxcpus=\"6\""), 0u);
    EXPECT_STREQ(opts.console, "a b=c");
    EXPECT_EQ(opts.maxcpus, 6u);
    EXPECT_EQ(parse("sync_console=\"\""), 0u);
    EXPECT_EQ(custom_seen, "");
    // An unbalanced quote swallows the rest of the line, which is then ignored.
    EXPECT_EQ(parse("maxcpus=1 console=\"abc noreboot"), 1u);
    EXPECT_EQ(opts.maxcpus, 1u);
    EXPECT_FALSE(opts.noreboot);
    EXPECT_TRUE(test::log_contains("cmdline: unbalanced quote in 'console=abc noreboot'"));
}

TEST_F(Cmdline, UnknownOptionsAndOddWords) {
    EXPECT_EQ(parse("foo bar=1 no-foo =5 = noreboot"), 5u);
    EXPECT_TRUE(opts.noreboot);
    EXPECT_TRUE(test::log_contains("(xenon) cmdline: unknown option 'foo' ignored\n"));
    EXPECT_TRUE(test::log_contains("cmdline: unknown option 'bar' ignored"));
    EXPECT_TRUE(test::log_contains("cmdline: unknown option 'no-foo' ignored"));
    EXPECT_EQ(test::log_count("cmdline: option with no name"), 2u);
}

TEST_F(Cmdline, SharedNamesSetEveryParam) {
    EXPECT_EQ(parse("dup"), 0u);
    EXPECT_TRUE(opts.dup_a);
    EXPECT_TRUE(opts.dup_b);
}

TEST_F(Cmdline, DoubleDashEndsTheHypervisorPart) {
    EXPECT_EQ(parse("maxcpus=2 -- maxcpus=3 root=/dev/xvda"), 0u);
    EXPECT_EQ(opts.maxcpus, 2u);
}

TEST_F(Cmdline, EmptyAndBlankLines) {
    EXPECT_EQ(parse(nullptr), 0u);
    EXPECT_EQ(parse(""), 0u);
    EXPECT_EQ(parse(" \t\r\n "), 0u);
    EXPECT_EQ(parse("\tnoreboot\n\nmaxcpus=2\r\n"), 0u);
    EXPECT_EQ(test::captured_log(), "");
    EXPECT_TRUE(opts.noreboot);
    EXPECT_EQ(opts.maxcpus, 2u);
}

TEST_F(Cmdline, NonPrintableWordsAreSkipped) {
    EXPECT_EQ(parse("maxcpus=2\x01 noreboot con\x7fsole=x smap=\xff\xfe"), 3u);
    // Reported once, and the junk itself never reaches the log.
    EXPECT_EQ(test::log_count("non-printable characters"), 1u);
    EXPECT_FALSE(test::log_contains("\x01"));
    EXPECT_FALSE(test::log_contains("\xff"));
    EXPECT_EQ(opts.maxcpus, 0u);
    EXPECT_TRUE(opts.noreboot);
    EXPECT_TRUE(opts.smap);
}

TEST_F(Cmdline, OverlongWordsAreSkipped) {
    std::string line = "console=" + std::string(5000, 'a') + " maxcpus=3";
    EXPECT_EQ(parse(line.c_str()), 1u);
    EXPECT_EQ(opts.maxcpus, 3u);
    EXPECT_TRUE(test::log_contains("is longer than 1023 characters; ignored"));
    EXPECT_STREQ(opts.console, "");
}

// Junk of every kind must never crash or read out of bounds (the sanitizers watch).
TEST_F(Cmdline, GarbageNeverCrashes) {
    std::mt19937 rng(1234);
    const char alphabet[] = "=\" -_,:noxM0123456789abcdefgsmaprebotcpu";
    for (int round = 0; round < 300; round++) {
        std::string junk(4096, '\0');
        for (char& c : junk) {
            if (round % 2)
                c = char(1 + rng() % 255);
            else
                c = alphabet[rng() % (sizeof(alphabet) - 1)];
        }
        parse(junk.c_str());
    }
    // Junk leaves the table sane: every option still works afterwards.
    SetUp();
    EXPECT_EQ(parse("maxcpus=7"), 0u);
    EXPECT_EQ(opts.maxcpus, 7u);
}

TEST(CmdlineRegistration, MacrosBuildTheRightParams) {
    // The macros are used at namespace scope in the image; here they are only checked to
    // describe the variable correctly.
    EXPECT_EQ(cmdline_detail::uint_max<uint8_t>(), 0xffu);
    EXPECT_EQ(cmdline_detail::uint_max<uint16_t>(), 0xffffu);
    EXPECT_EQ(cmdline_detail::uint_max<uint32_t>(), 0xffffffffu);
    EXPECT_EQ(cmdline_detail::uint_max<uint64_t>(), UINT64_MAX);
    EXPECT_EQ(alignof(Param), 64u);
}

TEST(Options, SerialConfig) {
    SerialConfig c;
    ASSERT_TRUE(parse_serial_config("115200,8n1", &c));
    EXPECT_TRUE(c.set);
    EXPECT_EQ(c.baud, 115200u);
    EXPECT_EQ(c.data_bits, 8);
    EXPECT_EQ(c.parity, 'n');
    EXPECT_EQ(c.stop_bits, 1);
    EXPECT_EQ(c.io_base, 0);

    ASSERT_TRUE(parse_serial_config("9600/1843200,7e2,0x2f8,3", &c));
    EXPECT_EQ(c.baud, 9600u);
    EXPECT_EQ(c.clock_hz, 1843200u);
    EXPECT_EQ(c.data_bits, 7);
    EXPECT_EQ(c.parity, 'e');
    EXPECT_EQ(c.stop_bits, 2);
    EXPECT_EQ(c.io_base, 0x2f8);
    EXPECT_EQ(c.irq, 3);

    SerialConfig d;
    ASSERT_TRUE(parse_serial_config("auto", &d));
    EXPECT_EQ(d.baud, 0u);
    ASSERT_TRUE(parse_serial_config("57600,,0x3e8", &d)); // empty DPS keeps the default
    EXPECT_EQ(d.baud, 57600u);
    EXPECT_EQ(d.data_bits, 8);
    EXPECT_EQ(d.io_base, 0x3e8);

    for (const char* bad :
         {"", "fast", "0", "115200,8x1", "115200,9n1", "115200,8n3", "115200,8n", "115200,8n1,pci",
          "115200,8n1,0x3f8,300", "115200,8n1,0x3f8,4,x", "115200/", "115200/0", "115200,8n1,0"}) {
        SerialConfig e;
        EXPECT_FALSE(parse_serial_config(bad, &e)) << bad;
        EXPECT_FALSE(e.set) << bad;
        EXPECT_EQ(e.baud, 0u) << bad;
    }
}

TEST(Options, LogLevels) {
    LogLevels l;
    ASSERT_TRUE(parse_log_levels("all", &l));
    EXPECT_EQ(l.level, LogLevel::debug);
    EXPECT_EQ(l.ratelimited, LogLevel::warning);
    ASSERT_TRUE(parse_log_levels("warning/error", &l));
    EXPECT_EQ(l.level, LogLevel::warning);
    EXPECT_EQ(l.ratelimited, LogLevel::error);
    ASSERT_TRUE(parse_log_levels("all/all", &l));
    EXPECT_EQ(l.level, LogLevel::debug);
    EXPECT_EQ(l.ratelimited, LogLevel::debug);
    ASSERT_TRUE(parse_log_levels("info", &l));
    EXPECT_EQ(l.level, LogLevel::info);
    ASSERT_TRUE(parse_log_levels("none", &l));
    EXPECT_EQ(l.level, LogLevel::error);
    ASSERT_TRUE(parse_log_levels("1", &l));
    EXPECT_EQ(l.level, LogLevel::warning);
    ASSERT_TRUE(parse_log_levels("9", &l));
    EXPECT_EQ(l.level, LogLevel::debug);
    for (const char* bad : {"", "loud", "all/", "/all", "info/x", "-1", "ALL"}) {
        LogLevels m;
        EXPECT_FALSE(parse_log_levels(bad, &m)) << bad;
        EXPECT_EQ(m.level, LogLevel::info) << bad;
    }
}

TEST(Options, Dom0Mem) {
    using Kind = Dom0MemAmount::Kind;
    Dom0Mem m;
    ASSERT_TRUE(parse_dom0_mem("512M", &m));
    EXPECT_EQ(m.amount.kind, Kind::kBytes);
    EXPECT_EQ(m.amount.value, 512ull << 20);
    EXPECT_EQ(m.min.kind, Kind::kUnset);
    EXPECT_EQ(m.max.kind, Kind::kUnset);

    Dom0Mem n;
    ASSERT_TRUE(parse_dom0_mem("min:128M,max:512M", &n));
    EXPECT_EQ(n.amount.kind, Kind::kUnset);
    EXPECT_EQ(n.min.value, 128ull << 20);
    EXPECT_EQ(n.max.value, 512ull << 20);
    // A later dom0_mem= changes what it names and keeps the rest.
    ASSERT_TRUE(parse_dom0_mem("1G", &n));
    EXPECT_EQ(n.amount.value, 1ull << 30);
    EXPECT_EQ(n.min.value, 128ull << 20);

    Dom0Mem o;
    ASSERT_TRUE(parse_dom0_mem("512M,max:512M", &o));
    EXPECT_EQ(o.amount.value, 512ull << 20);
    EXPECT_EQ(o.max.value, 512ull << 20);
    ASSERT_TRUE(parse_dom0_mem("-256M,min:10%,max:4194304", &o)); // bare numbers are KiB
    EXPECT_EQ(o.amount.kind, Kind::kAllBut);
    EXPECT_EQ(o.amount.value, 256ull << 20);
    EXPECT_EQ(o.min.kind, Kind::kPercent);
    EXPECT_EQ(o.min.value, 10u);
    EXPECT_EQ(o.max.value, 4ull << 30);

    for (const char* bad : {"", "min:", "max:x", "512M,", ",512M", "101%", "%", "mid:5M",
                            "512M,max:1G,bogus", "--5M"}) {
        Dom0Mem p;
        p.amount = {Kind::kBytes, 1};
        EXPECT_FALSE(parse_dom0_mem(bad, &p)) << bad;
        EXPECT_EQ(p.amount.value, 1u) << "unchanged on failure: " << bad;
        EXPECT_EQ(p.max.kind, Kind::kUnset) << bad;
    }
}

TEST(Options, DefaultsBeforeAnyCommandLine) {
    const BootOptions& o = boot_options();
    EXPECT_EQ(o.maxcpus, 0u);
    EXPECT_FALSE(o.noreboot);
    EXPECT_TRUE(o.smap);
    EXPECT_TRUE(o.smep);
    EXPECT_EQ(o.debug_exit, 0);
    EXPECT_FALSE(o.com1.set);
}

} // namespace

TEST(Dom0MaxVcpus, ParsedAndAppliedAsXen) {
    uint32_t lo = 1, hi = UINT32_MAX;
    ASSERT_TRUE(parse_dom0_max_vcpus("4", &lo, &hi)); // N: exactly N
    EXPECT_EQ(lo, 4u);
    EXPECT_EQ(hi, 4u);
    ASSERT_TRUE(parse_dom0_max_vcpus("2-", &lo, &hi)); // N-: at least N
    EXPECT_EQ(lo, 2u);
    EXPECT_EQ(hi, 4u);
    ASSERT_TRUE(parse_dom0_max_vcpus("-3", &lo, &hi)); // -M: at most M
    EXPECT_EQ(lo, 2u);
    EXPECT_EQ(hi, 3u);
    ASSERT_TRUE(parse_dom0_max_vcpus("0-8", &lo, &hi)); // a minimum of 0 is 1
    EXPECT_EQ(lo, 1u);
    EXPECT_EQ(hi, 8u);
    EXPECT_FALSE(parse_dom0_max_vcpus("-", &lo, &hi));
    EXPECT_FALSE(parse_dom0_max_vcpus("x", &lo, &hi));
    EXPECT_EQ(lo, 1u);
    BootOptions o;
    EXPECT_EQ(dom0_vcpus(o, 2), 2u); // a vCPU per CPU
    o.dom0_max_vcpus_min = o.dom0_max_vcpus_max = 4;
    EXPECT_EQ(dom0_vcpus(o, 2), 4u);
    o.dom0_max_vcpus_min = 1;
    o.dom0_max_vcpus_max = 1;
    EXPECT_EQ(dom0_vcpus(o, 8), 1u);
}
