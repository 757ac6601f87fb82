// ACPI table parsing against synthetic firmware images built here, checksums and all.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/acpi/tables.h"
#include "common/console.h"

namespace {

using Bytes = std::vector<uint8_t>;

// ---- building firmware images ----

void put8(Bytes& b, uint8_t v) {
    b.push_back(v);
}
void put16(Bytes& b, uint16_t v) {
    for (int i = 0; i < 2; i++)
        b.push_back(uint8_t(v >> (8 * i)));
}
void put32(Bytes& b, uint32_t v) {
    for (int i = 0; i < 4; i++)
        b.push_back(uint8_t(v >> (8 * i)));
}
void put64(Bytes& b, uint64_t v) {
    for (int i = 0; i < 8; i++)
        b.push_back(uint8_t(v >> (8 * i)));
}
void put_gas(Bytes& b, uint8_t space, uint8_t width, uint8_t access, uint64_t addr) {
    put8(b, space);
    put8(b, width);
    put8(b, 0);
    put8(b, access);
    put64(b, addr);
}
void put_str(Bytes& b, const char* s) {
    b.insert(b.end(), s, s + strlen(s));
}
void set32(Bytes& b, size_t off, uint32_t v) {
    for (int i = 0; i < 4; i++)
        b[off + i] = uint8_t(v >> (8 * i));
}
void fix_checksum(Bytes& b, size_t checksum_off, size_t len) {
    b[checksum_off] = 0;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = uint8_t(sum + b[i]);
    b[checksum_off] = uint8_t(-sum);
}

// A table: 36-byte header (length and checksum filled in) followed by body.
Bytes table(const char* sig, uint8_t revision, const Bytes& body) {
    Bytes t;
    put_str(t, sig);
    put32(t, 0); // length, below
    put8(t, revision);
    put8(t, 0); // checksum, below
    put_str(t, "XENONT");
    put_str(t, "SYNTHTBL");
    put32(t, 1);
    put_str(t, "XNON");
    put32(t, 1);
    t.insert(t.end(), body.begin(), body.end());
    set32(t, 4, uint32_t(t.size()));
    fix_checksum(t, 9, t.size());
    return t;
}

Bytes rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt) {
    Bytes r;
    put_str(r, "RSD PTR ");
    put8(r, 0);
    put_str(r, "XENONR");
    put8(r, revision);
    put32(r, rsdt);
    if (revision >= 2) {
        put32(r, 36);
        put64(r, xsdt);
        put8(r, 0); // extended checksum
        put8(r, 0);
        put8(r, 0);
        put8(r, 0);
    }
    fix_checksum(r, 8, 20);
    if (revision >= 2)
        fix_checksum(r, 32, 36);
    return r;
}

Bytes root(const char* sig, const std::vector<uint64_t>& entries) {
    Bytes body;
    for (uint64_t e : entries) {
        if (sig[0] == 'X')
            put64(body, e);
        else
            put32(body, uint32_t(e));
    }
    return table(sig, 1, body);
}

// MADT entry builders.
Bytes lapic(uint8_t acpi_id, uint8_t apic_id, uint32_t flags) {
    Bytes e{0, 8, acpi_id, apic_id};
    put32(e, flags);
    return e;
}
Bytes x2apic(uint32_t x2apic_id, uint32_t flags, uint32_t uid) {
    Bytes e{9, 16, 0, 0};
    put32(e, x2apic_id);
    put32(e, flags);
    put32(e, uid);
    return e;
}
Bytes ioapic(uint8_t id, uint32_t addr, uint32_t gsi) {
    Bytes e{1, 12, id, 0};
    put32(e, addr);
    put32(e, gsi);
    return e;
}
Bytes iso(uint8_t irq, uint32_t gsi, uint16_t flags) {
    Bytes e{2, 10, 0, irq};
    put32(e, gsi);
    put16(e, flags);
    return e;
}
Bytes madt(uint32_t lapic_addr, uint32_t flags, const std::vector<Bytes>& entries) {
    Bytes body;
    put32(body, lapic_addr);
    put32(body, flags);
    for (const Bytes& e : entries)
        body.insert(body.end(), e.begin(), e.end());
    return table("APIC", 3, body);
}

