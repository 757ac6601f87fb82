#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/bootinfo.h"
#include "common/bootinfo_builder.h"
#include "log_capture.h"

namespace {

// A window of fake physical memory at a fixed base; anything outside is unreadable.
struct FakePhys {
    static constexpr uint64_t kBase = 0x10000;
    std::vector<uint8_t> mem = std::vector<uint8_t>(64 * 1024, 0);
    size_t used = 0;

    PhysReader reader() { return PhysReader{map, this}; }
    static const void* map(uint64_t phys, size_t len, void* ctx) {
        auto* self = static_cast<FakePhys*>(ctx);
        if (phys < kBase || phys - kBase > self->mem.size() ||
            len > self->mem.size() - (phys - kBase))
            return nullptr;
        return self->mem.data() + (phys - kBase);
    }
    // Places bytes (8-byte aligned) and returns their physical address.
    uint64_t put(const void* data, size_t len) {
        used = (used + 7) & ~size_t(7);
        uint64_t phys = kBase + used;
        memcpy(mem.data() + used, data, len);
        used += len;
        return phys;
    }
    uint64_t put_string(const std::string& s) { return put(s.c_str(), s.size() + 1); }
};

void put32(std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; i++)
        v.push_back(uint8_t(x >> (8 * i)));
}
void put64(std::vector<uint8_t>& v, uint64_t x) {
    put32(v, uint32_t(x));
    put32(v, uint32_t(x >> 32));
}
void set32(std::vector<uint8_t>& v, size_t off, uint32_t x) {
    for (int i = 0; i < 4; i++)
        v[off + i] = uint8_t(x >> (8 * i));
}

// Multiboot 1 information structure: 88 bytes, fields by offset.
struct Mb1 {
    std::vector<uint8_t> info = std::vector<uint8_t>(88, 0);
    void field(size_t off, uint32_t value) { set32(info, off, value); }
    void flag(unsigned bit) { field(0, (info[0] | info[1] << 8 | info[2] << 16) | 1u << bit); }
};

void mmap_entry(std::vector<uint8_t>& v, uint64_t base, uint64_t len, uint32_t type,
                uint32_t size = 20) {
    put32(v, size);
    put64(v, base);
    put64(v, len);
    put32(v, type);
    for (uint32_t i = 20; i < size; i++)
        v.push_back(0xee);
}

