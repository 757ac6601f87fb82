// ACPI static tables: finding the RSDP, walking the XSDT/RSDT, and extracting what xenon
// needs from the MADT (CPUs, IOAPICs, overrides), FADT (power and reset registers), DSDT
// (the \_S5_ soft-off sleep type) and HPET.
//
// Architecture-neutral and host-tested: physical memory is reached only through an
// injected accessor, and every table is checked (signature, length, checksum) before
// a single field of it is trusted. Firmware is buggy, not hostile, but a bad table must
// cost a warning, never a crash or a hang.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace acpi {

// Returns a pointer through which [phys, phys + len) can be read, or nullptr when that
// range cannot be reached. A mapping need only last until acpi::parse returns: results
// are copied out, no pointer into firmware memory is kept.
using MapFn = const void* (*)(uint64_t phys, size_t len, void* ctx);

struct PhysAccess {
    MapFn map;
    void* ctx;
    const void* operator()(uint64_t phys, size_t len) const { return map(phys, len, ctx); }
};

constexpr size_t kHeaderSize = 36;
constexpr uint32_t kMaxTableLength = 1u << 20; // anything larger is taken as corruption

// Generic Address Structure, decoded. address == 0 means "not present".
enum class Space : uint8_t { memory = 0, io = 1, pci_config = 2 };
struct Gas {
    uint8_t space_id; // a Space value, or something xenon does not drive
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size; // 0 undefined, 1 byte, 2 word, 3 dword, 4 qword
    uint64_t address;
    bool present() const { return address != 0; }
    Space space() const { return static_cast<Space>(space_id); }
};

// ---- MADT ----
constexpr size_t kMaxCpus = 256;
constexpr size_t kMaxIoApics = 16;
constexpr size_t kMaxOverrides = 32;
constexpr size_t kMaxNmiSources = 16;
constexpr size_t kMaxLapicNmis = 32;
constexpr uint32_t kAllProcessors = 0xffffffff; // LapicNmi::acpi_id for "every CPU"

struct Cpu {
    uint32_t acpi_id;
    uint32_t apic_id;
    bool enabled;        // usable now
    bool online_capable; // disabled but may be hot-added
    bool x2apic;         // came from an x2APIC (type 9) entry
};
struct IoApic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};
// An ISA IRQ routed to a different GSI and/or with non-default polarity/trigger.
// flags: bits 0-1 polarity (0 bus default, 1 high, 3 low), bits 2-3 trigger (0, 1 edge, 3 level).
struct Override {
    uint8_t bus;
    uint8_t source_irq;
    uint32_t gsi;
    uint16_t flags;
};
struct NmiSource {
    uint16_t flags;
    uint32_t gsi;
};
struct LapicNmi {
    uint32_t acpi_id; // kAllProcessors for all
    uint16_t flags;
    uint8_t lint; // LINT0 or LINT1
};

struct MadtInfo {
    bool present;
    uint64_t lapic_address; // the 64-bit override (type 5) wins over the 32-bit field
    bool pcat_compat;       // dual 8259 PICs present: mask them before using the IOAPIC
    Cpu cpus[kMaxCpus];
    size_t cpu_count;
    IoApic ioapics[kMaxIoApics];
    size_t ioapic_count;
    Override overrides[kMaxOverrides];
    size_t override_count;
    NmiSource nmi_sources[kMaxNmiSources];
    size_t nmi_source_count;
    LapicNmi lapic_nmis[kMaxLapicNmis];
    size_t lapic_nmi_count;
    size_t dropped; // entries that did not fit the arrays above
    bool truncated; // the walk stopped at a malformed entry
};