// A FADT of `length` bytes (116 = revision 1, 244 = revision 3, 276 = revision 6).
struct FadtSpec {
    uint32_t length = 244;
    uint32_t dsdt = 0, pm1a_cnt = 0x604, pm1b_cnt = 0, pm_tmr = 0x608, flags = 0;
    uint64_t x_dsdt = 0;
    Bytes x_pm1a_cnt; // a GAS, or empty for all zero
    Bytes reset;      // a GAS, or empty for all zero
    uint8_t reset_value = 0;
};
Bytes fadt(const FadtSpec& s) {
    Bytes b(s.length - 36, 0);
    auto at = [&](size_t off) { return off - 36; };
    auto w32 = [&](size_t off, uint32_t v) {
        if (off + 4 <= s.length)
            set32(b, at(off), v);
    };
    auto wbytes = [&](size_t off, const Bytes& v) {
        if (off + v.size() <= s.length)
            std::copy(v.begin(), v.end(), b.begin() + at(off));
    };
    w32(40, s.dsdt);
    b[at(46)] = 9; // SCI
    w32(64, s.pm1a_cnt);
    w32(68, s.pm1b_cnt);
    w32(76, s.pm_tmr);
    b[at(88)] = 4;
    b[at(89)] = 2;
    b[at(91)] = 4;
    w32(112, s.flags);
    wbytes(116, s.reset);
    if (s.length > 128)
        b[at(128)] = s.reset_value;
    if (s.length >= 148) {
        w32(140, uint32_t(s.x_dsdt));
        w32(144, uint32_t(s.x_dsdt >> 32));
    }
    wbytes(172, s.x_pm1a_cnt);
    return table("FACP", s.length > 116 ? 3 : 1, b);
}
Bytes gas(uint8_t space, uint8_t width, uint8_t access, uint64_t addr) {
    Bytes g;
    put_gas(g, space, width, access, addr);
    return g;
}

// AML for Name(\_S5_, Package(n){elements...}) with PkgLength in `pkg_bytes` bytes.
Bytes s5_aml(const Bytes& elements, uint8_t count, int pkg_bytes = 1, bool root = false) {
    Bytes a{0x08};
    if (root)
        a.push_back('\\');
    put_str(a, "_S5_");
    a.push_back(0x12);
    size_t len = pkg_bytes + 1 + elements.size();
    if (pkg_bytes == 1) {
        a.push_back(uint8_t(len));
    } else {
        a.push_back(uint8_t(((pkg_bytes - 1) << 6) | (len & 0x0f)));
        for (int i = 1; i < pkg_bytes; i++)
            a.push_back(uint8_t(len >> (4 + 8 * (i - 1))));
    }
    a.push_back(count);
    a.insert(a.end(), elements.begin(), elements.end());
    return a;
}

// Physical memory 0 .. 2 MiB; mapping outside it fails like unreachable memory.
struct PhysMem {
    Bytes mem = Bytes(2 << 20, 0);
    static const void* map(uint64_t phys, size_t len, void* ctx) {
        auto self = static_cast<PhysMem*>(ctx);
        if (phys > self->mem.size() || len > self->mem.size() - phys)
            return nullptr;
        return self->mem.data() + phys;
    }
    acpi::PhysAccess access() { return acpi::PhysAccess{map, this}; }
    void put(uint64_t phys, const Bytes& b) { std::copy(b.begin(), b.end(), mem.begin() + phys); }
};

// acpi::find_s5 on an exact-size heap copy, so ASan catches any read past the end.
acpi::SleepType s5_of(const Bytes& aml) {
    std::unique_ptr<uint8_t[]> exact(new uint8_t[aml.size()]);
    std::copy(aml.begin(), aml.end(), exact.get());
    return acpi::find_s5(exact.get(), aml.size());
}
bool madt_of(const Bytes& t, acpi::MadtInfo* m) {
    std::unique_ptr<uint8_t[]> exact(new uint8_t[t.size()]);
    std::copy(t.begin(), t.end(), exact.get());
    return acpi::parse_madt(exact.get(), uint32_t(t.size()), m);
}