TEST(BootInfoMb1, FullStructure) {
    FakePhys phys;
    Mb1 mb;
    uint64_t cmd = phys.put_string("/boot/xenon.gz console=com1 loglvl=all");
    uint64_t loader = phys.put_string("GRUB 2.06");
    std::vector<uint8_t> mods;
    uint64_t s0 = phys.put_string("/boot/vmlinuz root=/dev/xvda1 ro");
    uint64_t s1 = phys.put_string("/boot/initrd.img");
    put32(mods, 0x1000000), put32(mods, 0x1a3c000), put32(mods, uint32_t(s0)), put32(mods, 0);
    put32(mods, 0x2000000), put32(mods, 0x2000800), put32(mods, uint32_t(s1)), put32(mods, 0);
    uint64_t mods_phys = phys.put(mods.data(), mods.size());
    std::vector<uint8_t> mmap;
    mmap_entry(mmap, 0x100000, 0x7fee0000, 1, 24); // a stride larger than the entry
    mmap_entry(mmap, 0, 0x9fc00, 1);
    mmap_entry(mmap, 0x9fc00, 0x400, 2);
    mmap_entry(mmap, 0xfffc0000, 0x40000, 2);
    uint64_t mmap_phys = phys.put(mmap.data(), mmap.size());
    mb.flag(2), mb.field(16, uint32_t(cmd));
    mb.flag(9), mb.field(64, uint32_t(loader));
    mb.flag(3), mb.field(20, 2), mb.field(24, uint32_t(mods_phys));
    mb.flag(6), mb.field(44, uint32_t(mmap.size())), mb.field(48, uint32_t(mmap_phys));
    mb.flag(0), mb.field(4, 1), mb.field(8, 2); // ignored: the map wins
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());

    BootInfo info;
    ASSERT_TRUE(parse_multiboot1(info_phys, phys.reader(), &info));
    EXPECT_EQ(info.multiboot_version, 1);
    EXPECT_STREQ(info.image_name, "/boot/xenon.gz");
    EXPECT_STREQ(info.cmdline, "console=com1 loglvl=all");
    EXPECT_STREQ(info.loader_name, "GRUB 2.06");
    ASSERT_EQ(info.memory_count, 4u);
    EXPECT_EQ(info.memory[0].base, 0u);
    EXPECT_EQ(info.memory[0].length, 0x9fc00u);
    EXPECT_EQ(info.memory[1].base, 0x9fc00u);
    EXPECT_EQ(info.memory[1].type, 2u);
    EXPECT_EQ(info.memory[2].base, 0x100000u);
    EXPECT_EQ(info.memory[2].length, 0x7fee0000u);
    EXPECT_EQ(info.memory[2].type, 1u);
    EXPECT_EQ(info.memory[3].base, 0xfffc0000u);
    ASSERT_EQ(info.module_count, 2u);
    EXPECT_EQ(info.modules[0].start, 0x1000000u);
    EXPECT_EQ(info.modules[0].end, 0x1a3c000u);
    EXPECT_STREQ(info.modules[0].name, "/boot/vmlinuz");
    EXPECT_STREQ(info.modules[0].args, "root=/dev/xvda1 ro");
    EXPECT_STREQ(info.modules[1].name, "/boot/initrd.img");
    EXPECT_STREQ(info.modules[1].args, "");
    EXPECT_EQ(info.acpi_rsdp_len, 0u);
}

TEST(BootInfoMb1, FallsBackToMemLowerUpper) {
    FakePhys phys;
    Mb1 mb;
    mb.flag(0), mb.field(4, 639), mb.field(8, 129920);
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    ASSERT_TRUE(parse_multiboot1(info_phys, phys.reader(), &info));
    ASSERT_EQ(info.memory_count, 2u);
    EXPECT_EQ(info.memory[0].base, 0u);
    EXPECT_EQ(info.memory[0].length, 639u * 1024);
    EXPECT_EQ(info.memory[1].base, 0x100000u);
    EXPECT_EQ(info.memory[1].length, 129920ull * 1024);
    EXPECT_STREQ(info.cmdline, "");
    EXPECT_STREQ(info.image_name, "");
    EXPECT_STREQ(info.loader_name, "");
    EXPECT_EQ(info.module_count, 0u);
}

TEST(BootInfoMb1, NoMemoryInformationFails) {
    FakePhys phys;
    Mb1 mb;
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    EXPECT_FALSE(parse_multiboot1(info_phys, phys.reader(), &info));
}

TEST(BootInfoMb1, UnreadableStructureFails) {
    FakePhys phys;
    BootInfo info;
    EXPECT_FALSE(parse_multiboot1(0x100, phys.reader(), &info));
    // The last 60 bytes of the window: the structure would run past it.
    EXPECT_FALSE(parse_multiboot1(FakePhys::kBase + phys.mem.size() - 60, phys.reader(), &info));
}

TEST(BootInfoMb1, BadMmapEntrySizeFails) {
    for (uint32_t bad : {0u, 19u, 1000u}) {
        FakePhys phys;
        Mb1 mb;
        std::vector<uint8_t> mmap;
        mmap_entry(mmap, 0, 0x9fc00, 1);
        set32(mmap, 0, bad);
        uint64_t mmap_phys = phys.put(mmap.data(), mmap.size());
        mb.flag(6), mb.field(44, uint32_t(mmap.size())), mb.field(48, uint32_t(mmap_phys));
        uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
        BootInfo info;
        test::start_log_capture();
        EXPECT_FALSE(parse_multiboot1(info_phys, phys.reader(), &info)) << "size " << bad;
        EXPECT_TRUE(test::log_contains("multiboot1: memory map entry at offset 0 has size " +
                                       std::to_string(bad)));
    }
}

