// The hypercall fuzzer (being written): for now it only reports success.
#include "hostile.h"

void test_main() {
    hostile::pass();
}