// Keeps the parser's warnings out of the shared console (whose first sink gets a replay).
class Acpi : public ::testing::Test {
  protected:
    void SetUp() override {
        saved_ = console::level();
        console::set_level(LogLevel::error);
        info_ = std::make_unique<acpi::Info>();
        madt_ = std::make_unique<acpi::MadtInfo>();
    }
    void TearDown() override { console::set_level(saved_); }
    LogLevel saved_;
    PhysMem pm_;
    std::unique_ptr<acpi::Info> info_;
    std::unique_ptr<acpi::MadtInfo> madt_;
};

constexpr uint64_t kXsdt = 0x100000, kRsdt = 0x101000, kMadt = 0x102000, kFadt = 0x103000,
                   kDsdt = 0x104000, kHpet = 0x105000, kMadt2 = 0x106000, kSsdt = 0x107000;

// ---- RSDP ----

TEST_F(Acpi, RsdpFoundByScanOnSixteenByteBoundaryOnly) {
    // A perfect RSDP at an unaligned address is not an RSDP.
    pm_.put(0xe0008, rsdp(0, kRsdt, 0));
    EXPECT_EQ(acpi::find_rsdp(pm_.access()), 0u);
    pm_.put(0xf5a30, rsdp(2, kRsdt, kXsdt));
    EXPECT_EQ(acpi::find_rsdp(pm_.access()), 0xf5a30u);
}

TEST_F(Acpi, RsdpInEbdaComesFirst) {
    pm_.put(0xf0000, rsdp(0, kRsdt, 0));
    pm_.mem[0x40e] = 0xc0; // segment 0x9fc0 -> 0x9fc00
    pm_.mem[0x40f] = 0x9f;
    pm_.put(0x9fc40, rsdp(0, kRsdt, 0));
    EXPECT_EQ(acpi::find_rsdp(pm_.access()), 0x9fc40u);
}

TEST_F(Acpi, RsdpBadChecksumRejected) {
    Bytes bad = rsdp(0, kRsdt, 0);
    bad[8] ^= 1;
    pm_.put(0xe0000, bad);
    EXPECT_EQ(acpi::find_rsdp(pm_.access()), 0u);
    pm_.put(0xf0010, rsdp(0, kRsdt, 0));
    EXPECT_EQ(acpi::find_rsdp(pm_.access()), 0xf0010u);
    uint8_t rev = 99;
    EXPECT_FALSE(acpi::rsdp_valid(bad.data(), bad.size(), &rev));
    EXPECT_FALSE(acpi::rsdp_valid(bad.data(), 19, &rev));
}

TEST_F(Acpi, RsdpBadExtendedChecksumMeansRsdtOnly) {
    Bytes r = rsdp(2, kRsdt, kXsdt);
    uint8_t rev = 0;
    ASSERT_TRUE(acpi::rsdp_valid(r.data(), r.size(), &rev));
    EXPECT_EQ(rev, 2);
    r[33] ^= 0xff; // reserved byte: only the extended checksum covers it
    ASSERT_TRUE(acpi::rsdp_valid(r.data(), r.size(), &rev));
    EXPECT_EQ(rev, 0);
    // A v2 RSDP of which only the v1 part is readable also degrades to the RSDT.
    r = rsdp(2, kRsdt, kXsdt);
    ASSERT_TRUE(acpi::rsdp_valid(r.data(), 20, &rev));
    EXPECT_EQ(rev, 0);
}

TEST_F(Acpi, NoRsdpAnywhere) {
    EXPECT_FALSE(acpi::parse(pm_.access(), nullptr, 0, info_.get()));
    EXPECT_FALSE(info_->found);
}

// ---- root tables ----

// Two MADTs: the XSDT names one with 2 CPUs, the RSDT one with 1.
void two_roots(PhysMem& pm) {
    pm.put(kMadt, madt(0xfee00000, 1, {lapic(0, 0, 1), lapic(1, 1, 1)}));
    pm.put(kMadt2, madt(0xfee00000, 1, {lapic(0, 0, 1)}));
    pm.put(kXsdt, root("XSDT", {kMadt}));
    pm.put(kRsdt, root("RSDT", {kMadt2}));
    pm.put(0xe0000, rsdp(2, kRsdt, kXsdt));
}

