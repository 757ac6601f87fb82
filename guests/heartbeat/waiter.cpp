// The waiter: a dom0 that does nothing but stay alive (xenon powers the machine off when
// its initial domain shuts down). The hostile-test runner boots it as dom0 when a hostile
// guest must run as a domU, because what it tests crashes the calling domain.
#include "public/sched.h"
#include "runtime.h"

void test_main() {
    xt::printf("waiter: dom0 up, waiting\n");
    for (;;)
        xt::sched_op(xen::SCHEDOP_block); // nothing wakes it but stray events
}
