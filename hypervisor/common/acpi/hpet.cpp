// HPET table: where the event timer block lives, for later timekeeping.
#include "common/acpi/bytes.h"
#include "common/acpi/tables.h"
#include "common/console.h"

namespace acpi {

using namespace detail;

bool parse_hpet(const uint8_t* t, uint32_t length, uint64_t* address) {
    // Event timer block id (4 bytes) at 36, then the base address as a GAS.
    constexpr uint32_t kBase = 40;
    if (length < kBase + kGasSize || !sig_is(t, "HPET"))
        return false;
    Gas base = rd_gas(t + kBase);
    if (base.space() != Space::memory || !base.present()) {
        log_warn("acpi: HPET base is not a memory address, ignored");
        return false;
    }
    *address = base.address;
    return true;
}

} // namespace acpi