TEST_F(Acpi, XsdtPreferredOverRsdt) {
    two_roots(pm_);
    ASSERT_TRUE(acpi::parse(pm_.access(), nullptr, 0, info_.get()));
    EXPECT_EQ(info_->rsdp_phys, 0xe0000u);
    EXPECT_EQ(info_->rsdp_revision, 2);
    EXPECT_TRUE(info_->xsdt);
    EXPECT_EQ(info_->root_phys, kXsdt);
    EXPECT_EQ(info_->madt.cpu_count, 2u);
}

TEST_F(Acpi, BrokenXsdtFallsBackToRsdt) {
    two_roots(pm_);
    pm_.mem[kXsdt + 9] ^= 1; // XSDT checksum
    ASSERT_TRUE(acpi::parse(pm_.access(), nullptr, 0, info_.get()));
    EXPECT_FALSE(info_->xsdt);
    EXPECT_EQ(info_->root_phys, kRsdt);
    EXPECT_EQ(info_->madt.cpu_count, 1u);
}

TEST_F(Acpi, RevisionZeroRsdpUsesRsdt) {
    two_roots(pm_);
    pm_.put(0xe0000, rsdp(0, kRsdt, 0));
    ASSERT_TRUE(acpi::parse(pm_.access(), nullptr, 0, info_.get()));
    EXPECT_FALSE(info_->xsdt);
    EXPECT_EQ(info_->madt.cpu_count, 1u);
}

TEST_F(Acpi, LoaderCopyUsedWithoutScanning) {
    two_roots(pm_);
    pm_.put(0xe0000, Bytes(36, 0)); // nothing to find by scanning
    Bytes copy = rsdp(2, kRsdt, kXsdt);
    ASSERT_TRUE(acpi::parse(pm_.access(), copy.data(), copy.size(), info_.get()));
    EXPECT_EQ(info_->rsdp_phys, 0u);
    EXPECT_TRUE(info_->xsdt);
    EXPECT_STREQ(info_->oem_id, "XENONR");
    // A corrupt copy falls back to scanning.
    copy[8] ^= 1;
    pm_.put(0xe0000, rsdp(0, kRsdt, 0));
    ASSERT_TRUE(acpi::parse(pm_.access(), copy.data(), copy.size(), info_.get()));
    EXPECT_EQ(info_->rsdp_phys, 0xe0000u);
}

TEST_F(Acpi, TablesWithBadChecksumLengthOrAddressAreSkipped) {
    pm_.put(kMadt, madt(0xfee00000, 1, {lapic(0, 0, 1)}));
    Bytes bad_fadt = fadt({});
    bad_fadt[20] ^= 0x40;
    pm_.put(kFadt, bad_fadt);
    Bytes huge = table("SSDT", 1, {});
    set32(huge, 4, 0x7fffffff);
    pm_.put(kSsdt, huge);
    pm_.put(kXsdt, root("XSDT", {kFadt, 0, kMadt, kSsdt, 0x7fff0000}));
    pm_.put(0xe0000, rsdp(2, 0, kXsdt));
    ASSERT_TRUE(acpi::parse(pm_.access(), nullptr, 0, info_.get()));
    ASSERT_EQ(info_->table_count, 4u); // the null entry is not a table
    EXPECT_STREQ(info_->tables[0].signature, "FACP");
    EXPECT_FALSE(info_->tables[0].valid);
    EXPECT_TRUE(info_->tables[1].valid);
    EXPECT_FALSE(info_->tables[2].valid);
    EXPECT_FALSE(info_->tables[3].valid); // unreachable
    EXPECT_FALSE(info_->fadt.present);
    EXPECT_TRUE(info_->madt.present);
}

// ---- MADT ----

