// MADT ("APIC"): processors, IOAPICs, interrupt source overrides and NMI wiring.
#include "common/acpi/bytes.h"
#include "common/acpi/tables.h"
#include "common/console.h"
#include "lib/string.h"

namespace acpi {

using namespace detail;

namespace {

constexpr size_t kMadtEntries = 44; // header, local APIC address, flags

enum EntryType : uint8_t {
    kLocalApic = 0,
    kIoApic = 1,
    kSourceOverride = 2,
    kNmiSource = 3,
    kLapicNmi = 4,
    kLapicAddressOverride = 5,
    kX2Apic = 9,
    kX2ApicNmi = 10,
};

// Minimum lengths of the entries xenon reads; 0 for types it ignores.
uint8_t min_length(uint8_t type) {
    switch (type) {
    case kLocalApic:
        return 8;
    case kIoApic:
        return 12;
    case kSourceOverride:
        return 10;
    case kNmiSource:
        return 8;
    case kLapicNmi:
        return 6;
    case kLapicAddressOverride:
        return 12;
    case kX2Apic:
        return 16;
    case kX2ApicNmi:
        return 12;
    default:
        return 0;
    }
}

void add_cpu(MadtInfo* m, uint32_t acpi_id, uint32_t apic_id, uint32_t flags, bool x2apic) {
    // Firmware may list a CPU both as a local APIC and as an x2APIC: keep the first.
    for (size_t i = 0; i < m->cpu_count; i++)
        if (m->cpus[i].apic_id == apic_id)
            return;
    if (m->cpu_count == kMaxCpus) {
        m->dropped++;
        return;
    }
    m->cpus[m->cpu_count++] = Cpu{acpi_id, apic_id, (flags & 1) != 0, (flags & 2) != 0, x2apic};
}

void add_entry(MadtInfo* m, const uint8_t* e, uint64_t* lapic_override) {
    switch (e[0]) {
    case kLocalApic:
        // APIC id 0xff is the xAPIC broadcast id: a placeholder, never a CPU.
        if (e[3] != 0xff)
            add_cpu(m, e[2], e[3], rd32(e + 4), false);
        break;
    case kX2Apic:
        add_cpu(m, rd32(e + 12), rd32(e + 4), rd32(e + 8), true);
        break;
    case kIoApic:
        if (m->ioapic_count < kMaxIoApics)
            m->ioapics[m->ioapic_count++] = IoApic{e[2], rd32(e + 4), rd32(e + 8)};
        else
            m->dropped++;
        break;
    case kSourceOverride:
        if (m->override_count < kMaxOverrides)
            m->overrides[m->override_count++] = Override{e[2], e[3], rd32(e + 4), rd16(e + 8)};
        else
            m->dropped++;
        break;
    case kNmiSource:
        if (m->nmi_source_count < kMaxNmiSources)
            m->nmi_sources[m->nmi_source_count++] = NmiSource{rd16(e + 2), rd32(e + 4)};
        else
            m->dropped++;
        break;
    case kLapicNmi:
    case kX2ApicNmi: {
        bool x2 = e[0] == kX2ApicNmi;
        uint32_t id = x2 ? rd32(e + 4) : (e[2] == 0xff ? kAllProcessors : e[2]);
        LapicNmi nmi{id, rd16(x2 ? e + 2 : e + 3), x2 ? e[8] : e[5]};
        if (m->lapic_nmi_count < kMaxLapicNmis)
            m->lapic_nmis[m->lapic_nmi_count++] = nmi;
        else
            m->dropped++;
        break;
    }
    case kLapicAddressOverride:
        *lapic_override = rd64(e + 4);
        break;
    }
}

} // namespace

bool parse_madt(const uint8_t* t, uint32_t length, MadtInfo* m) {
    memset(m, 0, sizeof(*m));
    if (length < kMadtEntries || !sig_is(t, "APIC")) {
        log_warn("acpi: MADT too short (%u bytes)", length);
        return false;
    }
    m->present = true;
    m->lapic_address = rd32(t + 36);
    m->pcat_compat = rd32(t + 40) & 1;

    uint64_t lapic_override = 0;
    size_t off = kMadtEntries;
    while (off < length) {
        size_t left = length - off;
        uint8_t type = left >= 2 ? t[off] : 0;
        uint8_t len = left >= 2 ? t[off + 1] : 0;
        // A zero length would loop forever, an overlong one reads past the table.
        if (len < 2 || len > left) {
            log_warn("acpi: MADT entry at offset %zu (type %u, length %u, %zu bytes left) is "
                     "malformed, ignoring the rest",
                     off, type, len, left);
            m->truncated = true;
            break;
        }
        if (len < min_length(type))
            log_warn("acpi: MADT entry type %u too short (%u bytes), skipped", type, len);
        else
            add_entry(m, t + off, &lapic_override);
        off += len;
    }
    if (lapic_override)
        m->lapic_address = lapic_override;
    if (m->dropped)
        log_warn("acpi: MADT: %zu entries beyond xenon's limits ignored", m->dropped);
    return true;
}

} // namespace acpi
