// The hypervisor's debug keys (XEN_SYSCTL_debug_keys, `xl debug-keys`): each key that
// has a handler prints a report to the console (read back with `xl dmesg`).
#pragma once

void debug_key_press(char key);