TEST_F(Acpi, MadtCpusIoApicsOverrides) {
    Bytes nmi_src{3, 8};
    put16(nmi_src, 0xd);
    put32(nmi_src, 5);
    Bytes lapic_nmi{4, 6, 0xff, 0x05, 0x00, 1};
    Bytes t = madt(0xfee00000, 1,
                   {lapic(0, 0, 1), lapic(1, 2, 1), lapic(2, 4, 0), lapic(3, 6, 1),
                    lapic(4, 0xff, 0), // placeholder APIC id: not a CPU
                    x2apic(2, 1, 7),   // duplicate of APIC id 2: ignored
                    ioapic(0, 0xfec00000, 0), iso(0, 2, 0), iso(9, 9, 0xd), nmi_src, lapic_nmi});
    ASSERT_TRUE(madt_of(t, madt_.get()));
    const acpi::MadtInfo& m = *madt_;
    EXPECT_TRUE(m.present);
    EXPECT_FALSE(m.truncated);
    EXPECT_EQ(m.lapic_address, 0xfee00000u);
    EXPECT_TRUE(m.pcat_compat);
    ASSERT_EQ(m.cpu_count, 4u);
    uint32_t ids[] = {0, 2, 4, 6};
    for (size_t i = 0; i < 4; i++) {
        EXPECT_EQ(m.cpus[i].acpi_id, i);
        EXPECT_EQ(m.cpus[i].apic_id, ids[i]);
        EXPECT_EQ(m.cpus[i].enabled, i != 2);
        EXPECT_FALSE(m.cpus[i].x2apic);
    }
    ASSERT_EQ(m.ioapic_count, 1u);
    EXPECT_EQ(m.ioapics[0].id, 0);
    EXPECT_EQ(m.ioapics[0].address, 0xfec00000u);
    EXPECT_EQ(m.ioapics[0].gsi_base, 0u);
    ASSERT_EQ(m.override_count, 2u);
    EXPECT_EQ(m.overrides[0].source_irq, 0);
    EXPECT_EQ(m.overrides[0].gsi, 2u);
    EXPECT_EQ(m.overrides[1].source_irq, 9);
    EXPECT_EQ(m.overrides[1].flags, 0xd);
    ASSERT_EQ(m.nmi_source_count, 1u);
    EXPECT_EQ(m.nmi_sources[0].gsi, 5u);
    ASSERT_EQ(m.lapic_nmi_count, 1u);
    EXPECT_EQ(m.lapic_nmis[0].acpi_id, acpi::kAllProcessors);
    EXPECT_EQ(m.lapic_nmis[0].flags, 5);
    EXPECT_EQ(m.lapic_nmis[0].lint, 1);
}

TEST_F(Acpi, MadtX2ApicAndAddressOverride) {
    Bytes addr{5, 12, 0, 0};
    put64(addr, 0x1fee00000ull);
    Bytes t = madt(0xfee00000, 0, {x2apic(0x100, 1, 0), x2apic(0x101, 2, 1), addr});
    ASSERT_TRUE(madt_of(t, madt_.get()));
    EXPECT_EQ(madt_->lapic_address, 0x1fee00000ull);
    EXPECT_FALSE(madt_->pcat_compat);
    ASSERT_EQ(madt_->cpu_count, 2u);
    EXPECT_EQ(madt_->cpus[1].apic_id, 0x101u);
    EXPECT_EQ(madt_->cpus[1].acpi_id, 1u);
    EXPECT_FALSE(madt_->cpus[1].enabled);
    EXPECT_TRUE(madt_->cpus[1].online_capable);
    EXPECT_TRUE(madt_->cpus[1].x2apic);
}

TEST_F(Acpi, MadtZeroLengthEntryStopsWalk) {
    Bytes zero{0, 0, 0, 0, 0, 0, 0, 0};
    Bytes t = madt(0xfee00000, 1, {lapic(0, 0, 1), zero, lapic(1, 1, 1)});
    ASSERT_TRUE(madt_of(t, madt_.get()));
    EXPECT_TRUE(madt_->truncated);
    EXPECT_EQ(madt_->cpu_count, 1u);
}

TEST_F(Acpi, MadtEntryPastTheEndStopsWalk) {
    Bytes t = madt(0xfee00000, 1, {lapic(0, 0, 1), lapic(1, 1, 1)});
    t[t.size() - 7] = 40; // last entry claims 40 bytes
    ASSERT_TRUE(madt_of(t, madt_.get()));
    EXPECT_TRUE(madt_->truncated);
    EXPECT_EQ(madt_->cpu_count, 1u);
    // A lone trailing byte is not an entry header either.
    Bytes odd = madt(0xfee00000, 1, {lapic(0, 0, 1), Bytes{0}});
    ASSERT_TRUE(madt_of(odd, madt_.get()));
    EXPECT_TRUE(madt_->truncated);
    EXPECT_EQ(madt_->cpu_count, 1u);
}

