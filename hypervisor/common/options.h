// The Xen command-line options xenon accepts at boot, as parsed values. Subsystems read
// them once the command line has been applied (cmdline_apply).
#pragma once
#include <stdint.h>

#include "common/console.h"

// com1=<baud>[/<clock-hz>][,[DPS][,[<io-base>][,<irq>]]] as in Xen, e.g. 115200,8n1.
struct SerialConfig {
    bool set = false;      // given on the command line
    uint32_t baud = 0;     // 0: "auto", keep what the firmware or loader programmed
    uint32_t clock_hz = 0; // 0: the standard 1.8432 MHz crystal
    uint8_t data_bits = 8; // 5..8
    char parity = 'n';     // n, o, e, m, s
    uint8_t stop_bits = 1; // 1 or 2
    uint16_t io_base = 0;  // 0: the port's standard base (COM1 0x3f8, COM2 0x2f8)
    uint8_t irq = 0;       // 0: polled
};

// loglvl=<level>[/<rate-limited level>]: Xen's two thresholds.
struct LogLevels {
    LogLevel level = LogLevel::info;
    LogLevel ratelimited = LogLevel::warning;
};

// One dom0_mem amount: a size, "all but" a size (written -<size>), or a percentage.
struct Dom0MemAmount {
    enum class Kind : uint8_t { kUnset, kBytes, kAllBut, kPercent };
    Kind kind = Kind::kUnset;
    uint64_t value = 0; // bytes, or percent (0..100)
};

// dom0_mem=[min:<amt>,][max:<amt>,][<amt>]; each later dom0_mem= replaces the parts it names.
struct Dom0Mem {
    Dom0MemAmount amount, min, max;
};

struct BootOptions {
    char console[64] = ""; // console=com1,vga...: where the console goes
    SerialConfig com1, com2;
    LogLevels loglvl; // the hypervisor's (also applied to the console at once)
    LogLevels guest_loglvl;
    Dom0Mem dom0_mem;
    uint32_t maxcpus = 0; // 0: no limit
    // dom0_max_vcpus=N | N- | -M | N-M: dom0 gets a vCPU per CPU, within [min, max].
    uint32_t dom0_max_vcpus_min = 1;
    uint32_t dom0_max_vcpus_max = UINT32_MAX;
    bool dom0_vcpus_pin = false; // dom0's vCPU i runs on CPU i (of the CPUs there are)
    bool noreboot = false;       // halt instead of rebooting after a fatal error
    bool smap = true;
    bool smep = true;
    bool sync_console = false;
    bool dom0_pvh = false;   // dom0=pvh: the initial domain is PVH (SVM with nested paging)
    uint16_t debug_exit = 0; // QEMU isa-debug-exit port for the final status; 0: none
};

const BootOptions& boot_options();

// The custom parsers, exported for tests; each returns false (changing nothing) on a bad
// value.
bool parse_serial_config(const char* value, SerialConfig* out);
bool parse_log_levels(const char* value, LogLevels* out);
bool parse_dom0_mem(const char* value, Dom0Mem* out);
bool parse_dom0_max_vcpus(const char* value, uint32_t* min, uint32_t* max);
// Xen's dom0_max_vcpus(): the CPUs there are, raised to min and lowered to max.
unsigned dom0_vcpus(const BootOptions& o, unsigned cpus);