TEST(BootInfoMb1, MmapOutsideMemoryFails) {
    FakePhys phys;
    Mb1 mb;
    mb.flag(6), mb.field(44, 0x10000000), mb.field(48, uint32_t(FakePhys::kBase));
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    EXPECT_FALSE(parse_multiboot1(info_phys, phys.reader(), &info));
}

TEST(BootInfoMb1, ModuleCountIsBoundedAndChecked) {
    FakePhys phys;
    Mb1 mb;
    mb.flag(0), mb.field(4, 639), mb.field(8, 1024);
    // A lying count pointing at the end of memory: the list cannot be read.
    mb.flag(3), mb.field(20, 0xffffffff),
        mb.field(24, uint32_t(FakePhys::kBase + phys.mem.size() - 64));
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    EXPECT_FALSE(parse_multiboot1(info_phys, phys.reader(), &info));

    // A huge count over readable memory: clamped to the table size.
    mb.field(24, uint32_t(FakePhys::kBase + 0x4000));
    info_phys = phys.put(mb.info.data(), mb.info.size());
    ASSERT_TRUE(parse_multiboot1(info_phys, phys.reader(), &info));
    EXPECT_EQ(info.module_count, BootInfo::kMaxModules);
}

TEST(BootInfoMb1, ModuleEndingBeforeStartFails) {
    FakePhys phys;
    Mb1 mb;
    std::vector<uint8_t> mods;
    put32(mods, 0x2000000), put32(mods, 0x1000000), put32(mods, 0), put32(mods, 0);
    uint64_t mods_phys = phys.put(mods.data(), mods.size());
    mb.flag(0), mb.field(4, 639), mb.field(8, 1024);
    mb.flag(3), mb.field(20, 1), mb.field(24, uint32_t(mods_phys));
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    EXPECT_FALSE(parse_multiboot1(info_phys, phys.reader(), &info));
}

TEST(BootInfoMb1, StringRunningOutOfMemoryIsTruncated) {
    FakePhys phys;
    Mb1 mb;
    memset(phys.mem.data() + phys.mem.size() - 5, 'x', 5); // no NUL before the end
    mb.flag(0), mb.field(4, 639), mb.field(8, 1024);
    mb.flag(2), mb.field(16, uint32_t(FakePhys::kBase + phys.mem.size() - 5));
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    ASSERT_TRUE(parse_multiboot1(info_phys, phys.reader(), &info));
    EXPECT_STREQ(info.image_name, "xxxxx");
    EXPECT_STREQ(info.cmdline, "");
}

TEST(BootInfoMb1, HugeCommandLineFillsThePoolAndStops) {
    FakePhys phys;
    Mb1 mb;
    std::string big = "xenon " + std::string(10000, 'a');
    uint64_t cmd = phys.put_string(big);
    uint64_t loader = phys.put_string("loader");
    mb.flag(0), mb.field(4, 639), mb.field(8, 1024);
    mb.flag(2), mb.field(16, uint32_t(cmd));
    mb.flag(9), mb.field(64, uint32_t(loader));
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    test::start_log_capture();
    ASSERT_TRUE(parse_multiboot1(info_phys, phys.reader(), &info));
    EXPECT_EQ(test::log_count("multiboot1: string storage full (4096 bytes)"), 1u);
    EXPECT_STREQ(info.image_name, "xenon");
    EXPECT_EQ(strlen(info.cmdline), BootInfo::kStringPoolSize - 1 - strlen("xenon "));
    EXPECT_STREQ(info.loader_name, ""); // no room left
    EXPECT_LE(info.string_pool_used, BootInfo::kStringPoolSize);
}