TEST_F(Acpi, MadtShortEntrySkippedAndTooManyCpusCounted) {
    Bytes short_ioapic{1, 6, 0, 0, 0, 0};
    std::vector<Bytes> entries{short_ioapic};
    for (uint32_t i = 0; i < acpi::kMaxCpus + 3; i++)
        entries.push_back(x2apic(i, 1, i));
    ASSERT_TRUE(madt_of(madt(0xfee00000, 0, entries), madt_.get()));
    EXPECT_FALSE(madt_->truncated);
    EXPECT_EQ(madt_->ioapic_count, 0u);
    EXPECT_EQ(madt_->cpu_count, acpi::kMaxCpus);
    EXPECT_EQ(madt_->dropped, 3u);
}

TEST_F(Acpi, MadtTooShortRejected) {
    Bytes t = table("APIC", 3, {0, 0, 0xe0});
    EXPECT_FALSE(madt_of(t, madt_.get()));
    EXPECT_FALSE(madt_->present);
}

// ---- FADT ----

acpi::FadtInfo parse_fadt(const Bytes& t) {
    acpi::FadtInfo f;
    std::unique_ptr<uint8_t[]> exact(new uint8_t[t.size()]);
    std::copy(t.begin(), t.end(), exact.get());
    EXPECT_TRUE(acpi::parse_fadt(exact.get(), uint32_t(t.size()), &f));
    return f;
}

TEST_F(Acpi, FadtRevisionOneUsesLegacyFields) {
    FadtSpec s;
    s.length = 116;
    s.dsdt = kDsdt;
    s.flags = acpi::kFadtResetRegSup; // no reset register in a 116-byte FADT
    acpi::FadtInfo f = parse_fadt(fadt(s));
    EXPECT_TRUE(f.present);
    EXPECT_EQ(f.dsdt, kDsdt);
    EXPECT_EQ(f.pm1a_cnt.space(), acpi::Space::io);
    EXPECT_EQ(f.pm1a_cnt.address, 0x604u);
    EXPECT_EQ(f.pm1a_cnt.bit_width, 16);
    EXPECT_FALSE(f.pm1b_cnt.present());
    EXPECT_EQ(f.pm_timer.address, 0x608u);
    EXPECT_EQ(f.sci_irq, 9);
    EXPECT_FALSE(f.reset_supported);
    EXPECT_FALSE(f.hw_reduced);
}

TEST_F(Acpi, FadtPrefersNonZeroExtendedFields) {
    FadtSpec s;
    s.dsdt = kDsdt;
    s.x_dsdt = 0x1234567000ull;
    s.x_pm1a_cnt = gas(0, 16, 2, 0xfed80004);
    s.reset = gas(1, 8, 1, 0xcf9);
    s.reset_value = 6;
    s.flags = acpi::kFadtResetRegSup | acpi::kFadtTmrValExt;
    acpi::FadtInfo f = parse_fadt(fadt(s));
    EXPECT_EQ(f.dsdt, 0x1234567000ull);
    EXPECT_EQ(f.pm1a_cnt.space(), acpi::Space::memory);
    EXPECT_EQ(f.pm1a_cnt.address, 0xfed80004u);
    EXPECT_EQ(f.pm_timer.address, 0x608u); // X_PM_TMR_BLK zero: legacy
    EXPECT_TRUE(f.pm_timer_32bit);
    EXPECT_TRUE(f.reset_supported);
    EXPECT_EQ(f.reset_reg.space(), acpi::Space::io);
    EXPECT_EQ(f.reset_reg.address, 0xcf9u);
    EXPECT_EQ(f.reset_value, 6);

    // Zero X_ fields fall back to the 32-bit ones; an X_ GAS without a width takes it from
    // the legacy length field.
    s.x_dsdt = 0;
    s.x_pm1a_cnt = gas(1, 0, 0, 0x1004);
    s.flags = acpi::kFadtHwReduced; // reset register present but not supported
    f = parse_fadt(fadt(s));
    EXPECT_EQ(f.dsdt, kDsdt);
    EXPECT_EQ(f.pm1a_cnt.address, 0x1004u);
    EXPECT_EQ(f.pm1a_cnt.bit_width, 16);
    EXPECT_FALSE(f.reset_supported);
    EXPECT_TRUE(f.hw_reduced);
}

