// A minimal MC146818 (CMOS RTC) reader: date and time registers through index port 0x70
// and data port 0x71, in BCD or binary, 12- or 24-hour, as status register B says.
#include "arch/rtc.h"

#include "arch/io.h"

namespace arch {
namespace {

constexpr uint16_t kIndex = 0x70, kData = 0x71;
enum : uint8_t {
    kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDay = 0x07, kMonth = 0x08, kYear = 0x09,
    kStatusA = 0x0a, kStatusB = 0x0b, kCentury = 0x32, // the century byte PCs (and QEMU) keep
};
constexpr uint8_t kUpdateInProgress = 0x80; // status A
constexpr uint8_t kBinary = 0x04, k24Hour = 0x02; // status B
constexpr uint8_t kPm = 0x80; // hours, 12-hour mode

uint8_t cmos(uint8_t reg) {
    outb(kIndex, reg);
    return inb(kData);
}

struct Reading {
    uint8_t sec, min, hour, day, mon, year, century;
    bool operator==(const Reading&) const = default;
};

bool read_once(Reading* r) {
    // An update takes under 2 ms once UIP is seen; bound the wait anyway.
    for (unsigned spins = 0; cmos(kStatusA) & kUpdateInProgress; spins++)
        if (spins > 1000000)
            return false;
    r->sec = cmos(kSeconds);
    r->min = cmos(kMinutes);
    r->hour = cmos(kHours);
    r->day = cmos(kDay);
    r->mon = cmos(kMonth);
    r->year = cmos(kYear);
    r->century = cmos(kCentury);
    return true;
}

unsigned from_bcd(uint8_t v) { return (v >> 4) * 10 + (v & 15); }

// Days from 1970-01-01 to the given proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

} // namespace

bool rtc_read(uint64_t* unix_seconds) {
    Reading a, b;
    // Two equal readings in a row: no update happened in between.
    for (unsigned tries = 0;; tries++) {
        if (tries > 10 || !read_once(&a) || !read_once(&b))
            return false;
        if (a == b)
            break;
    }
    uint8_t status_b = cmos(kStatusB);
    bool pm = !(status_b & k24Hour) && (a.hour & kPm);
    a.hour &= static_cast<uint8_t>(~kPm);
    unsigned sec = a.sec, min = a.min, hour = a.hour, day = a.day, mon = a.mon, year = a.year,
             century = a.century;
    if (!(status_b & kBinary)) {
        sec = from_bcd(a.sec), min = from_bcd(a.min), hour = from_bcd(a.hour);
        day = from_bcd(a.day), mon = from_bcd(a.mon), year = from_bcd(a.year);
        century = from_bcd(a.century);
    }
    if (!(status_b & k24Hour))
        hour = hour % 12 + (pm ? 12 : 0);
    unsigned full_year = (century >= 19 && century <= 99) ? century * 100 + year
                                                          : (year < 70 ? 2000 : 1900) + year;
    if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 || mon < 1 || mon > 12 ||
        full_year < 1970)
        return false;
    int64_t days = days_from_civil(full_year, mon, day);
    *unix_seconds = static_cast<uint64_t>(days) * 86400 + hour * 3600 + min * 60 + sec;
    return true;
}

} // namespace arch