TEST(BootInfoMb1, TooManyRegionsKeepsTheFirst) {
    FakePhys phys;
    Mb1 mb;
    std::vector<uint8_t> mmap;
    for (int i = 300; i > 0; i--)
        mmap_entry(mmap, uint64_t(i) << 20, 0x1000, 1);
    uint64_t mmap_phys = phys.put(mmap.data(), mmap.size());
    mb.flag(6), mb.field(44, uint32_t(mmap.size())), mb.field(48, uint32_t(mmap_phys));
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    test::start_log_capture();
    ASSERT_TRUE(parse_multiboot1(info_phys, phys.reader(), &info));
    EXPECT_EQ(test::log_count("multiboot1: more than 128 memory regions"), 1u);
    ASSERT_EQ(info.memory_count, BootInfo::kMaxMemoryRegions);
    for (size_t i = 1; i < info.memory_count; i++)
        EXPECT_LT(info.memory[i - 1].base, info.memory[i].base);
}

TEST(BootInfoMb1, ZeroLengthAndWrappingRegions) {
    FakePhys phys;
    Mb1 mb;
    std::vector<uint8_t> mmap;
    mmap_entry(mmap, 0x1000, 0, 1);
    mmap_entry(mmap, 0xfffffffffffff000ull, 0x10000, 2);
    uint64_t mmap_phys = phys.put(mmap.data(), mmap.size());
    mb.flag(6), mb.field(44, uint32_t(mmap.size())), mb.field(48, uint32_t(mmap_phys));
    uint64_t info_phys = phys.put(mb.info.data(), mb.info.size());
    BootInfo info;
    ASSERT_TRUE(parse_multiboot1(info_phys, phys.reader(), &info));
    ASSERT_EQ(info.memory_count, 1u);
    EXPECT_EQ(info.memory[0].length, 0x1000u);
}

// Multiboot 2: tags appended 8-byte aligned after an 8-byte header.
struct Mb2 {
    std::vector<uint8_t> v = std::vector<uint8_t>(8, 0);
    void tag(uint32_t type, const std::vector<uint8_t>& payload) {
        put32(v, type);
        put32(v, uint32_t(8 + payload.size()));
        v.insert(v.end(), payload.begin(), payload.end());
        while (v.size() % 8)
            v.push_back(0);
    }
    void string_tag(uint32_t type, const std::string& s) {
        tag(type, std::vector<uint8_t>(s.c_str(), s.c_str() + s.size() + 1));
    }
    void module(uint32_t start, uint32_t end, const std::string& s) {
        std::vector<uint8_t> p;
        put32(p, start), put32(p, end);
        p.insert(p.end(), s.c_str(), s.c_str() + s.size() + 1);
        tag(3, p);
    }
    std::vector<uint8_t> finish(bool end_tag = true) {
        if (end_tag)
            tag(0, {});
        set32(v, 0, uint32_t(v.size()));
        return v;
    }
};

std::vector<uint8_t> mmap_payload(uint32_t entry_size, std::initializer_list<MemoryRegion> rs) {
    std::vector<uint8_t> p;
    put32(p, entry_size), put32(p, 0);
    for (const MemoryRegion& r : rs) {
        put64(p, r.base), put64(p, r.length), put32(p, r.type);
        for (uint32_t i = 20; i < entry_size; i++)
            p.push_back(0);
    }
    return p;
}

std::vector<uint8_t> rsdp(char fill, size_t len) {
    return std::vector<uint8_t>(len, uint8_t(fill));
}