// ---- \_S5_ ----

TEST_F(Acpi, S5ByteConstElements) {
    Bytes aml = {0x10, 0x05, '_', 'S', 'B', '_'}; // unrelated AML first
    Bytes s5 = s5_aml({0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00}, 4);
    aml.insert(aml.end(), s5.begin(), s5.end());
    acpi::SleepType t = s5_of(aml);
    EXPECT_TRUE(t.found);
    EXPECT_EQ(t.slp_typa, 5);
    EXPECT_EQ(t.slp_typb, 7);
}

TEST_F(Acpi, S5ZeroOneAndRawBytes) {
    acpi::SleepType t = s5_of(s5_aml({0x00, 0x01, 0x00, 0x00}, 4));
    EXPECT_TRUE(t.found);
    EXPECT_EQ(t.slp_typa, 0);
    EXPECT_EQ(t.slp_typb, 1);
    t = s5_of(s5_aml({0x07, 0x0a, 0x03}, 2, 1, true));
    EXPECT_TRUE(t.found);
    EXPECT_EQ(t.slp_typa, 7);
    EXPECT_EQ(t.slp_typb, 3);
    // One element only: SLP_TYPb is 0.
    t = s5_of(s5_aml({0x0a, 0x05}, 1));
    EXPECT_TRUE(t.found);
    EXPECT_EQ(t.slp_typa, 5);
    EXPECT_EQ(t.slp_typb, 0);
}

TEST_F(Acpi, S5TwoAndThreeBytePkgLength) {
    Bytes elements{0x0a, 0x06, 0x01};
    for (int i = 0; i < 40; i++) // pad past the 63 bytes a 1-byte PkgLength can say
        elements.insert(elements.end(), {0x0a, 0x00});
    acpi::SleepType t = s5_of(s5_aml(elements, 42, 2));
    EXPECT_TRUE(t.found);
    EXPECT_EQ(t.slp_typa, 6);
    EXPECT_EQ(t.slp_typb, 1);
    t = s5_of(s5_aml({0x0a, 0x02, 0x0a, 0x03}, 2, 3, true));
    EXPECT_TRUE(t.found);
    EXPECT_EQ(t.slp_typa, 2);
    EXPECT_EQ(t.slp_typb, 3);
}

TEST_F(Acpi, S5DecoysAndTruncationAreNotMatches) {
    // "_S5_" as a method name (MethodOp, PkgLength) and inside a string: not a Name.
    Bytes aml = {0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xa4, 0x00};
    put_str(aml, "\x0d_S5_\x00");
    EXPECT_FALSE(s5_of(aml).found);
    Bytes s5 = s5_aml({0x0a, 0x05, 0x0a, 0x05}, 2);
    Bytes with = aml;
    with.insert(with.end(), s5.begin(), s5.end());
    EXPECT_TRUE(s5_of(with).found);
    // Every truncation of a good encoding fails cleanly, never reading past the end.
    for (size_t n = 0; n < s5.size(); n++) {
        Bytes cut(s5.begin(), s5.begin() + n);
        acpi::SleepType t = s5_of(cut.empty() ? Bytes{0} : cut);
        EXPECT_TRUE(!t.found || n >= 10) << n; // it needs the whole first element
    }
    EXPECT_FALSE(s5_of(Bytes{'_', 'S', '5', '_'}).found);
    EXPECT_FALSE(s5_of(s5_aml({}, 0)).found);
}

// ---- the whole thing, shaped like QEMU q35's tables ----

