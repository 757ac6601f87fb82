// libFuzzer target: common/acpi/tables.h. The input is physical memory from 0xE0000 up
// (where the RSDP is searched for); the first byte says whether the loader also hands
// over a copy of the RSDP (the next 36 bytes). acpi::parse must find what it finds
// without reading outside the window and with every count inside its array; the single
// table parsers also get the raw bytes as a table.
// FUZZ_REQUIRES: hypervisor/common/acpi/tables.h
#include <stddef.h>
#include <stdint.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "common/acpi/tables.h"

namespace {

constexpr uint64_t kBase = 0xE0000;

struct Window {
    std::vector<uint8_t> mem;
};

const void* map(uint64_t phys, size_t len, void* ctx) {
    auto* w = static_cast<Window*>(ctx);
    if (phys < kBase || phys - kBase > w->mem.size() || len > w->mem.size() - (phys - kBase))
        return nullptr;
    return w->mem.data() + (phys - kBase);
}

void emit(const char*, void*) {}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    bool copy = data[0] & 1;
    size_t skip = copy && size >= 37 ? 37 : 1;
    Window w;
    w.mem.assign(data + skip, data + size);
    acpi::PhysAccess mem{map, &w};
    auto info = std::make_unique<acpi::Info>();
    acpi::parse(mem, copy && skip == 37 ? data + 1 : nullptr, copy && skip == 37 ? 36 : 0,
                info.get());
    if (info->table_count > acpi::kMaxTables || info->madt.cpu_count > acpi::kMaxCpus ||
        info->madt.ioapic_count > acpi::kMaxIoApics ||
        info->madt.override_count > acpi::kMaxOverrides ||
        info->madt.nmi_source_count > acpi::kMaxNmiSources ||
        info->madt.lapic_nmi_count > acpi::kMaxLapicNmis)
        abort();
    acpi::summary_lines(*info, emit, nullptr);

    // The same bytes as one table of each kind.
    std::vector<uint8_t> table(data, data + size);
    uint32_t len = uint32_t(table.size());
    auto madt = std::make_unique<acpi::MadtInfo>();
    acpi::parse_madt(table.data(), len, madt.get());
    if (madt->cpu_count > acpi::kMaxCpus || madt->ioapic_count > acpi::kMaxIoApics)
        abort();
    acpi::FadtInfo fadt{};
    acpi::parse_fadt(table.data(), len, &fadt);
    uint64_t hpet;
    acpi::parse_hpet(table.data(), len, &hpet);
    acpi::find_s5(table.data(), table.size());
    uint8_t rev;
    acpi::rsdp_valid(table.data(), table.size(), &rev);
    acpi::checksum(table.data(), table.size());
    return 0;
}