TEST(BootInfoMb2, FullStructure) {
    Mb2 mb;
    mb.string_tag(1, "/boot/xenon.gz dom0_mem=512M noreboot");
    mb.string_tag(2, "GRUB 2.06-13+deb12u1");
    mb.tag(4, {0x7f, 2, 0, 0, 0x80, 0xfb, 1, 0});
    mb.module(0x1000000, 0x1a3c000, "/boot/vmlinuz-6.1 root=/dev/xvda1 console=hvc0");
    mb.module(0x2000000, 0x2400000, "/boot/initrd.img-6.1");
    mb.tag(6, mmap_payload(24, {{0x100000, 0x7fee0000, 1},
                                {0, 0x9fc00, 1},
                                {0xfeffc000, 0x4000, 2},
                                {0x7ffe0000, 0x20000, 3}}));
    mb.tag(15, rsdp('N', 36));
    mb.tag(14, rsdp('O', 20)); // the 2.0 copy wins even when the 1.0 one comes later
    mb.tag(21, {1, 2, 3, 4});  // unknown tags are skipped
    auto bytes = mb.finish();
    FakePhys phys;
    uint64_t at = phys.put(bytes.data(), bytes.size());

    BootInfo info;
    ASSERT_TRUE(parse_multiboot2(at, phys.reader(), &info));
    EXPECT_EQ(info.multiboot_version, 2);
    EXPECT_STREQ(info.image_name, "/boot/xenon.gz");
    EXPECT_STREQ(info.cmdline, "dom0_mem=512M noreboot");
    EXPECT_STREQ(info.loader_name, "GRUB 2.06-13+deb12u1");
    ASSERT_EQ(info.memory_count, 4u);
    EXPECT_EQ(info.memory[0].base, 0u);
    EXPECT_EQ(info.memory[1].base, 0x100000u);
    EXPECT_EQ(info.memory[2].base, 0x7ffe0000u);
    EXPECT_EQ(info.memory[2].type, 3u);
    EXPECT_EQ(info.memory[3].type, 2u);
    ASSERT_EQ(info.module_count, 2u);
    EXPECT_STREQ(info.modules[0].name, "/boot/vmlinuz-6.1");
    EXPECT_STREQ(info.modules[0].args, "root=/dev/xvda1 console=hvc0");
    EXPECT_EQ(info.modules[1].start, 0x2000000u);
    EXPECT_EQ(info.modules[1].end, 0x2400000u);
    EXPECT_STREQ(info.modules[1].name, "/boot/initrd.img-6.1");
    ASSERT_EQ(info.acpi_rsdp_len, 36u);
    EXPECT_EQ(info.acpi_rsdp[0], 'N');
    EXPECT_EQ(info.acpi_rsdp[35], 'N');

    test::start_log_capture();
    bootinfo_log(info);
    EXPECT_EQ(test::captured_log(),
              "(xenon) boot loader: GRUB 2.06-13+deb12u1 (multiboot2), image /boot/xenon.gz\n"
              "(xenon) memory map:\n"
              "(xenon)   0000000000000000 - 000000000009fbff  RAM\n"
              "(xenon)   0000000000100000 - 000000007ffdffff  RAM\n"
              "(xenon)   000000007ffe0000 - 000000007fffffff  ACPI data\n"
              "(xenon)   00000000feffc000 - 00000000feffffff  reserved\n"
              "(xenon) module 0: 0000000001000000 - 0000000001a3c000 (10480 KiB) "
              "/boot/vmlinuz-6.1 root=/dev/xvda1 console=hvc0\n"
              "(xenon) module 1: 0000000002000000 - 0000000002400000 (4096 KiB) "
              "/boot/initrd.img-6.1\n");
}

TEST(BootInfoMb2, OldRsdpAndBasicMemoryFallback) {
    Mb2 mb;
    mb.tag(14, rsdp('O', 20));
    mb.tag(4, {0x7f, 2, 0, 0, 0, 4, 0, 0});
    auto bytes = mb.finish();
    FakePhys phys;
    uint64_t at = phys.put(bytes.data(), bytes.size());
    BootInfo info;
    ASSERT_TRUE(parse_multiboot2(at, phys.reader(), &info));
    EXPECT_EQ(info.acpi_rsdp_len, 20u);
    EXPECT_EQ(info.acpi_rsdp[19], 'O');
    ASSERT_EQ(info.memory_count, 2u);
    EXPECT_EQ(info.memory[0].length, 639u * 1024);
    EXPECT_EQ(info.memory[1].length, 1024u * 1024);
    EXPECT_STREQ(info.cmdline, "");
}