void q35_like(PhysMem& pm, bool with_s5) {
    Bytes dsdt_body = {0x10, 0x05, '_', 'S', 'B', '_'};
    if (with_s5) {
        Bytes s5 = s5_aml({0x0a, 0x00, 0x00, 0x00, 0x00}, 4, 1, true);
        dsdt_body.insert(dsdt_body.end(), s5.begin(), s5.end());
    }
    pm.put(kDsdt, table("DSDT", 1, dsdt_body));
    FadtSpec s;
    s.dsdt = kDsdt;
    s.x_dsdt = kDsdt;
    s.x_pm1a_cnt = gas(1, 16, 0, 0x604);
    s.reset = gas(1, 8, 0, 0xcf9);
    s.reset_value = 6;
    s.flags = acpi::kFadtResetRegSup;
    pm.put(kFadt, fadt(s));
    pm.put(kMadt, madt(0xfee00000, 1,
                       {lapic(0, 0, 1), lapic(1, 1, 1), ioapic(0, 0xfec00000, 0), iso(0, 2, 0),
                        iso(5, 5, 0xd), iso(9, 9, 0xd), iso(10, 10, 0xd), iso(11, 11, 0xd),
                        Bytes{4, 6, 0xff, 0, 0, 1}}));
    Bytes hpet_body;
    put32(hpet_body, 0x8086a201);
    put_gas(hpet_body, 0, 0, 0, 0xfed00000);
    hpet_body.insert(hpet_body.end(), {0, 0, 0, 0});
    pm.put(kHpet, table("HPET", 1, hpet_body));
    pm.put(kSsdt, table("WAET", 1, {0, 0, 0, 0}));
    pm.put(kXsdt, root("XSDT", {kFadt, kMadt, kHpet, kSsdt}));
    pm.put(0xf5200, rsdp(2, 0, kXsdt));
}

std::vector<std::string> summary(const acpi::Info& info) {
    std::vector<std::string> lines;
    acpi::summary_lines(
        info,
        [](const char* line, void* ctx) {
            static_cast<std::vector<std::string>*>(ctx)->push_back(line);
        },
        &lines);
    return lines;
}

TEST_F(Acpi, WholeParseLikeQemuQ35) {
    q35_like(pm_, true);
    ASSERT_TRUE(acpi::parse(pm_.access(), nullptr, 0, info_.get()));
    const acpi::Info& i = *info_;
    EXPECT_EQ(i.table_count, 4u);
    EXPECT_EQ(i.madt.cpu_count, 2u);
    EXPECT_EQ(i.madt.override_count, 5u);
    EXPECT_EQ(i.fadt.pm1a_cnt.address, 0x604u);
    EXPECT_TRUE(i.s5.found);
    EXPECT_EQ(i.s5.slp_typa, 0);
    EXPECT_TRUE(i.hpet_present);
    EXPECT_EQ(i.hpet_address, 0xfed00000u);

    std::vector<std::string> lines = summary(i);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0],
              "acpi: RSDP rev 2 at 0xf5200 [XENONR], XSDT, 4 tables: FACP APIC HPET WAET");
    EXPECT_EQ(lines[1], "acpi: 2 CPUs (APIC ids 0 1), IOAPIC id 0 at 0xfec00000 GSI 0, 5 "
                        "overrides, LAPIC 0xfee00000, 8259");
    EXPECT_EQ(lines[2], "acpi: PM1a_CNT 0x604, reset 0xcf9 <- 0x6, SCI 9, S5 type 0, HPET at "
                        "0xfed00000");
    acpi::log_summary(i); // through the console too (dropped at this level)
}

TEST_F(Acpi, MissingS5DefaultsToZero) {
    q35_like(pm_, false);
    ASSERT_TRUE(acpi::parse(pm_.access(), nullptr, 0, info_.get()));
    EXPECT_FALSE(info_->s5.found);
    EXPECT_EQ(info_->s5.slp_typa, 0);
    EXPECT_EQ(info_->s5.slp_typb, 0);
    EXPECT_NE(summary(*info_)[2].find("no \\_S5_ (S5 type 0 assumed)"), std::string::npos);
}

TEST_F(Acpi, S5FoundInSsdtWhenDsdtLacksIt) {
    q35_like(pm_, false);
    pm_.put(kMadt2, table("SSDT", 1, s5_aml({0x0a, 0x05, 0x0a, 0x05}, 2)));
    pm_.put(kXsdt, root("XSDT", {kFadt, kMadt, kHpet, kMadt2}));
    ASSERT_TRUE(acpi::parse(pm_.access(), nullptr, 0, info_.get()));
    EXPECT_TRUE(info_->s5.found);
    EXPECT_EQ(info_->s5.slp_typa, 5);
}

} // namespace
