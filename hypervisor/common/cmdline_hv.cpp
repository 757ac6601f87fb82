// The hypervisor's registered options: every Param the image defines lies between these
// linker-script symbols (see XENON_PARAM_SECTION).
#include "common/cmdline.h"
#include "common/console.h"

extern "C" Param __params_start[], __params_end[];

void cmdline_apply(const char* cmdline) {
    unsigned ignored = parse_cmdline(cmdline, __params_start, __params_end);
    if (ignored)
        log_warn("cmdline: %u word%s ignored", ignored, ignored == 1 ? "" : "s");
}