TEST(BootInfoMb2, OversizedRsdpIsCutTo36Bytes) {
    Mb2 mb;
    mb.tag(4, {1, 0, 0, 0, 1, 0, 0, 0});
    mb.tag(15, rsdp('N', 200));
    auto bytes = mb.finish();
    FakePhys phys;
    BootInfo info;
    ASSERT_TRUE(parse_multiboot2(phys.put(bytes.data(), bytes.size()), phys.reader(), &info));
    EXPECT_EQ(info.acpi_rsdp_len, 36u);
}

TEST(BootInfoMb2, CommandLineWithoutPathIsKept) {
    Mb2 mb;
    mb.string_tag(1, "  console=com1 loglvl=all");
    mb.tag(4, {1, 0, 0, 0, 1, 0, 0, 0});
    auto bytes = mb.finish();
    FakePhys phys;
    BootInfo info;
    ASSERT_TRUE(parse_multiboot2(phys.put(bytes.data(), bytes.size()), phys.reader(), &info));
    EXPECT_STREQ(info.image_name, "");
    EXPECT_STREQ(info.cmdline, "console=com1 loglvl=all");
}

TEST(BootInfoMb2, StringWithoutNulStopsAtTagEnd) {
    Mb2 mb;
    std::string text = "xenon abcdefghi"; // 15 bytes, no NUL
    mb.tag(1, std::vector<uint8_t>(text.begin(), text.end()));
    set32(mb.v, 8 + 4, 8 + 9); // the size cuts it after "abc", in the same 8-byte slot
    mb.tag(4, {1, 0, 0, 0, 1, 0, 0, 0});
    auto bytes = mb.finish();
    FakePhys phys;
    BootInfo info;
    ASSERT_TRUE(parse_multiboot2(phys.put(bytes.data(), bytes.size()), phys.reader(), &info));
    EXPECT_STREQ(info.image_name, "xenon");
    EXPECT_STREQ(info.cmdline, "abc");
}

TEST(BootInfoMb2, MissingEndTagIsTolerated) {
    Mb2 mb;
    mb.tag(4, {1, 0, 0, 0, 1, 0, 0, 0});
    auto bytes = mb.finish(false);
    FakePhys phys;
    BootInfo info;
    EXPECT_TRUE(parse_multiboot2(phys.put(bytes.data(), bytes.size()), phys.reader(), &info));
}

// Every way a structure can lie must fail cleanly, never read out of bounds.
TEST(BootInfoMb2, MalformedStructuresFail) {
    struct Case {
        const char* what;
        std::vector<uint8_t> bytes;
    };
    std::vector<Case> cases;
    auto base = [] {
        Mb2 mb;
        mb.tag(4, {1, 0, 0, 0, 1, 0, 0, 0});
        return mb;
    };
    {
        Mb2 mb = base();
        mb.tag(1, {'a', 0});
        auto b = mb.finish();
        set32(b, 24 + 4, 4); // cmdline tag size below the header
        cases.push_back({"tag size < 8", b});
    }
    {
        Mb2 mb = base();
        mb.tag(1, {'a', 0});
        auto b = mb.finish();
        set32(b, 24 + 4, 0x1000); // runs past total_size
        cases.push_back({"tag past total", b});
    }
    {
        auto b = base().finish();
        set32(b, 0, 4);
        cases.push_back({"total < 8", b});
    }
    {
        auto b = base().finish();
        set32(b, 0, 0xfffffff0);
        cases.push_back({"huge total", b});
    }
    {
        auto b = base().finish();
        set32(b, 0, uint32_t(b.size() + 4)); // 4 stray bytes: half a tag header
        b.resize(b.size() + 4, 0);
        set32(b, b.size() - 12, 21); // the old end tag becomes an unknown tag
        cases.push_back({"half a tag header", b});
    }
    {
        Mb2 mb = base();
        mb.tag(6, mmap_payload(16, {}));
        cases.push_back({"mmap entry_size < 20", mb.finish()});
    }
    {
        Mb2 mb = base();
        mb.tag(6, {24, 0, 0, 0});
        cases.push_back({"mmap tag too short", mb.finish()});
    }
    {
        Mb2 mb = base();
        mb.module(0x2000, 0x1000, "m");
        cases.push_back({"module end < start", mb.finish()});
    }
    {
        Mb2 mb = base();
        mb.tag(3, {0, 0, 1, 0});
        cases.push_back({"module tag too short", mb.finish()});
    }
    {
        Mb2 mb;
        mb.string_tag(1, "xenon");
        cases.push_back({"no memory information", mb.finish()});
    }
    for (const Case& c : cases) {
        FakePhys phys;
        uint64_t at = phys.put(c.bytes.data(), c.bytes.size());
        BootInfo info;
        test::start_log_capture();
        EXPECT_FALSE(parse_multiboot2(at, phys.reader(), &info)) << c.what;
        EXPECT_TRUE(test::log_contains("(xenon) multiboot2: ")) << c.what; // the reason
    }
    test::start_log_capture();
    FakePhys phys;
    uint64_t at = phys.put(cases[0].bytes.data(), cases[0].bytes.size());
    BootInfo info;
    parse_multiboot2(at, phys.reader(), &info);
    EXPECT_TRUE(test::log_contains("multiboot2: tag 1 at offset 24 has size 4 (must be 8..24)"));
}