// ---- FADT ----
struct FadtInfo {
    bool present;
    uint8_t revision;
    uint32_t length;
    uint64_t dsdt;          // X_DSDT when present and non-zero, else DSDT
    uint64_t firmware_ctrl; // FACS
    uint16_t sci_irq;
    uint32_t smi_cmd; // port to write acpi_enable to for leaving legacy (SMM) mode
    uint8_t acpi_enable;
    uint8_t acpi_disable;
    Gas pm1a_evt, pm1b_evt;
    Gas pm1a_cnt, pm1b_cnt;
    Gas pm_timer;
    bool pm_timer_32bit; // TMR_VAL_EXT: the timer counts 32 bits, not 24
    Gas reset_reg;
    uint8_t reset_value;
    bool reset_supported; // RESET_REG_SUP
    bool hw_reduced;      // HW_REDUCED_ACPI: no PM1 blocks, use the sleep registers
    Gas sleep_control, sleep_status;
    uint32_t flags;
    uint16_t boot_arch; // IAPC_BOOT_ARCH: bit 0 legacy devices, bit 1 8042, bit 5 no CMOS RTC
    uint8_t century;    // CMOS index of the century, 0 if none
};

// FADT flag bits xenon uses.
constexpr uint32_t kFadtTmrValExt = 1u << 8;
constexpr uint32_t kFadtResetRegSup = 1u << 10;
constexpr uint32_t kFadtHwReduced = 1u << 20;

// ---- DSDT ----
struct SleepType {
    bool found;
    uint8_t slp_typa;
    uint8_t slp_typb;
};

// ---- the whole picture ----
constexpr size_t kMaxTables = 64;

struct TableRef {
    char signature[5];
    uint64_t phys;
    uint32_t length;
    bool valid; // signature, length and checksum all good
};

struct Info {
    bool found;         // an RSDP and a usable root table were found
    uint64_t rsdp_phys; // 0 when it came from the loader's copy
    uint8_t rsdp_revision;
    char oem_id[7];
    bool xsdt; // the root table used is the XSDT (else the RSDT)
    uint64_t root_phys;
    TableRef tables[kMaxTables];
    size_t table_count;
    MadtInfo madt;
    FadtInfo fadt;
    SleepType s5;
    bool hpet_present;
    uint64_t hpet_address;
};

// Low-level helpers, exposed for tests and for other table parsers.
uint8_t checksum(const void* data, size_t len); // 0 means the bytes sum correctly
// Validates an RSDP at p, of which `avail` bytes are readable. On success returns the
// revision to honour (a revision >= 2 RSDP with a bad extended checksum is downgraded to
// 0 so only its RSDT is used) via *revision; returns false when it is not an RSDP.
bool rsdp_valid(const void* p, size_t avail, uint8_t* revision);
// Scans the EBDA's first KiB and 0xE0000-0xFFFFF; returns the RSDP's address or 0.
uint64_t find_rsdp(const PhysAccess& mem);
// Maps and validates the table at phys; expected may be nullptr for any signature.
// Returns the mapped table (header included) and its length, or nullptr.
const uint8_t* map_table(const PhysAccess& mem, uint64_t phys, const char* expected,
                         uint32_t* length);

bool parse_madt(const uint8_t* table, uint32_t length, MadtInfo* out);
bool parse_fadt(const uint8_t* table, uint32_t length, FadtInfo* out);
// Searches AML (a DSDT or SSDT body) for Name(\_S5_, Package(){a, b, ...}).
SleepType find_s5(const uint8_t* aml, size_t length);
bool parse_hpet(const uint8_t* table, uint32_t length, uint64_t* address);

// Everything at once. rsdp_copy/rsdp_len: the loader's copy of the RSDP (Multiboot 2
// tags 14/15), or nullptr/0 to scan memory. *out is fully overwritten. Returns out->found.
bool parse(const PhysAccess& mem, const void* rsdp_copy, size_t rsdp_len, Info* out);

// The boot log summary: tables, CPUs and IOAPICs, power registers. summary_lines hands
// the same lines to emit, one at a time, without the console.
void log_summary(const Info& info);
void summary_lines(const Info& info, void (*emit)(const char* line, void* ctx), void* ctx);

} // namespace acpi
