// Three boot log lines that say what the firmware described: tables, CPUs and interrupt
// controllers, power and reset registers.
#include <stdarg.h>

#include "common/acpi/tables.h"
#include "common/console.h"
#include "lib/format.h"

namespace acpi {

namespace {

// A log line built in pieces; the console takes at most ~500 bytes per line.
struct Line {
    char buf[400] = {};
    size_t len = 0;
    void add(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        if (len + 1 >= sizeof(buf))
            return;
        va_list args;
        va_start(args, fmt);
        size_t n = lib::vformat(buf + len, sizeof(buf) - len, fmt, args);
        va_end(args);
        len = n < sizeof(buf) - len ? len + n : sizeof(buf) - 1;
    }
};

void add_gas(Line& l, const Gas& g) {
    if (g.space() == Space::io)
        l.add("%#llx", (unsigned long long)g.address);
    else if (g.space() == Space::memory)
        l.add("mem %#llx", (unsigned long long)g.address);
    else
        l.add("space %u:%#llx", g.space_id, (unsigned long long)g.address);
}

using Emit = void (*)(const char* line, void* ctx);

void tables_line(const Info& info, Emit emit, void* ctx) {
    Line l;
    if (info.rsdp_phys)
        l.add("acpi: RSDP rev %u at %#llx", info.rsdp_revision, (unsigned long long)info.rsdp_phys);
    else
        l.add("acpi: RSDP rev %u (loader copy)", info.rsdp_revision);
    l.add(" [%s], %s, %zu tables:", info.oem_id, info.xsdt ? "XSDT" : "RSDT", info.table_count);
    for (size_t i = 0; i < info.table_count; i++)
        l.add(" %s%s", info.tables[i].signature, info.tables[i].valid ? "" : "(bad)");
    emit(l.buf, ctx);
}

void interrupts_line(const MadtInfo& m, Emit emit, void* ctx) {
    if (!m.present) {
        emit("acpi: no MADT", ctx);
        return;
    }
    constexpr size_t kListed = 32;
    size_t enabled = 0;
    Line l;
    for (size_t i = 0; i < m.cpu_count; i++)
        enabled += m.cpus[i].enabled;
    l.add("acpi: %zu CPUs (APIC ids", enabled);
    for (size_t i = 0, shown = 0; i < m.cpu_count; i++) {
        if (!m.cpus[i].enabled)
            continue;
        if (shown++ == kListed) {
            l.add(" ...");
            break;
        }
        l.add(" %u", m.cpus[i].apic_id);
    }
    l.add(")");
    if (m.cpu_count > enabled)
        l.add(" + %zu disabled", m.cpu_count - enabled);
    for (size_t i = 0; i < m.ioapic_count; i++)
        l.add(", IOAPIC id %u at %#x GSI %u", m.ioapics[i].id, m.ioapics[i].address,
              m.ioapics[i].gsi_base);
    l.add(", %zu overrides, LAPIC %#llx%s", m.override_count, (unsigned long long)m.lapic_address,
          m.pcat_compat ? ", 8259" : "");
    emit(l.buf, ctx);
}

void power_line(const Info& info, Emit emit, void* ctx) {
    const FadtInfo& f = info.fadt;
    Line l;
    if (!f.present) {
        l.add("acpi: no FADT");
    } else {
        l.add("acpi: PM1a_CNT ");
        add_gas(l, f.pm1a_cnt);
        if (f.pm1b_cnt.present()) {
            l.add(", PM1b_CNT ");
            add_gas(l, f.pm1b_cnt);
        }
        if (f.reset_supported) {
            l.add(", reset ");
            add_gas(l, f.reset_reg);
            l.add(" <- %#x", f.reset_value);
        } else {
            l.add(", no reset register");
        }
        l.add(", SCI %u", f.sci_irq);
        if (f.hw_reduced)
            l.add(", hw-reduced");
    }
    if (info.s5.found)
        l.add(", S5 type %u", info.s5.slp_typa);
    else
        l.add(", no \\_S5_ (S5 type 0 assumed)");
    if (info.hpet_present)
        l.add(", HPET at %#llx", (unsigned long long)info.hpet_address);
    emit(l.buf, ctx);
}

} // namespace

void summary_lines(const Info& info, void (*emit)(const char* line, void* ctx), void* ctx) {
    if (!info.found) {
        emit("acpi: no usable tables; no SMP, power-off or ACPI reset", ctx);
        return;
    }
    tables_line(info, emit, ctx);
    interrupts_line(info.madt, emit, ctx);
    power_line(info, emit, ctx);
}

void log_summary(const Info& info) {
    summary_lines(
        info, [](const char* line, void*) { log_info("%s", line); }, nullptr);
}

} // namespace acpi