TEST(BootInfoMb2, TotalSizePastReadableMemoryFails) {
    auto bytes = Mb2().finish();
    FakePhys phys;
    set32(bytes, 0, 0x8000);
    uint64_t at = FakePhys::kBase + phys.mem.size() - 16;
    memcpy(phys.mem.data() + phys.mem.size() - 16, bytes.data(), 16);
    BootInfo info;
    EXPECT_FALSE(parse_multiboot2(at, phys.reader(), &info));
}

TEST(BootInfoMb2, ReparsingStartsFromScratch) {
    Mb2 mb;
    mb.tag(4, {1, 0, 0, 0, 1, 0, 0, 0});
    mb.module(0x1000, 0x2000, "a");
    auto bytes = mb.finish();
    FakePhys phys;
    uint64_t at = phys.put(bytes.data(), bytes.size());
    BootInfo info;
    ASSERT_TRUE(parse_multiboot2(at, phys.reader(), &info));
    ASSERT_TRUE(parse_multiboot2(at, phys.reader(), &info));
    EXPECT_EQ(info.module_count, 1u);
    EXPECT_EQ(info.memory_count, 2u);
}

TEST(BootInfo, SplitFirstWord) {
    struct Case {
        const char* in;
        const char* first;
        const char* rest;
    } cases[] = {
        {"", "", ""},
        {"   ", "", ""},
        {"/boot/xenon", "/boot/xenon", ""},
        {"/boot/xenon  a b", "/boot/xenon", "a b"},
        {"\t/x\ty", "/x", "y"},
        {"a=b c", "", "a=b c"},
        {" noreboot x=1", "noreboot", "x=1"},
    };
    for (const Case& c : cases) {
        std::string buf = c.in;
        const char* first;
        const char* rest;
        bootinfo_detail::split_first_word(buf.data(), &first, &rest);
        EXPECT_STREQ(first, c.first) << "'" << c.in << "'";
        EXPECT_STREQ(rest, c.rest) << "'" << c.in << "'";
    }
}

TEST(BootInfo, MemoryTypeNames) {
    EXPECT_STREQ(memory_type_name(1), "RAM");
    EXPECT_STREQ(memory_type_name(2), "reserved");
    EXPECT_STREQ(memory_type_name(3), "ACPI data");
    EXPECT_STREQ(memory_type_name(4), "ACPI NVS");
    EXPECT_STREQ(memory_type_name(5), "bad memory");
    EXPECT_STREQ(memory_type_name(12), "unknown type");
}

} // namespace
