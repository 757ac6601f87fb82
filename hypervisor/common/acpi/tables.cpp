// Finding the RSDP and walking the root table; dispatching to the per-table parsers.
#include "common/acpi/tables.h"

#include "common/acpi/bytes.h"
#include "common/console.h"
#include "lib/string.h"

namespace acpi {

using namespace detail;

namespace {

constexpr size_t kRsdpV1Size = 20;
constexpr size_t kRsdpV2Size = 36;
constexpr uint32_t kMaxRsdpLength = 4096;
constexpr uint64_t kEbdaSegmentPtr = 0x40e;
constexpr size_t kEbdaScanSize = 1024;
constexpr uint64_t kBiosAreaStart = 0xe0000;
constexpr uint64_t kBiosAreaEnd = 0x100000;

struct Rsdp {
    uint8_t revision;
    uint32_t rsdt;
    uint64_t xsdt;
    char oem_id[7];
};

// Copies the fields of a validated RSDP; p must pass rsdp_valid with avail bytes.
Rsdp read_rsdp(const uint8_t* p, size_t avail) {
    Rsdp r{};
    rsdp_valid(p, avail, &r.revision);
    r.rsdt = rd32(p + 16);
    r.xsdt = r.revision >= 2 ? rd64(p + 24) : 0;
    for (int i = 0; i < 6; i++)
        r.oem_id[i] = p[9 + i] >= 0x20 && p[9 + i] < 0x7f ? char(p[9 + i]) : ' ';
    return r;
}

// Checks a candidate at phys inside a mapped window whose readable bytes from the
// candidate on are `avail`. A v2 RSDP longer than the window is remapped whole.
bool candidate_at(const PhysAccess& mem, uint64_t phys, const uint8_t* p, size_t avail, Rsdp* out) {
    if (avail < kRsdpV1Size || memcmp(p, "RSD PTR ", 8) != 0)
        return false;
    if (p[15] >= 2 && avail >= kRsdpV2Size) {
        uint32_t len = rd32(p + 20);
        if (len > avail && len <= kMaxRsdpLength) {
            if (const void* whole = mem(phys, len)) {
                p = static_cast<const uint8_t*>(whole);
                avail = len;
            }
        }
    }
    uint8_t rev;
    if (!rsdp_valid(p, avail, &rev))
        return false;
    *out = read_rsdp(p, avail);
    return true;
}

uint64_t scan_range(const PhysAccess& mem, uint64_t start, size_t size, Rsdp* out) {
    auto base = static_cast<const uint8_t*>(mem(start, size));
    if (!base)
        return 0;
    for (size_t off = 0; off + kRsdpV1Size <= size; off += 16)
        if (candidate_at(mem, start + off, base + off, size - off, out))
            return start + off;
    return 0;
}

uint64_t scan(const PhysAccess& mem, Rsdp* out) {
    if (auto seg = static_cast<const uint8_t*>(mem(kEbdaSegmentPtr, 2))) {
        uint64_t ebda = uint64_t(rd16(seg)) << 4;
        // The EBDA sits just below 640 KiB; anything else is not an EBDA pointer.
        if (ebda >= 0x500 && ebda + kEbdaScanSize <= 0xa0000)
            if (uint64_t phys = scan_range(mem, ebda, kEbdaScanSize, out))
                return phys;
    }
    return scan_range(mem, kBiosAreaStart, kBiosAreaEnd - kBiosAreaStart, out);
}

void signature_of(const uint8_t* h, char out[5]) {
    for (int i = 0; i < 4; i++)
        out[i] = h[i] >= 0x20 && h[i] < 0x7f ? char(h[i]) : '?';
    out[4] = 0;
}

const TableRef* first_valid(const Info& info, const char* sig) {
    for (size_t i = 0; i < info.table_count; i++)
        if (info.tables[i].valid && memcmp(info.tables[i].signature, sig, 4) == 0)
            return &info.tables[i];
    return nullptr;
}

void walk_root(const PhysAccess& mem, const uint8_t* root, uint32_t length, size_t entry_size,
               Info* out) {
    size_t entries = (length - kHeaderSize) / entry_size;
    for (size_t i = 0; i < entries; i++) {
        const uint8_t* e = root + kHeaderSize + i * entry_size;
        uint64_t phys = entry_size == 8 ? rd64(e) : rd32(e);
        if (phys == 0)
            continue;
        if (out->table_count == kMaxTables) {
            log_warn("acpi: more than %zu tables, ignoring the rest", kMaxTables);
            break;
        }
        TableRef& ref = out->tables[out->table_count++];
        ref.phys = phys;
        memcpy(ref.signature, "????", 5);
        auto h = static_cast<const uint8_t*>(mem(phys, kHeaderSize));
        if (!h) {
            log_warn("acpi: table at %#llx is unreachable, skipped", (unsigned long long)phys);
            continue;
        }
        signature_of(h, ref.signature);
        ref.length = rd32(h + 4);
        ref.valid = map_table(mem, phys, nullptr, &ref.length) != nullptr;
    }
}

void find_sleep_type(const PhysAccess& mem, Info* out) {
    uint32_t len;
    if (out->fadt.dsdt)
        if (const uint8_t* dsdt = map_table(mem, out->fadt.dsdt, "DSDT", &len))
            out->s5 = find_s5(dsdt + kHeaderSize, len - kHeaderSize);
    // Some firmware defines \_S5_ in an SSDT instead.
    for (size_t i = 0; !out->s5.found && i < out->table_count; i++) {
        const TableRef& t = out->tables[i];
        if (t.valid && memcmp(t.signature, "SSDT", 4) == 0)
            if (const uint8_t* ssdt = map_table(mem, t.phys, "SSDT", &len))
                out->s5 = find_s5(ssdt + kHeaderSize, len - kHeaderSize);
    }
}

} // namespace

uint8_t checksum(const void* data, size_t len) {
    auto p = static_cast<const uint8_t*>(data);
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = uint8_t(sum + p[i]);
    return sum;
}

bool rsdp_valid(const void* data, size_t avail, uint8_t* revision) {
    auto p = static_cast<const uint8_t*>(data);
    if (avail < kRsdpV1Size || memcmp(p, "RSD PTR ", 8) != 0 || checksum(p, kRsdpV1Size) != 0)
        return false;
    *revision = p[15];
    if (p[15] < 2)
        return true;
    // The v1 checksum vouches for the RSDT address; the XSDT needs the extended one.
    uint32_t len = avail >= kRsdpV2Size ? rd32(p + 20) : 0;
    if (len < kRsdpV2Size || len > avail || checksum(p, len) != 0)
        *revision = 0;
    return true;
}

uint64_t find_rsdp(const PhysAccess& mem) {
    Rsdp r;
    return scan(mem, &r);
}

const uint8_t* map_table(const PhysAccess& mem, uint64_t phys, const char* expected,
                         uint32_t* length) {
    auto h = static_cast<const uint8_t*>(mem(phys, kHeaderSize));
    if (!h) {
        log_warn("acpi: table at %#llx is unreachable", (unsigned long long)phys);
        return nullptr;
    }
    char sig[5];
    signature_of(h, sig);
    if (expected && !sig_is(h, expected)) {
        log_warn("acpi: expected %s at %#llx, found '%s'", expected, (unsigned long long)phys, sig);
        return nullptr;
    }
    uint32_t len = rd32(h + 4);
    if (len < kHeaderSize || len > kMaxTableLength || phys + len < phys) {
        log_warn("acpi: %s at %#llx has bad length %u, skipped", sig, (unsigned long long)phys,
                 len);
        return nullptr;
    }
    auto t = static_cast<const uint8_t*>(mem(phys, len));
    if (!t) {
        log_warn("acpi: %s at %#llx (%u bytes) is unreachable", sig, (unsigned long long)phys, len);
        return nullptr;
    }
    if (checksum(t, len) != 0) {
        log_warn("acpi: %s at %#llx has a bad checksum, skipped", sig, (unsigned long long)phys);
        return nullptr;
    }
    *length = len;
    return t;
}

bool parse(const PhysAccess& mem, const void* rsdp_copy, size_t rsdp_len, Info* out) {
    memset(out, 0, sizeof(*out));
    Rsdp rsdp{};
    uint8_t rev;
    if (rsdp_copy && rsdp_valid(rsdp_copy, rsdp_len, &rev)) {
        rsdp = read_rsdp(static_cast<const uint8_t*>(rsdp_copy), rsdp_len);
    } else {
        if (rsdp_copy)
            log_warn("acpi: the loader's RSDP copy is invalid, scanning memory");
        out->rsdp_phys = scan(mem, &rsdp);
        if (!out->rsdp_phys) {
            log_warn("acpi: no RSDP found");
            return false;
        }
    }
    out->rsdp_revision = rsdp.revision;
    memcpy(out->oem_id, rsdp.oem_id, sizeof(out->oem_id));

    uint32_t len = 0;
    const uint8_t* root = nullptr;
    if (rsdp.xsdt) {
        root = map_table(mem, rsdp.xsdt, "XSDT", &len);
        if (root) {
            out->xsdt = true;
            out->root_phys = rsdp.xsdt;
        } else {
            log_warn("acpi: XSDT unusable, falling back to the RSDT");
        }
    }
    if (!root && rsdp.rsdt) {
        root = map_table(mem, rsdp.rsdt, "RSDT", &len);
        out->root_phys = rsdp.rsdt;
    }
    if (!root) {
        log_warn("acpi: no usable XSDT or RSDT");
        return false;
    }
    out->found = true;
    walk_root(mem, root, len, out->xsdt ? 8 : 4, out);

    if (const TableRef* t = first_valid(*out, "FACP"))
        if (const uint8_t* fadt = map_table(mem, t->phys, "FACP", &len))
            parse_fadt(fadt, len, &out->fadt);
    if (const TableRef* t = first_valid(*out, "APIC"))
        if (const uint8_t* madt = map_table(mem, t->phys, "APIC", &len))
            parse_madt(madt, len, &out->madt);
    if (const TableRef* t = first_valid(*out, "HPET"))
        if (const uint8_t* hpet = map_table(mem, t->phys, "HPET", &len))
            out->hpet_present = parse_hpet(hpet, len, &out->hpet_address);
    find_sleep_type(mem, out);
    return true;
}

} // namespace acpi
