// FADT ("FACP"): fixed power-management registers, reset register, DSDT location.
//
// The table has grown with every ACPI revision; a field is read only when the table's
// length covers it, so a revision 1 FADT (116 bytes) parses as well as a 276-byte one.
#include "common/acpi/bytes.h"
#include "common/acpi/tables.h"
#include "common/console.h"
#include "lib/string.h"

namespace acpi {

using namespace detail;

namespace {

// Byte offsets of the fields xenon reads.
enum Offset : uint32_t {
    kFirmwareCtrl = 36,
    kDsdt = 40,
    kSciInt = 46,
    kSmiCmd = 48,
    kAcpiEnable = 52,
    kAcpiDisable = 53,
    kPm1aEvtBlk = 56,
    kPm1bEvtBlk = 60,
    kPm1aCntBlk = 64,
    kPm1bCntBlk = 68,
    kPmTmrBlk = 76,
    kPm1EvtLen = 88,
    kPm1CntLen = 89,
    kPmTmrLen = 91,
    kCentury = 108,
    kBootArch = 109,
    kFlags = 112,
    kResetReg = 116,
    kResetValue = 128,
    kXFirmwareCtrl = 132,
    kXDsdt = 140,
    kXPm1aEvtBlk = 148,
    kXPm1bEvtBlk = 160,
    kXPm1aCntBlk = 172,
    kXPm1bCntBlk = 184,
    kXPmTmrBlk = 208,
    kSleepControl = 244,
    kSleepStatus = 256,
};

struct Reader {
    const uint8_t* t;
    uint32_t length;
    bool has(uint32_t off, uint32_t size) const { return off + size <= length; }
    uint8_t u8(uint32_t off) const { return has(off, 1) ? t[off] : 0; }
    uint16_t u16(uint32_t off) const { return has(off, 2) ? rd16(t + off) : 0; }
    uint32_t u32(uint32_t off) const { return has(off, 4) ? rd32(t + off) : 0; }
    uint64_t u64(uint32_t off) const { return has(off, 8) ? rd64(t + off) : 0; }
    Gas gas(uint32_t off) const { return has(off, kGasSize) ? rd_gas(t + off) : Gas{}; }

    // The 64-bit X_ block when present and non-zero, else the legacy I/O port block.
    Gas block(uint32_t x_off, uint32_t legacy_off, uint32_t len_off) const {
        uint8_t width = uint8_t(u8(len_off) * 8);
        Gas x = gas(x_off);
        if (x.present()) {
            if (x.bit_width == 0)
                x.bit_width = width;
            return x;
        }
        uint32_t port = u32(legacy_off);
        if (!port)
            return Gas{};
        return Gas{uint8_t(Space::io), width, 0, 0, port};
    }
};

} // namespace

bool parse_fadt(const uint8_t* t, uint32_t length, FadtInfo* f) {
    memset(f, 0, sizeof(*f));
    Reader r{t, length};
    if (!r.has(kDsdt, 4) || !sig_is(t, "FACP")) {
        log_warn("acpi: FADT too short (%u bytes)", length);
        return false;
    }
    f->present = true;
    f->revision = t[8];
    f->length = length;
    f->firmware_ctrl = r.u64(kXFirmwareCtrl) ? r.u64(kXFirmwareCtrl) : r.u32(kFirmwareCtrl);
    f->dsdt = r.u64(kXDsdt) ? r.u64(kXDsdt) : r.u32(kDsdt);
    f->sci_irq = r.u16(kSciInt);
    f->smi_cmd = r.u32(kSmiCmd);
    f->acpi_enable = r.u8(kAcpiEnable);
    f->acpi_disable = r.u8(kAcpiDisable);
    f->pm1a_evt = r.block(kXPm1aEvtBlk, kPm1aEvtBlk, kPm1EvtLen);
    f->pm1b_evt = r.block(kXPm1bEvtBlk, kPm1bEvtBlk, kPm1EvtLen);
    f->pm1a_cnt = r.block(kXPm1aCntBlk, kPm1aCntBlk, kPm1CntLen);
    f->pm1b_cnt = r.block(kXPm1bCntBlk, kPm1bCntBlk, kPm1CntLen);
    f->pm_timer = r.block(kXPmTmrBlk, kPmTmrBlk, kPmTmrLen);
    f->century = r.u8(kCentury);
    f->boot_arch = r.u16(kBootArch);
    f->flags = r.u32(kFlags);
    f->pm_timer_32bit = f->flags & kFadtTmrValExt;
    f->hw_reduced = f->flags & kFadtHwReduced;
    if (r.has(kResetValue, 1)) {
        f->reset_reg = r.gas(kResetReg);
        f->reset_value = r.u8(kResetValue);
        f->reset_supported = (f->flags & kFadtResetRegSup) && f->reset_reg.present();
    }
    f->sleep_control = r.gas(kSleepControl);
    f->sleep_status = r.gas(kSleepStatus);
    return true;
}

} // namespace acpi
